"""A tiny PEP 517 build backend, and the deterministic wheel writer it shares with the builder.

This file has two lives. The test builder (`builder.py`) imports it to write every prebuilt
wheel, and it is copied verbatim into every test sdist as `_backend/ulock_test_backend.py`,
named by `build-backend` with `backend-path = ["_backend"]`. So a wheel built from a test sdist
by any PEP 517 frontend is byte-identical to the prebuilt `py3-none-any` wheel of the same
release, and a build needs nothing from the network (`build-system.requires = []`, unless the
scenario gives the release `build_requires`).

Inside an sdist the backend reads the full core metadata from `_backend/METADATA` (the sdist's
`PKG-INFO` may leave `Requires-Dist` dynamic, which is the point of building) and packs the
import package directory found beside `pyproject.toml`. When `_backend/BUILD-REQUIRES` lists
build requirements, it refuses to build unless each one's module imports, which shows whether
the frontend really installed them.

It must run on every Python a test may build with (3.8 and newer) and use the standard library
only: no `match`, no `X | Y` outside annotations.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib
import io
import re
import tarfile
import zipfile
from collections.abc import Sequence
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

# Every archive member gets this timestamp so the bytes do not depend on when they were built.
FIXED_DATE_TIME = (2020, 2, 2, 0, 0, 0)
FIXED_MTIME = 1580601600  # FIXED_DATE_TIME as a Unix time (UTC)
GENERATOR = "ulock-test-backend 1"
SDIST_TAG = "py3-none-any"
METADATA_SOURCE = "_backend/METADATA"
BUILD_REQUIRES_SOURCE = "_backend/BUILD-REQUIRES"
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def escape_name(name: str) -> str:
    """The distribution name as it appears in file names: normalized, with underscores."""
    return re.sub(r"[-_.]+", "_", name).lower()


def module_name(name: str) -> str:
    """The importable package each test distribution ships."""
    return escape_name(name)


def wheel_filename(name: str, version: str, tag: str) -> str:
    return f"{escape_name(name)}-{version}-{tag}.whl"


def expand_tag(tag: str) -> list[str]:
    """`cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64` -> one `Tag:` value per triple."""
    interpreters, abis, platforms = tag.split("-")
    return [
        f"{interpreter}-{abi}-{platform}"
        for interpreter in interpreters.split(".")
        for abi in abis.split(".")
        for platform in platforms.split(".")
    ]


def wheel_file_text(tag: str) -> str:
    lines = ["Wheel-Version: 1.0", f"Generator: {GENERATOR}", "Root-Is-Purelib: true"]
    lines += [f"Tag: {expanded}" for expanded in expand_tag(tag)]
    return "\n".join(lines) + "\n"


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _zip_info(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=FIXED_DATE_TIME)
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def wheel_bytes(
    *, name: str, version: str, tag: str, metadata: bytes, files: Sequence[tuple[str, bytes]]
) -> bytes:
    """A complete wheel: `files` (archive path, content) first, then the `.dist-info` files."""
    dist_info = f"{escape_name(name)}-{version}.dist-info"
    members = sorted(files)
    members.append((f"{dist_info}/METADATA", metadata))
    members.append((f"{dist_info}/WHEEL", wheel_file_text(tag).encode("utf-8")))
    record_lines = [f"{path},{_record_hash(data)},{len(data)}" for path, data in members]
    record_lines.append(f"{dist_info}/RECORD,,")
    members.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in members:
            archive.writestr(_zip_info(path), data)
    return buffer.getvalue()


def sdist_bytes(*, root: str, files: Sequence[tuple[str, bytes]]) -> bytes:
    """A gzip'd tar of `files` under the directory `root`, with fixed owners and times."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path, data in sorted(files):
            info = tarfile.TarInfo(f"{root}/{path}")
            info.size = len(data)
            info.mtime = FIXED_MTIME
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    compressed = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything run-dependent.
    with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0) as stream:
        stream.write(raw.getvalue())
    return compressed.getvalue()


# ---------------------------------------------------------------------------------------------
# The PEP 517 hooks, run by a frontend with the unpacked sdist as the working directory.


def _source_metadata() -> tuple[bytes, str, str]:
    metadata = Path(METADATA_SOURCE).read_bytes()
    headers = HeaderParser().parsestr(metadata.decode("utf-8"))
    return metadata, headers["Name"], headers["Version"]


def _tree_files(top: Path) -> list[tuple[str, bytes]]:
    """Every file under `top` as (path relative to the working directory, content)."""
    return [
        (path.as_posix(), path.read_bytes())
        for path in sorted(top.rglob("*"))
        if path.is_file() and path.suffix != ".pyc"
    ]


def _check_build_requirements() -> None:
    """Refuse to build unless every `build-system.requires` entry was installed for us.

    Test distributions ship an importable module named after the distribution, so importing
    it shows that the frontend really provided the build environment it was asked for.
    """
    source = Path(BUILD_REQUIRES_SOURCE)
    if not source.exists():
        return
    missing = []
    for requirement in source.read_text(encoding="utf-8").splitlines():
        match = _NAME.match(requirement.strip())
        if match is None:
            continue
        try:
            importlib.import_module(module_name(match.group(0)))
        except ImportError:
            missing.append(requirement)
    if missing:
        raise RuntimeError(f"build requirements not installed: {', '.join(missing)}")


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    return []


def get_requires_for_build_sdist(config_settings: Any = None) -> list[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Any = None) -> str:
    _check_build_requirements()
    metadata, name, version = _source_metadata()
    dist_info = f"{escape_name(name)}-{version}.dist-info"
    target = Path(metadata_directory) / dist_info
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_bytes(metadata)
    (target / "WHEEL").write_bytes(wheel_file_text(SDIST_TAG).encode("utf-8"))
    return dist_info


def build_wheel(
    wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None
) -> str:
    _check_build_requirements()
    metadata, name, version = _source_metadata()
    filename = wheel_filename(name, version, SDIST_TAG)
    files = _tree_files(Path(module_name(name)))
    data = wheel_bytes(name=name, version=version, tag=SDIST_TAG, metadata=metadata, files=files)
    (Path(wheel_directory) / filename).write_bytes(data)
    return filename


def build_sdist(sdist_directory: str, config_settings: Any = None) -> str:
    _metadata, name, version = _source_metadata()
    root = f"{escape_name(name)}-{version}"
    filename = f"{root}.tar.gz"
    data = sdist_bytes(root=root, files=_tree_files(Path()))
    (Path(sdist_directory) / filename).write_bytes(data)
    return filename
