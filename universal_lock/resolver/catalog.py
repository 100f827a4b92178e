"""What the resolver has learned from the index in one resolution: versions and metadata.

A ``Catalog`` fetches each (package, source) listing and each version's metadata once,
through the ``Finder``, and answers the merge's questions (a version's files and
Requires-Python) from what it holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.index import CoreMetadata, Distribution, Unavailable
from universal_lock.resolver.candidates import VersionFiles, group_versions
from universal_lock.resolver.files import metadata_file
from universal_lock.resolver.finder import Finder
from universal_lock.resolver.model import DEFAULT_SOURCE, SourceRef, SourceRule


class Catalog:
    """Listings and metadata by (package, source), fetched once each."""

    def __init__(
        self,
        finder: Finder,
        *,
        sources: Mapping[str, Sequence[SourceRule]],
        exclude_newer: datetime | None,
        progress: Callable[[str], None],
    ) -> None:
        self._finder = finder
        self._sources = sources
        self._exclude_newer = exclude_newer
        self._progress = progress
        self._versions: dict[tuple[str, SourceRef], list[VersionFiles]] = {}
        self._loading: dict[tuple[str, SourceRef], asyncio.Future[list[VersionFiles]]] = {}
        self._metadata: dict[tuple[str, SourceRef, Version], CoreMetadata | Unavailable] = {}
        self.known_versions: dict[str, tuple[Version, ...]] = {}
        """Every version seen of a package, from any source (for solver priorities).

        Tuples, replaced when another listing arrives: the solver's priority function
        counts candidates in a range once per (range, tuple) object (see ``candidate_priority``).
        """

    async def versions(self, name: str, source: SourceRef) -> list[VersionFiles]:
        """The versions ``source`` offers (policy-independent), ascending.

        Loaded once per (name, source) even when asked concurrently (the resolver and its
        look-ahead), so ``known_versions`` never counts a listing twice.
        """
        key = (name, source)
        cached = self._versions.get(key)
        if cached is not None:
            return cached
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(self._load(name, source))
            self._loading[key] = loading
        # Shielded: a cancelled look-ahead must not cancel the load the resolver awaits too.
        return await asyncio.shield(loading)

    async def _load(self, name: str, source: SourceRef) -> list[VersionFiles]:
        try:
            self._progress(f"fetching {name}")
            listings = await self._finder.listings(name, source)
            listing = group_versions(listings, self._exclude_newer)
            self._versions[(name, source)] = listing
            known = self.known_versions.get(name, ())
            self.known_versions[name] = (*known, *(entry.version for entry in listing))
            return listing
        finally:
            self._loading.pop((name, source), None)

    def listed(self, name: str, source: SourceRef) -> list[VersionFiles] | None:
        """The versions already fetched for ``name`` from ``source``; None if never asked."""
        return self._versions.get((name, source))

    async def metadata(
        self, name: str, source: SourceRef, version: Version
    ) -> CoreMetadata | Unavailable:
        key = (name, source, version)
        cached = self._metadata.get(key)
        if cached is None:
            dist = metadata_file(self.entry(name, source, version).files)
            cached = await self._finder.metadata(dist)
            self._metadata[key] = cached
        return cached

    def entry(self, name: str, source: SourceRef, version: Version) -> VersionFiles:
        """A version already listed (the solver only chooses listed versions)."""
        for entry in self._versions.get((name, source), ()):
            if entry.version == version:
                return entry
        raise AssertionError(f"{name} {version} was chosen without being listed")

    def files(self, name: str, source: SourceRef, version: Version) -> tuple[Distribution, ...]:
        return self.entry(name, source, version).files

    def requires_python(
        self, name: str, source: SourceRef, version: Version
    ) -> SpecifierSet | None:
        metadata = self._metadata.get((name, source, version))
        return metadata.requires_python if isinstance(metadata, CoreMetadata) else None

    def prefetch(self, name: str) -> None:
        """Start fetching every listing ``name`` may need; never fails."""
        rules = self._sources.get(name, ())
        sources = {rule.source for rule in rules} | ({DEFAULT_SOURCE} if not rules else set())
        for source in sorted(sources, key=lambda source: source.describe()):
            if (name, source) not in self._versions:
                self._finder.prefetch(name, source)
