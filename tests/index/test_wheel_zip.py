"""Reading METADATA out of a zip from byte ranges, checked against zipfile itself."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.index.errors import MalformedPage
from universal_lock.index.wheel_zip import (
    TAIL_SIZE,
    extract_member,
    locate_central_directory,
    member_span,
    metadata_member_name,
    read_members,
)


def _wheel(members: list[tuple[str, bytes, int]], *, zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            with archive.open(info, "w", force_zip64=zip64) as stream:
                stream.write(data)
    return buffer.getvalue()


def _read_metadata_by_ranges(blob: bytes, name: str, version: str) -> bytes:
    """What the client does over HTTP, with slicing standing in for range requests."""
    tail_start = max(0, len(blob) - TAIL_SIZE)
    tail = blob[tail_start:]
    directory = locate_central_directory(tail, tail_start, "test")
    central = blob[directory.offset : directory.offset + directory.size]
    members = read_members(central, "test")
    wanted = metadata_member_name([m.name for m in members], name, version)
    member = next(m for m in members if m.name == wanted)
    start, end = member_span(member)
    result = extract_member(blob[start : end + 1], member, "test")
    if isinstance(result, int):
        result = extract_member(blob[start : start + result], member, "test")
    assert isinstance(result, bytes)
    return result


METADATA = b"Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nRequires-Dist: b>=1\n"


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("zip64", [False, True])
def test_metadata_is_found_in_small_and_zip64_wheels(method, zip64):
    blob = _wheel(
        [
            ("demo/__init__.py", b"x = 1\n" * 100, method),
            ("demo-1.0.dist-info/METADATA", METADATA, method),
            ("demo-1.0.dist-info/RECORD", b"", method),
        ],
        zip64=zip64,
    )
    assert _read_metadata_by_ranges(blob, "demo", "1.0") == METADATA


def test_central_directory_before_the_tail_is_located():
    # Incompressible payload after METADATA pushes the start of the file far from the tail,
    # and many members make the central directory itself bigger than the tail.
    members = [("demo-1.0.dist-info/METADATA", METADATA, zipfile.ZIP_DEFLATED)]
    members += [(f"demo/m{i:05d}_{'x' * 40}.py", b"", zipfile.ZIP_STORED) for i in range(1500)]
    members += [("demo/blob.bin", os.urandom(200_000), zipfile.ZIP_STORED)]
    blob = _wheel(members)
    tail_start = len(blob) - TAIL_SIZE
    directory = locate_central_directory(blob[tail_start:], tail_start, "test")
    assert directory.offset < tail_start
    assert _read_metadata_by_ranges(blob, "demo", "1.0") == METADATA


@given(
    payloads=st.lists(st.binary(max_size=3000), max_size=6),
    metadata=st.binary(min_size=1, max_size=5000),
    position=st.integers(min_value=0, max_value=6),
    compressed=st.booleans(),
)
def test_any_wheel_layout_gives_back_the_exact_metadata(payloads, metadata, position, compressed):
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    members = [(f"pkg/f{i}.bin", data, method) for i, data in enumerate(payloads)]
    members.insert(min(position, len(members)), ("Pkg-2.0.dist-info/METADATA", metadata, method))
    blob = _wheel(members)
    assert _read_metadata_by_ranges(blob, "pkg", "2.0") == metadata


def test_metadata_member_prefers_the_projects_own_dist_info():
    names = ["vendored-3.0.dist-info/METADATA", "demo_pkg-1.0.dist-info/METADATA", "a/b/METADATA"]
    assert metadata_member_name(names, "demo-pkg", "1.0") == "demo_pkg-1.0.dist-info/METADATA"
    assert metadata_member_name(["x-1.dist-info/METADATA"], "demo", "1") == "x-1.dist-info/METADATA"
    assert (
        metadata_member_name(["a-1.dist-info/METADATA", "b-1.dist-info/METADATA"], "c", "1") is None
    )


def test_bytes_that_are_not_a_zip_are_malformed():
    with pytest.raises(MalformedPage, match="no end of central directory"):
        locate_central_directory(b"\x00" * 100, 0, "https://host/x.whl")
