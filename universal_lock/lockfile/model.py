"""The pylock.toml values ulock writes and reads: frozen dataclasses, no I/O.

A ``Lock`` is one PEP 751 lockfile: top-level keys, the ``[[packages]]`` entries and ulock's
own ``[tool.ulock]`` data. Construction validates and normalises, so every ``Lock`` that exists
renders to a valid ``pylock.toml``: package names are normalised, markers parse and never use
``extra == ...`` (a lock says ``'x' in extras``), every file has a hash, sets are sorted, and
URLs never carry credentials (userinfo is dropped on construction, so neither the writer nor an
error message can leak it). Invalid values raise ``ValueError`` (a bug in the caller); the
reader turns those into ``InputError`` with the key path.

Markers are kept as text: the canonical form the marker algebra prints. This module only checks
that the text parses and does not mention ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

__all__ = [
    "LOCK_VERSION",
    "BuildPin",
    "ConflictMember",
    "Lock",
    "LockedArchive",
    "LockedDirectory",
    "LockedFile",
    "LockedPackage",
    "LockedVcs",
    "strip_userinfo",
]

LOCK_VERSION = "1.0"
"""The PEP 751 format version ulock writes."""

_HEX = re.compile(r"[0-9a-f]+")
_HASH_NAME = re.compile(r"[a-z0-9_-]+")
# Quoted strings are removed before looking for the `extra` variable, so that a value such as
# `'extra' in extras` is not mistaken for it.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_EXTRA_VARIABLE = re.compile(r"\bextra\b")


def strip_userinfo(url: str) -> str:
    """Return ``url`` without ``user:password@``: a lock must never record credentials."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _check_marker(text: str, *, what: str) -> None:
    """Raise ``ValueError`` unless ``text`` is a marker fit for a lock (no ``extra``)."""
    try:
        Marker(text)
    except InvalidMarker as error:
        raise ValueError(f"invalid {what} {text!r}: {error}") from None
    if _EXTRA_VARIABLE.search(_QUOTED.sub("''", text)):
        raise ValueError(
            f"{what} {text!r} uses `extra`; a lock marker says `'name' in extras` instead"
        )


def _check_name(name: str, *, what: str) -> None:
    if canonicalize_name(name) != name:
        raise ValueError(
            f"{what} {name!r} is not normalized (expected {canonicalize_name(name)!r})"
        )


def _normalize_hashes(hashes: Mapping[str, str]) -> Mapping[str, str]:
    if not isinstance(hashes, Mapping) or not hashes:
        raise ValueError("a file needs at least one hash")
    normalized: dict[str, str] = {}
    for algorithm, digest in sorted(hashes.items()):
        if not isinstance(algorithm, str) or not _HASH_NAME.fullmatch(algorithm):
            raise ValueError(f"invalid hash algorithm name {algorithm!r}")
        if not isinstance(digest, str) or not _HEX.fullmatch(digest):
            raise ValueError(f"the {algorithm} hash must be lowercase hexadecimal")
        if algorithm == "sha256" and len(digest) != 64:
            raise ValueError("a sha256 hash has 64 hexadecimal digits")
        normalized[algorithm] = digest
    return MappingProxyType(normalized)


def _check_location(url: str | None, path: str | None, *, what: str) -> str | None:
    """Check that url or path is set (PEP 751 allows both); return the url without credentials."""
    if url is None and path is None:
        raise ValueError(f"{what} needs a `url` or a `path`")
    if path is not None and not path:
        raise ValueError(f"{what} has an empty `path`")
    return None if url is None else strip_userinfo(url)


