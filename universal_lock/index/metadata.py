"""Core metadata: parsing ``METADATA`` / ``PKG-INFO`` text, and reading it out of archives.

Pure functions over bytes and local files. The parse is lenient where pip is (unknown fields,
odd ``Metadata-Version``) and strict where the resolver depends on it: an unparsable
``Requires-Dist`` or ``Requires-Python`` raises ``InvalidRequirementData`` naming the package.

Most metadata files are plain UTF-8 header blocks, and a lock reads hundreds to thousands of
them (every version the resolver tries), so those are read by a direct scan of the header
lines; anything unusual (folded lines, carriage returns, bytes that are not UTF-8, header
lines the email grammar would treat specially) goes through ``packaging``'s email parser,
which the scan agrees with field for field (tests/index/test_metadata.py checks both on the
same inputs). Requirement strings repeat across versions and packages, so each distinct one
is parsed once per process.
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.index.errors import MalformedPage
from universal_lock.index.models import CoreMetadata
from universal_lock.index.wheel_zip import metadata_member_name

# Fields whose being dynamic in an sdist's PKG-INFO means we must build to know them.
_RESOLUTION_FIELDS = frozenset({"requires-dist", "requires-python", "provides-extra"})

# The fields resolution reads: single-use ones, then multiple-use ones.
_SINGLE = {"name": "name", "version": "version", "requires-python": "requires_python"}
_SINGLE.update({"metadata-version": "metadata_version"})
_MULTIPLE = {
    "requires-dist": "requires_dist",
    "provides-extra": "provides_extra",
    "dynamic": "dynamic",
}
# A header line as the email parser recognises one: printable ASCII except ':' up to a ':'.
_HEADER = re.compile(r"([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)")

_requirements: dict[str, Requirement] = {}


def _fields(data: bytes) -> dict[str, str | list[str]]:
    """The fields resolution reads, as ``packaging.metadata.parse_email`` names them.

    A single-use field given twice is left out, as ``parse_email`` leaves it out (it goes to
    the unparsed fields there), so callers see it missing either way.
    """
    fast = _scan_headers(data)
    if fast is not None:
        return fast
    from packaging.metadata import parse_email  # and the email package: only for odd files

    raw: dict[str, Any] = dict(parse_email(data)[0])
    return {key: raw[key] for key in (*_SINGLE.values(), *_MULTIPLE.values()) if key in raw}


def _scan_headers(data: bytes) -> dict[str, str | list[str]] | None:
    """The header block read line by line, or ``None`` when it needs the email parser."""
    end = data.find(b"\n\n")
    head = data if end < 0 else data[: end + 1]
    if b"\r" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields: dict[str, str | list[str]] = {}
    repeated: set[str] = set()
    for line in text.split("\n"):
        if not line:
            continue
        match = _HEADER.fullmatch(line)
        if match is None or line.startswith("From "):
            return None  # a folded line, or a line the email grammar treats specially
        name = match[1].lower()
        if (name in _SINGLE or name in _MULTIPLE) and not match[2].isascii():
            return None  # the email parser's decoding rules apply
        if name in _SINGLE:
            key = _SINGLE[name]
            if key in fields:
                repeated.add(key)
            fields[key] = match[2]
        elif name in _MULTIPLE:
            values = fields.setdefault(_MULTIPLE[name], [])
            assert isinstance(values, list)
            values.append(match[2])
    for key in repeated:
        del fields[key]
    return fields


def _requirement(line: str, *, package: str) -> Requirement:
    known = _requirements.get(line)
    if known is None:
        try:
            known = Requirement(line)
        except InvalidRequirement as error:
            raise InvalidRequirementData(
                "requirement", line, package=package, detail=str(error)
            ) from None
        _requirements[line] = known
    return known


def parse_core_metadata(data: bytes, *, source: str) -> CoreMetadata:
    """Parse a ``METADATA`` or ``PKG-INFO`` file; ``source`` names it in errors."""
    raw = _fields(data)
    name = raw.get("name")
    version_text = raw.get("version")
    if not name or not version_text:
        raise MalformedPage(source, "core metadata without `Name` or `Version`")
    assert isinstance(name, str) and isinstance(version_text, str)
    try:
        version = Version(version_text)
    except InvalidVersion:
        raise InvalidRequirementData("version", version_text, package=name) from None
    package = f"{name} {version}"
    requires = [_requirement(line, package=package) for line in raw.get("requires_dist", [])]
    requires_python: SpecifierSet | None = None
    python_text = raw.get("requires_python")
    assert python_text is None or isinstance(python_text, str)
    if python_text and python_text.strip():
        try:
            requires_python = SpecifierSet(python_text)
        except InvalidSpecifier:
            raise InvalidRequirementData(
                "Requires-Python", python_text, package=f"{name} {version}"
            ) from None
    return CoreMetadata(
        name=canonicalize_name(name),
        version=version,
        requires_dist=tuple(requires),
        requires_python=requires_python,
        provides_extra=tuple(canonicalize_name(extra) for extra in raw.get("provides_extra", [])),
        dynamic=tuple(field.lower() for field in raw.get("dynamic", [])),
        metadata_version=str(raw.get("metadata_version", "")),
    )


def pkg_info_is_static(metadata: CoreMetadata) -> bool:
    """Whether an sdist's ``PKG-INFO`` can be trusted for resolution (PEP 643).

    Needs ``Metadata-Version`` >= 2.2 and none of ``Requires-Dist``, ``Requires-Python``,
    ``Provides-Extra`` marked dynamic.
    """
    try:
        declared = Version(metadata.metadata_version)
    except InvalidVersion:
        return False
    return declared >= Version("2.2") and not _RESOLUTION_FIELDS & set(metadata.dynamic)


def wheel_metadata_from_file(path: Path, *, project: str, version: str) -> bytes:
    """The ``METADATA`` member of a wheel on disk."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = metadata_member_name(archive.namelist(), project, version)
            if member is None:
                raise MalformedPage(path.name, "wheel without a `.dist-info/METADATA`")
            return archive.read(member)
    except zipfile.BadZipFile as error:
        raise MalformedPage(path.name, f"not a zip file ({error})") from None


def sdist_pkg_info(path: Path) -> bytes | None:
    """The top-level ``PKG-INFO`` of an sdist (``.tar.gz`` or ``.zip``), or ``None``."""
    try:
        if path.name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if _is_top_level_pkg_info(name):
                        return archive.read(name)
            return None
        with tarfile.open(path, "r:*") as archive:
            for tar_member in archive:
                if tar_member.isfile() and _is_top_level_pkg_info(tar_member.name):
                    stream = archive.extractfile(tar_member)
                    return stream.read() if stream is not None else None
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as error:
        raise MalformedPage(path.name, f"unreadable source archive ({error})") from None
    return None


def _is_top_level_pkg_info(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) == 2 and parts[1] == "PKG-INFO"
