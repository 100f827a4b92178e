"""Look-ahead: fetch the metadata the resolver will most likely ask for next, in the background.

The solver decides one package at a time, so without this every chosen version's metadata
is a round trip on the critical path. When a package becomes a dependency, the version it
will most likely get (the first candidate the resolver's own ordering gives inside the
fork's region) has its metadata fetched at once, concurrently with the solving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

from packaging.ranges import VersionRange
from packaging.version import Version

from universal_lock.markers import MarkerTree
from universal_lock.resolver.candidates import VersionFiles
from universal_lock.resolver.catalog import Catalog
from universal_lock.resolver.fork import Fork
from universal_lock.resolver.model import DEFAULT_SOURCE, SourceRef, SourceRule
from universal_lock.resolver.requirements import split_key

#: The resolver's candidate ordering: (name, listing, allowed range, region) -> versions to try.
Candidates = Callable[[str, list[VersionFiles], VersionRange, MarkerTree], list[VersionFiles]]


class LookAhead:
    """Background metadata fetches for one resolution; ``close`` when it ends."""

    def __init__(
        self,
        catalog: Catalog,
        candidates: Candidates,
        sources: Mapping[str, Sequence[SourceRule]],
    ) -> None:
        self._catalog = catalog
        self._candidates = candidates
        self._sources = sources
        # (name, source, Python range of a narrowed region or None) warmed, and the
        # versions whose metadata was fetched ahead.
        self._warming: set[tuple[str, SourceRef, VersionRange | None]] = set()
        self._warmed: set[tuple[str, SourceRef, Version]] = set()
        self._background: set[asyncio.Task[None]] = set()

    def warm(
        self, fork: Fork, dependencies: Mapping[str, VersionRange], *, again: bool = False
    ) -> None:
        """Fetch ahead the metadata of the version each dependency will most likely get.

        Once per package and source, and ``again`` once more per Python range when a split
        narrows it (a fork for older Pythons often needs older versions); only a wheel's
        metadata (an sdist's might need a build); a package whose source is still to be
        decided by marker is left to the fork that decides it.
        """
        span = fork.region.python_range() if again else None
        for key, allowed in dependencies.items():
            name, _extra = split_key(key)
            source = fork.sources.get(name)
            if source is None:
                if self._sources.get(name):
                    continue
                source = DEFAULT_SOURCE
            warming = (name, source, span)
            if warming in self._warming:
                continue
            self._warming.add(warming)
            task = asyncio.ensure_future(self._warm_one(name, source, allowed, fork.region))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        """Cancel what is still being fetched ahead and wait for it to stop."""
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    async def _warm_one(
        self, name: str, source: SourceRef, allowed: VersionRange, region: MarkerTree
    ) -> None:
        try:
            listing = await self._catalog.versions(name, source)
            likely = next(
                (
                    entry
                    for entry in self._candidates(name, listing, allowed, region)
                    if not (region & MarkerTree.from_python_range(entry.python)).is_empty()
                ),
                None,
            )
            if likely is None or (name, source, likely.version) in self._warmed:
                return
            self._warmed.add((name, source, likely.version))
            if any(dist.kind == "wheel" for dist in likely.files):
                await self._catalog.metadata(name, source, likely.version)
        except Exception:  # look-ahead only: the resolver's own call meets and reports it
            return


__all__ = ["Candidates", "LookAhead"]