def _normalize_time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("an upload time must be timezone-aware")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedFile:
    """A wheel or sdist: ``name``, where it is (``url`` and/or ``path``, relative to the lock),
    ``size``, ``upload_time`` (UTC) and ``hashes`` (algorithm -> lowercase hex digest)."""

    name: str
    url: str | None = None
    path: str | None = None
    size: int | None = None
    upload_time: datetime | None = None
    hashes: Mapping[str, str]

    def __post_init__(self) -> None:
        if not self.name or "/" in self.name or "\\" in self.name:
            raise ValueError(f"invalid file name {self.name!r}")
        object.__setattr__(self, "url", _check_location(self.url, self.path, what=self.name))
        if self.size is not None and self.size < 0:
            raise ValueError(f"{self.name}: negative size")
        object.__setattr__(self, "upload_time", _normalize_time(self.upload_time))
        object.__setattr__(self, "hashes", _normalize_hashes(self.hashes))

    def __hash__(self) -> int:
        return hash((self.name, self.url, self.path, self.size, tuple(self.hashes.items())))

    @property
    def sha256(self) -> str | None:
        """The sha256 digest, which ulock always records."""
        return self.hashes.get("sha256")


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedDirectory:
    """A source tree on disk (``path`` relative to the lock), e.g. the project itself."""

    path: str
    editable: bool = False
    subdirectory: str | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("a directory entry needs a `path`")


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedArchive:
    """A direct-URL archive (``name @ https://.../name-1.0.tar.gz``) with its hashes."""

    url: str | None = None
    path: str | None = None
    size: int | None = None
    upload_time: datetime | None = None
    hashes: Mapping[str, str]
    subdirectory: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _check_location(self.url, self.path, what="an archive"))
        if self.size is not None and self.size < 0:
            raise ValueError("an archive has a negative size")
        object.__setattr__(self, "upload_time", _normalize_time(self.upload_time))
        object.__setattr__(self, "hashes", _normalize_hashes(self.hashes))

    def __hash__(self) -> int:
        return hash((self.url, self.path, self.size, self.subdirectory, tuple(self.hashes.items())))


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedVcs:
    """A version-control checkout pinned to ``commit_id``."""

    type: str
    url: str | None = None
    path: str | None = None
    requested_revision: str | None = None
    commit_id: str
    subdirectory: str | None = None

    def __post_init__(self) -> None:
        if not self.type or not self.commit_id:
            raise ValueError("a vcs entry needs `type` and `commit-id`")
        object.__setattr__(self, "url", _check_location(self.url, self.path, what="a vcs entry"))


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildPin:
    """One locked build requirement: ``name==version``, optionally only where ``marker`` holds.

    The pin names an entry of ``Lock.packages`` or ``Lock.build_packages`` with that name and
    version; that entry's files are what the build environment installs.
    """

    name: str
    version: Version
    marker: str | None = None

    def __post_init__(self) -> None:
        _check_name(self.name, what="build requirement")
        if self.marker is not None:
            _check_marker(self.marker, what=f"marker of build requirement {self.name!r}")

    def __str__(self) -> str:
        pin = f"{self.name}=={self.version}"
        return pin if self.marker is None else f"{pin}; {self.marker}"


def _file_sort_key(file: LockedFile) -> tuple[str, str]:
    return (file.name, file.url or file.path or "")


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedPackage:
    """One ``[[packages]]`` entry.

    Exactly one kind of source: ``wheels`` and/or ``sdist`` (from an index, with ``index`` set,
    or from local files), or one of ``directory``, ``archive``, ``vcs``. ``marker`` says where
    the entry installs (``None``: everywhere). ``build_requires`` is ulock's
    ``[packages.tool.ulock]`` data: the locked build environment for an sdist or a source tree.
    Wheels are kept sorted by file name.
    """

    name: str
    version: Version | None = None
    marker: str | None = None
    requires_python: SpecifierSet | None = None
    index: str | None = None
    sdist: LockedFile | None = None
    wheels: tuple[LockedFile, ...] = ()
    directory: LockedDirectory | None = None
    archive: LockedArchive | None = None
    vcs: LockedVcs | None = None
    build_requires: tuple[BuildPin, ...] = ()

    def __post_init__(self) -> None:
        _check_name(self.name, what="package name")
        if self.marker is not None:
            _check_marker(self.marker, what=f"marker of {self.name!r}")
        if self.index is not None:
            object.__setattr__(self, "index", strip_userinfo(self.index))
        distributions = bool(self.wheels) or self.sdist is not None
        direct = (self.directory is not None) + (self.archive is not None) + (self.vcs is not None)
        if distributions and direct:
            raise ValueError(f"{self.name}: wheels/sdist and a directory/archive/vcs source")
        if not distributions and direct != 1:
            raise ValueError(f"{self.name}: needs wheels/sdist or exactly one direct source")
        wheels = tuple(sorted(self.wheels, key=_file_sort_key))
        object.__setattr__(self, "wheels", wheels)
        names = [wheel.name for wheel in wheels]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: the same wheel file is listed twice")
        for wheel in wheels:
            self._check_wheel(wheel)
        if self.sdist is not None:
            self._check_sdist(self.sdist)
        object.__setattr__(
            self,
            "build_requires",
            tuple(
                sorted(set(self.build_requires), key=lambda pin: (pin.name, pin.version, str(pin)))
            ),
        )

    def _check_wheel(self, wheel: LockedFile) -> None:
        try:
            name, version, _, _ = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename as error:
            raise ValueError(f"{self.name}: {error}") from None
        self._check_file_identity(wheel.name, name, version)

    def _check_sdist(self, sdist: LockedFile) -> None:
        try:
            name, version = parse_sdist_filename(sdist.name)
        except InvalidSdistFilename as error:
            raise ValueError(f"{self.name}: {error}") from None
        self._check_file_identity(sdist.name, name, version)

    def _check_file_identity(self, filename: str, name: str, version: Version) -> None:
        if name != self.name:
            raise ValueError(f"{filename!r} is not a file of {self.name!r}")
        if self.version is not None and version != self.version:
            raise ValueError(f"{filename!r} is not version {self.version} of {self.name!r}")

    @property
    def sort_key(self) -> tuple[str, bool, Version, str, str, str]:
        """Where this entry sits in the file: by name, version, marker, then source."""
        return (
            self.name,
            self.version is not None,
            self.version or Version("0"),
            self.marker or "",
            self.index or "",
            _source_text(self),
        )


