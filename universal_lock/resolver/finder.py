"""The resolver's view of the index client: candidates by source, metadata, prefetch.

A small protocol so the resolver does not care whether files come from the default index
chain, a named index, or a path; ``IndexFinder`` implements it on ``IndexClient``.
"""

from __future__ import annotations

from typing import Protocol

from universal_lock.errors import InputError
from universal_lock.index import CoreMetadata, Distribution, IndexClient, Unavailable
from universal_lock.resolver.model import SourceRef


class Finder(Protocol):
    """Where the resolver gets files and metadata; every method may be called many times."""

    async def distributions(self, name: str, source: SourceRef) -> list[Distribution]:
        """Every file of ``name`` that ``source`` offers (empty when it has none)."""
        ...

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        """The core metadata of ``dist``'s version (shared by all its files)."""
        ...

    def prefetch(self, name: str, source: SourceRef) -> None:
        """Start fetching what ``distributions(name, source)`` will need; never fails."""
        ...


class IndexFinder:
    """``Finder`` over an ``IndexClient``."""

    def __init__(self, client: IndexClient) -> None:
        self._client = client

    async def distributions(self, name: str, source: SourceRef) -> list[Distribution]:
        if source.kind == "default":
            return await self._client.candidates(name)
        if source.kind == "index":
            return await self._client.candidates(name, pinned_index=source.index)
        if source.kind == "path":
            assert source.path is not None
            return [self._client.local_file(source.path)]
        raise InputError(
            f"`{name}` comes from a URL source, which ulock cannot lock yet",
            hint="download the file next to the project and use a `path` source",
        )

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        return await self._client.metadata(dist)

    def prefetch(self, name: str, source: SourceRef) -> None:
        if source.kind == "default":
            self._client.prefetch(name)
        elif source.kind == "index":
            self._client.prefetch(name, pinned_index=source.index)
