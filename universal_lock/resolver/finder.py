"""The resolver's view of the index client: candidates by source, metadata, prefetch.

A small protocol so the resolver does not care whether files come from the default index
chain, a named index, or a path; ``IndexFinder`` implements it on ``IndexClient``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from packaging.utils import canonicalize_name

from universal_lock.errors import InputError
from universal_lock.index import CoreMetadata, Distribution, IndexClient, OfflineMiss, Unavailable
from universal_lock.index.listing import FileListing
from universal_lock.resolver.model import SourceRef


class Finder(Protocol):
    """Where the resolver gets files and metadata; every method may be called many times."""

    async def listings(self, name: str, source: SourceRef) -> Sequence[FileListing]:
        """Every file of ``name`` that ``source`` offers, one listing per index that has
        it (empty when none has it); files are built only when asked for."""
        ...

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        """The core metadata of ``dist``'s version (shared by all its files)."""
        ...

    def prefetch(self, name: str, source: SourceRef) -> None:
        """Start fetching what ``listings(name, source)`` will need; never fails."""
        ...


class IndexFinder:
    """``Finder`` over an ``IndexClient``."""

    def __init__(self, client: IndexClient) -> None:
        self._client = client

    async def listings(self, name: str, source: SourceRef) -> Sequence[FileListing]:
        if source.kind == "default":
            return await self._client.listings(name)
        if source.kind == "index":
            return await self._client.listings(name, pinned_index=source.index)
        if source.kind == "path":
            assert source.path is not None
            return [_single(self._client.local_file(source.path))]
        assert source.url is not None
        found = await self._client.url_file(source.url)
        if isinstance(found, Unavailable):
            raise OfflineMiss(found.what)
        if found.name != canonicalize_name(name):
            raise InputError(
                f"the `url` source of `{name}` names a file of `{found.name}`: `{found.filename}`",
                hint="point the source at a file of this package",
            )
        return [_single(found)]

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        return await self._client.metadata(dist)

    def prefetch(self, name: str, source: SourceRef) -> None:
        if source.kind == "default":
            self._client.prefetch(name)
        elif source.kind == "index":
            self._client.prefetch(name, pinned_index=source.index)


def _single(dist: Distribution) -> FileListing:
    return FileListing.of_distributions([dist], index=dist.index, name=dist.name)