def _source_text(package: LockedPackage) -> str:
    if package.wheels:
        return package.wheels[0].name
    if package.sdist is not None:
        return package.sdist.name
    if package.directory is not None:
        return package.directory.path
    if package.archive is not None:
        return package.archive.url or package.archive.path or ""
    if package.vcs is not None:
        return f"{package.vcs.url or package.vcs.path}@{package.vcs.commit_id}"
    return ""  # pragma: no cover - __post_init__ guarantees a source


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictMember:
    """One member of a declared conflict set: an extra or a dependency group (exactly one).

    The lock records the project's ``conflicts`` so that ``ulock sync`` can refuse to install
    two members of one set together, naming the conflict, from the lock alone.
    """

    extra: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if (self.extra is None) == (self.group is None):
            raise ValueError("a conflict member is exactly one of an extra and a group")

    def __str__(self) -> str:
        return f"extra `{self.extra}`" if self.extra is not None else f"group `{self.group}`"

    @property
    def sort_key(self) -> tuple[int, str]:
        """Extras before groups, then by name."""
        return (0, self.extra) if self.extra is not None else (1, self.group or "")


def _conflict_set(members: tuple[ConflictMember, ...]) -> tuple[ConflictMember, ...]:
    unique = sorted(set(members), key=lambda member: member.sort_key)
    if len(unique) < 2:
        raise ValueError("a conflict set needs at least two different members")
    return tuple(unique)


def _sorted_unique(values: tuple[str, ...], *, what: str) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists a value twice")
    return tuple(sorted(values))


@dataclass(frozen=True, slots=True, kw_only=True)
class Lock:
    """A whole ``pylock.toml``.

    The PEP 751 keys: ``environments`` (marker texts, in the order the project gives them),
    ``requires_python``, ``extras``, ``dependency_groups``, ``default_groups`` (sorted),
    ``created_by`` and ``packages`` (sorted by ``LockedPackage.sort_key``). ulock's
    ``[tool.ulock]`` table: ``fork_markers`` (the resolver's fork regions, reused on relock),
    ``input_fingerprint`` (for ``ulock lock --check``), ``build_packages`` (entries only
    build environments install; ``BuildPin``s refer to them) and ``conflicts`` (sets of extras
    and groups that must not be installed together; each member is one the lock lists).
    """

    lock_version: ClassVar[str] = LOCK_VERSION

    environments: tuple[str, ...] = ()
    requires_python: SpecifierSet | None = None
    extras: tuple[str, ...] = ()
    dependency_groups: tuple[str, ...] = ()
    default_groups: tuple[str, ...] = ()
    created_by: str = "ulock"
    packages: tuple[LockedPackage, ...] = ()
    fork_markers: tuple[str, ...] = ()
    input_fingerprint: str | None = None
    build_packages: tuple[LockedPackage, ...] = ()
    conflicts: tuple[tuple[ConflictMember, ...], ...] = ()

    def __post_init__(self) -> None:
        for environment in self.environments:
            _check_marker(environment, what="environment")
        if len(set(self.environments)) != len(self.environments):
            raise ValueError("`environments` lists a marker twice")
        for extra in self.extras:
            _check_name(extra, what="extra")
        object.__setattr__(self, "extras", _sorted_unique(self.extras, what="`extras`"))
        for key in ("dependency_groups", "default_groups"):
            values = _sorted_unique(getattr(self, key), what=f"`{key.replace('_', '-')}`")
            object.__setattr__(self, key, values)
        for fork_marker in self.fork_markers:
            _check_marker(fork_marker, what="fork marker")
        object.__setattr__(
            self, "fork_markers", _sorted_unique(self.fork_markers, what="`fork-markers`")
        )
        if not self.created_by:
            raise ValueError("`created-by` must not be empty")
        object.__setattr__(self, "packages", tuple(sorted(self.packages, key=_package_key)))
        object.__setattr__(
            self, "build_packages", tuple(sorted(self.build_packages, key=_package_key))
        )
        self._check_build_pins()
        self._normalize_conflicts()

    def _normalize_conflicts(self) -> None:
        conflicts = sorted(
            {_conflict_set(members) for members in self.conflicts},
            key=lambda members: [member.sort_key for member in members],
        )
        for members in conflicts:
            for member in members:
                if member.extra is not None and member.extra not in self.extras:
                    raise ValueError(f"conflict names {member}, which `extras` does not list")
                if member.group is not None and member.group not in self.dependency_groups:
                    raise ValueError(
                        f"conflict names {member}, which `dependency-groups` does not list"
                    )
        object.__setattr__(self, "conflicts", tuple(conflicts))

    def _check_build_pins(self) -> None:
        available = {
            (package.name, package.version) for package in self.packages + self.build_packages
        }
        for package in self.packages + self.build_packages:
            for pin in package.build_requires:
                if (pin.name, pin.version) not in available:
                    raise ValueError(
                        f"{package.name}: build requirement {pin} names no locked package"
                    )


def _package_key(package: LockedPackage) -> tuple[str, bool, Version, str, str, str]:
    return package.sort_key
