"""The values the index client hands to the resolver: distributions, project pages, metadata.

Expected absence is a value here, not an exception: ``NotFound`` (the index does not have the
project) and ``Unavailable`` (we could not ask: offline and not cached).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName
from packaging.version import Version

DistKind = Literal["wheel", "sdist"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    """One file (wheel or sdist) of one version of a project, as an index lists it.

    ``url`` never carries credentials. ``path`` is set for files on the local disk.
    ``yanked`` is ``None`` when not yanked, else the reason (``""`` when none was given).
    ``core_metadata`` tells whether the index serves a PEP 658 metadata file, and
    ``core_metadata_hashes`` its hashes when the index gave them.
    """

    filename: str
    url: str
    index: str
    name: NormalizedName
    version: Version
    kind: DistKind
    tags: frozenset[Tag] = frozenset()
    build_tag: tuple[int, str] | tuple[()] = ()
    requires_python: SpecifierSet | None = None
    yanked: str | None = None
    hashes: Mapping[str, str] = field(default_factory=dict, hash=False)
    size: int | None = None
    upload_time: datetime | None = None
    core_metadata: bool = False
    core_metadata_hashes: Mapping[str, str] = field(default_factory=dict, hash=False)
    path: Path | None = None

    @property
    def sha256(self) -> str | None:
        """The sha256 hex digest the index gave for this file, if any."""
        return self.hashes.get("sha256")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectPage:
    """What one index knows about one project.

    ``versions`` is the PEP 700 ``versions`` list when the index sent one, else the versions of
    the listed files; ``from_cache`` says the page came from the cache without a request.
    """

    name: NormalizedName
    index: str
    distributions: tuple[Distribution, ...]
    versions: tuple[Version, ...]
    from_cache: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NotFound:
    """The index answered: it has no project of this name."""

    name: NormalizedName
    index: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Unavailable:
    """We could not get an answer without the network (offline mode, nothing cached).

    ``what`` says what is missing, in words, with the URL redacted.
    """

    name: NormalizedName
    index: str
    what: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CoreMetadata:
    """The parts of a distribution's core metadata the resolver needs."""

    name: NormalizedName
    version: Version
    requires_dist: tuple[Requirement, ...]
    requires_python: SpecifierSet | None
    provides_extra: tuple[NormalizedName, ...]
    dynamic: tuple[str, ...]
    metadata_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientStats:
    """Counters for benchmarks and progress: what the client asked the network and the cache."""

    requests: int
    requests_by_kind: Mapping[str, int]
    not_modified: int
    cache_hits: int
    retries: int
    bytes_downloaded: int
    merged: int
