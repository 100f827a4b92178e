"""Core metadata: parsing ``METADATA`` / ``PKG-INFO`` text, and reading it out of archives.

Pure functions over bytes and local files. The parse is lenient where pip is (unknown fields,
odd ``Metadata-Version``) and strict where the resolver depends on it: an unparsable
``Requires-Dist`` or ``Requires-Python`` raises ``InvalidRequirementData`` naming the package.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from packaging.metadata import parse_email
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


def parse_core_metadata(data: bytes, *, source: str) -> CoreMetadata:
    """Parse a ``METADATA`` or ``PKG-INFO`` file; ``source`` names it in errors."""
    raw, _unparsed = parse_email(data)
    name = raw.get("name")
    version_text = raw.get("version")
    if not name or not version_text:
        raise MalformedPage(source, "core metadata without `Name` or `Version`")
    try:
        version = Version(version_text)
    except InvalidVersion:
        raise InvalidRequirementData("version", version_text, package=name) from None
    requires: list[Requirement] = []
    for line in raw.get("requires_dist", []):
        try:
            requires.append(Requirement(line))
        except InvalidRequirement as error:
            raise InvalidRequirementData(
                "requirement", line, package=f"{name} {version}", detail=str(error)
            ) from None
    requires_python: SpecifierSet | None = None
    python_text = raw.get("requires_python")
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
        metadata_version=raw.get("metadata_version", ""),
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
