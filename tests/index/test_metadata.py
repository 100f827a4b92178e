"""Parsing core metadata and reading PKG-INFO out of sdists."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from packaging.metadata import parse_email
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.index.errors import MalformedPage
from universal_lock.index.metadata import (
    _fields,
    _scan_headers,
    parse_core_metadata,
    pkg_info_is_static,
    sdist_pkg_info,
)

FULL = b"""Metadata-Version: 2.4
Name: Demo_Pkg
Version: 1.0.post1
Requires-Python: >=3.9
Requires-Dist: b>=1
Requires-Dist: c; extra == "fast"
Provides-Extra: Fast
Dynamic: License

Long description here.
"""


def test_core_metadata_fields():
    metadata = parse_core_metadata(FULL, source="x")
    assert metadata.name == "demo-pkg"
    assert metadata.version == Version("1.0.post1")
    assert metadata.requires_python == SpecifierSet(">=3.9")
    assert [str(r) for r in metadata.requires_dist] == [
        str(Requirement("b>=1")),
        str(Requirement('c; extra == "fast"')),
    ]
    assert metadata.provides_extra == ("fast",)
    assert metadata.dynamic == ("license",)
    assert metadata.metadata_version == "2.4"


def test_invalid_requirement_names_the_package():
    data = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: b >>= 1\n"
    with pytest.raises(InvalidRequirementData) as caught:
        parse_core_metadata(data, source="x")
    assert caught.value.package == "demo 1.0"
    assert caught.value.value == "b >>= 1"


def test_missing_name_is_malformed():
    with pytest.raises(MalformedPage):
        parse_core_metadata(b"Metadata-Version: 2.1\nVersion: 1.0\n", source="x")


@pytest.mark.parametrize(
    ("header", "static"),
    [
        ("Metadata-Version: 2.2\n", True),
        ("Metadata-Version: 2.1\n", False),
        ("Metadata-Version: 2.3\nDynamic: Requires-Dist\n", False),
        ("Metadata-Version: 2.3\nDynamic: Provides-Extra\n", False),
        ("Metadata-Version: 2.3\nDynamic: License\n", True),
    ],
)
def test_pkg_info_is_static_only_from_2_2_without_dynamic_dependencies(header, static):
    data = f"{header}Name: demo\nVersion: 1.0\n".encode()
    assert pkg_info_is_static(parse_core_metadata(data, source="x")) is static


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_sdist_pkg_info_top_level_only(tmp_path):
    path = tmp_path / "demo-1.0.tar.gz"
    path.write_bytes(_tar({"demo-1.0/src/PKG-INFO": b"nested", "demo-1.0/PKG-INFO": b"top"}))
    assert sdist_pkg_info(path) == b"top"
    zipped = tmp_path / "demo-1.0.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("demo-1.0/PKG-INFO", b"zip top")
    assert sdist_pkg_info(zipped) == b"zip top"
    bare = tmp_path / "bare-1.0.tar.gz"
    bare.write_bytes(_tar({"bare-1.0/setup.py": b""}))
    assert sdist_pkg_info(bare) is None
    broken = tmp_path / "broken-1.0.tar.gz"
    broken.write_bytes(b"not an archive")
    with pytest.raises(MalformedPage):
        sdist_pkg_info(broken)


def _email_fields(data: bytes) -> dict[str, object]:
    raw = dict(parse_email(data)[0])
    keys = ("name", "version", "requires_python", "metadata_version")
    multiple = ("requires_dist", "provides_extra", "dynamic")
    return {key: raw[key] for key in (*keys, *multiple) if key in raw}


_CLEAN_NAMES = ["Name", "name", "Version", "Requires-Python", "requires-dist", "Requires-Dist"]
_CLEAN_NAMES += ["Provides-Extra", "Dynamic", "Metadata-Version", "Summary", "Classifier"]
# Mostly lines the scan reads itself; sometimes one that sends the file to the email parser.
_FIELD_NAMES = st.one_of(
    st.sampled_from(_CLEAN_NAMES),
    st.sampled_from(_CLEAN_NAMES),
    st.sampled_from(_CLEAN_NAMES),
    st.sampled_from(["Name ", " Requires-Dist", "From ", ""]),
)

_VALUES = st.sampled_from(
    [
        "demo",
        ">=3.9 ",
        'c; extra == "fast"',
        "José",
        "a\tb",
        "=?utf-8?q?x?=",
        "",
        "  spaced",
        "2.4",
    ]
)
_ENDINGS = st.sampled_from(["\n"] * 8 + ["\r\n", "\n  folded\n", "\n\n"])


@example(lines=[("Requires-Python", ">=3.9 ", "\n")], body="", encoding="utf-8")
@example(lines=[("Name", "a", "\n"), ("name", "b", "\n")], body="", encoding="utf-8")
@given(
    lines=st.lists(st.tuples(_FIELD_NAMES, _VALUES, _ENDINGS), max_size=8),
    body=st.sampled_from(["", "\nBody text\nName: not-a-header\n"]),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
)
def test_header_scan_agrees_with_the_email_parser(lines, body, encoding):
    """Whatever the scan reads itself, it reads as packaging's email parser does."""
    text = "".join(f"{name}: {value}{ending}" for name, value, ending in lines) + body
    data = text.encode(encoding)
    assert _fields(data) == _email_fields(data)


def test_header_scan_reads_plain_metadata_itself():
    """The common case never reaches the email parser (the speed this module promises)."""
    fields = _scan_headers(FULL)
    assert fields is not None
    assert fields["requires_dist"] == ["b>=1", 'c; extra == "fast"']
    assert fields["requires_python"] == ">=3.9"
    assert _scan_headers(b"Name: a\nDescription: one\n  two\n") is None


def test_a_single_use_field_given_twice_is_missing():
    with pytest.raises(MalformedPage):
        parse_core_metadata(b"Name: a\nName: b\nVersion: 1\n", source="x")
