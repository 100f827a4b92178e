"""``IndexClient``: the one object the resolver and installer ask about packages.

It owns the HTTP session, the cache, in-flight merging and prefetching, and applies the index
rules: ``explicit`` indexes serve only packages pinned to them, the default index comes last,
and with ``first-index`` a name is taken only from the first index that has it (so a package
on the public index cannot shadow a private one). Metadata is fetched once per version, the
cheapest way available: cache, PEP 658 file, range requests, whole wheel; for an sdist its
static ``PKG-INFO``, else a PEP 517 metadata build.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Coroutine, Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from universal_lock.errors import InputError
from universal_lock.index import remote_metadata
from universal_lock.index.auth import Credentials, find_credentials, host_key, redact_url
from universal_lock.index.cache import DiskCache, copy_into
from universal_lock.index.cache_dir import resolve_cache_dir
from universal_lock.index.config import IndexSettings
from universal_lock.index.entries import ParsedFilename, parse_filename
from universal_lock.index.errors import HashMismatch, MalformedPage, OfflineMiss
from universal_lock.index.inflight import InFlight
from universal_lock.index.listing import FileListing
from universal_lock.index.metadata import (
    parse_core_metadata,
    pkg_info_is_static,
    sdist_pkg_info,
    wheel_metadata_from_file,
)
from universal_lock.index.models import (
    ClientStats,
    CoreMetadata,
    Distribution,
    NotFound,
    ProjectPage,
    Unavailable,
)
from universal_lock.index.pages import PageFetcher, ResolvedIndex, file_sha256, resolve_index
from universal_lock.index.transport import Transport

if TYPE_CHECKING:
    from universal_lock.index.sdist_build import BuildRequirementsResolver, prepare_sdist_metadata
else:

    def prepare_sdist_metadata(*args: Any, **kwargs: Any) -> Any:
        # The PEP 517 frontend behind it is imported only when an sdist's metadata is built.
        from universal_lock.index.sdist_build import prepare_sdist_metadata as prepare

        return prepare(*args, **kwargs)


_log = logging.getLogger(__name__)
PageResult = ProjectPage | NotFound | Unavailable
ListingResult = FileListing | NotFound | Unavailable
LOCAL_INDEX = ""
#: The ``index`` of a distribution that a ``url`` source names.
URL_INDEX = "<url>"
"""The ``index`` of a ``Distribution`` made from a local path (it came from no index)."""


class IndexClient:
    """Async context manager: ``async with IndexClient(settings) as client: ...``."""

    def __init__(
        self,
        settings: IndexSettings,
        *,
        build_resolver: BuildRequirementsResolver | None = None,
        environ: dict[str, str] | None = None,
        netrc_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self._indexes = tuple(
            resolve_index(config, settings) for config in settings.ordered_indexes()
        )
        self._by_name = {index.name: index for index in self._indexes}
        credentials: dict[str, Credentials] = {}
        for config in settings.ordered_indexes():
            found = find_credentials(
                config.name, config.url, environ=environ, netrc_path=netrc_path
            )
            host = host_key(config.url)
            if found is not None and host:
                credentials.setdefault(host, found)
        self._transport = Transport(settings, credentials)
        self._cache = DiskCache(resolve_cache_dir(settings.cache_dir, environ=environ))
        self._pages = PageFetcher(self._transport, self._cache, settings)
        self._page_tasks: InFlight[tuple[str, str], ListingResult] = InFlight()
        self._flat_tasks: InFlight[str, list[Distribution] | Unavailable] = InFlight()
        self._metadata_tasks: InFlight[tuple[str, str, str], CoreMetadata | Unavailable] = (
            InFlight()
        )
        self._file_tasks: InFlight[str, Path | Unavailable] = InFlight()
        self._background: set[asyncio.Task[None]] = set()
        self._cache_hits = 0
        if build_resolver is None:
            from universal_lock.index.build_pinning import PinningBuildResolver

            build_resolver = PinningBuildResolver(self)
        self._build_resolver = build_resolver

    async def __aenter__(self) -> IndexClient:
        await self._transport.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        for flight in (self._page_tasks, self._flat_tasks, self._metadata_tasks, self._file_tasks):
            await flight.cancel_all()
        await self._transport.__aexit__(exc_type, exc, traceback)

    # -- project pages and candidates -----------------------------------------------------

    async def project(self, name: str, index: str | None = None) -> PageResult:
        """What one index (default: the default index) lists for ``name``, every file built."""
        found = await self._listing(name, index)
        if not isinstance(found, FileListing):
            return found
        dists = tuple(found.distributions())
        listed = found.listed_versions
        return ProjectPage(
            name=found.name,
            index=found.index,
            distributions=dists,
            versions=_parse_versions(listed)
            if listed is not None
            else tuple(sorted({dist.version for dist in dists})),
            from_cache=found.from_cache,
        )

    async def _listing(self, name: str, index: str | None) -> ListingResult:
        target = self._index(index) if index is not None else self._indexes[-1]
        normalized = canonicalize_name(name)
        return await self._page_tasks.run(
            (target.name, normalized), lambda: self._load_page(target, normalized)
        )

    async def candidates(self, name: str, pinned_index: str | None = None) -> list[Distribution]:
        """Every distribution the resolver may choose for ``name``, by the index rules.

        ``listings`` with every file built, in listing order.
        """
        return [
            dist
            for listing in await self.listings(name, pinned_index)
            for dist in listing.distributions()
        ]

    async def listings(self, name: str, pinned_index: str | None = None) -> tuple[FileListing, ...]:
        """What the resolver may choose for ``name``, by the index rules: one listing per
        index that serves it, files built only when asked for.

        Pinned to an index: only that index. Otherwise the non-explicit indexes in order, the
        default last; ``first-index`` stops at the first that has the project,
        ``unsafe-best-match`` takes them all. Raises ``OfflineMiss`` when offline and an index
        that must be asked has no cached page (the answer would otherwise be a guess).
        """
        if pinned_index is not None:
            found = await self._listing(name, pinned_index)
            if isinstance(found, Unavailable):
                raise OfflineMiss(found.what)
            return (found,) if isinstance(found, FileListing) else ()
        result: list[FileListing] = []
        for index in self._indexes:
            if index.config.explicit:
                continue
            found = await self._listing(name, index.name)
            if isinstance(found, Unavailable):
                raise OfflineMiss(found.what)
            if isinstance(found, FileListing):
                if self.settings.index_strategy == "first-index":
                    return (found,)
                result.append(found)
        return tuple(result)

    def local_file(self, path: Path | str) -> Distribution:
        """A distribution for a wheel or sdist on disk (relative to the project root)."""
        resolved = (self.settings.project_root / path).resolve()
        parsed = parse_filename(resolved.name)
        if parsed is None:
            raise InputError(f"`{path}` is not a wheel or sdist filename", path=path)
        if not resolved.is_file():
            raise InputError("no such file", path=path)
        return _named_file(
            resolved.name,
            parsed,
            url=resolved.as_uri(),
            index=LOCAL_INDEX,
            sha256=file_sha256(resolved),
            size=resolved.stat().st_size,
            path=resolved,
        )

    async def url_file(self, url: str) -> Distribution | Unavailable:
        """A distribution for a wheel or sdist at a URL (a ``url`` source).

        The file is downloaded once and kept in the cache by its sha256; the URL's hash is
        remembered, so a relock downloads nothing. A ``#sha256=`` fragment is checked.
        """
        bare, _, fragment = url.partition("#")
        expected = fragment.removeprefix("sha256=") if fragment.startswith("sha256=") else None
        filename = unquote(urlsplit(bare).path.rsplit("/", 1)[-1])
        shown = redact_url(bare)
        parsed = parse_filename(filename)
        if parsed is None:
            raise InputError(
                f"`{shown}` does not name a wheel or an sdist (`NAME-VERSION.tar.gz`), so its "
                "version is unknown",
                hint="point the source at a file whose name carries the version",
            )
        key = "url-" + hashlib.sha256(bare.encode()).hexdigest()
        remembered = self._cache.read_metadata(key)
        sha256: str | None = None
        size: int | None = None
        if remembered is not None:
            sha256, _, size_text = remembered.decode().partition(" ")
            size = int(size_text)
            if self._cache.cached_file(sha256, filename) is None or (
                expected is not None and expected != sha256
            ):
                sha256 = None
        if sha256 is None:
            probe = Distribution(
                filename=filename, url=bare, index=URL_INDEX, name=parsed.name,
                version=parsed.version, kind=parsed.kind,
                hashes={"sha256": expected} if expected else {},
            )  # fmt: skip
            path = await self._file(probe)
            if isinstance(path, Unavailable):
                return path
            sha256 = await asyncio.to_thread(file_sha256, path)
            size = path.stat().st_size
            self._cache.write_metadata(key, f"{sha256} {size}".encode())
        return _named_file(filename, parsed, url=bare, index=URL_INDEX, sha256=sha256, size=size)

    # -- prefetch -------------------------------------------------------------------------

    def prefetch(self, name: str, pinned_index: str | None = None) -> None:
        """Start fetching ``name``'s pages now; a later ``candidates`` call joins the work."""
        self._spawn(self._prefetch_pages(name, pinned_index))

    def prefetch_metadata(
        self, name: str, versions: Iterable[Version], pinned_index: str | None = None
    ) -> None:
        """Start fetching the metadata of these versions of ``name`` in the background."""
        self._spawn(self._prefetch_metadata(name, tuple(versions), pinned_index))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The real call will meet the same problem and report it; here it is only noted.
            _log.debug("prefetch failed: %s", type(task.exception()).__name__)

    async def _prefetch_pages(self, name: str, pinned_index: str | None) -> None:
        await self.listings(name, pinned_index)

    async def _prefetch_metadata(
        self, name: str, versions: tuple[Version, ...], pinned_index: str | None
    ) -> None:
        dists = await self.candidates(name, pinned_index)
        for version in versions:
            best = preferred_for_metadata(dist for dist in dists if dist.version == version)
            if best is not None:
                self._spawn(self._discard(self.metadata(best)))

    @staticmethod
    async def _discard(awaitable: Awaitable[object]) -> None:
        await awaitable

    # -- metadata -------------------------------------------------------------------------

    async def sdist_pyproject(self, dist: Distribution) -> bytes | Unavailable | None:
        """The bytes of an sdist's top-level ``pyproject.toml`` (``None``: it has none).

        Read from the cached sdist without unpacking it, and remembered by the file's sha256,
        so a relock reads no archive again (large sdists take seconds to scan).
        """
        key = f"pyproject-{dist.sha256}" if dist.sha256 else None
        if key is not None:
            remembered = self._cache.read_metadata(key)
            if remembered is not None:
                return remembered[1:] if remembered[:1] == b"+" else None
        path = await self._file(dist)
        if isinstance(path, Unavailable):
            return path
        from universal_lock.building.archive import top_level_file

        _, content = await asyncio.to_thread(top_level_file, path, "pyproject.toml")
        if key is not None:
            self._cache.write_metadata(key, b"-" if content is None else b"+" + content)
        return content

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        """Core metadata of ``dist``'s version (fetched once per version and index)."""
        key = (dist.index, dist.name, str(dist.version))
        return await self._metadata_tasks.run(key, lambda: self._load_metadata(dist))

    async def _load_metadata(self, dist: Distribution) -> CoreMetadata | Unavailable:
        shown = redact_url(dist.url)
        disk_key = dist.sha256 or hashlib.sha256(shown.encode()).hexdigest()
        stored = self._cache.read_metadata(disk_key)  # a small file: a thread costs more
        if stored is not None:
            self._cache_hits += 1
            return parse_core_metadata(stored, source=shown)
        data = await self._fetch_metadata(dist)
        if isinstance(data, Unavailable):
            return data
        metadata = parse_core_metadata(data, source=shown)
        if metadata.name != dist.name or metadata.version != dist.version:
            raise MalformedPage(shown, f"its metadata says {metadata.name} {metadata.version}")
        # A few kilobytes: written here, as a hop to a worker thread costs more (the GIL
        # hand-offs of thousands of them showed as seconds of system time on a cold lock).
        self._cache.write_metadata(disk_key, data)
        return metadata

    async def _fetch_metadata(self, dist: Distribution) -> bytes | Unavailable:
        if dist.kind == "wheel" and dist.path is None and not self.settings.offline:
            if dist.core_metadata:
                advertised = await remote_metadata.pep658(self._transport, dist)
                if advertised is not None:
                    return advertised
            try:
                ranged = await remote_metadata.by_ranges(self._transport, dist)
            except MalformedPage:
                # Some proxies mangle ranges; the whole file (hash-checked) settles it.
                _log.debug("range read of %s failed; downloading it", redact_url(dist.url))
                ranged = None
            if isinstance(ranged, bytes):
                return ranged
            if isinstance(ranged, remote_metadata.WholeFile):
                await self._keep_whole_file(dist, ranged.body)
        path = await self._file(dist)
        if isinstance(path, Unavailable):
            return path
        if dist.kind == "wheel":
            return await asyncio.to_thread(
                wheel_metadata_from_file, path, project=dist.name, version=str(dist.version)
            )
        pkg_info = await asyncio.to_thread(sdist_pkg_info, path)
        if pkg_info is not None and pkg_info_is_static(
            parse_core_metadata(pkg_info, source=dist.filename)
        ):
            return pkg_info
        return await prepare_sdist_metadata(
            path, resolver=self._build_resolver, download=self.download_verified
        )

    async def _keep_whole_file(self, dist: Distribution, body: bytes) -> None:
        actual = hashlib.sha256(body).hexdigest()
        expected = dist.sha256
        if expected is not None and actual != expected:
            raise HashMismatch(redact_url(dist.url), expected=expected, actual=actual)
        temporary = self._cache.tmp_dir() / f".whole-{actual}.part"
        await asyncio.to_thread(temporary.write_bytes, body)
        await asyncio.to_thread(self._cache.store_file, temporary, actual, dist.filename)

    # -- files ----------------------------------------------------------------------------

    async def download(self, dist: Distribution, dest_dir: Path) -> Path | Unavailable:
        """Put a verified copy of ``dist`` into ``dest_dir``; ``Unavailable`` when offline and
        not cached. Raises ``HashMismatch`` when the bytes differ from the index's hash."""
        path = await self._file(dist)
        if isinstance(path, Unavailable):
            return path
        return await asyncio.to_thread(copy_into, path, dest_dir)

    async def download_verified(self, dist: Distribution, dest_dir: Path) -> Path:
        """``download``, raising ``OfflineMiss`` instead of returning ``Unavailable``."""
        path = await self.download(dist, dest_dir)
        if isinstance(path, Unavailable):
            raise OfflineMiss(path.what)
        return path

    async def _file(self, dist: Distribution) -> Path | Unavailable:
        return await self._file_tasks.run(redact_url(dist.url), lambda: self._load_file(dist))

    async def _load_file(self, dist: Distribution) -> Path | Unavailable:
        shown = redact_url(dist.url)
        expected = dist.sha256
        if dist.path is not None:
            actual = await asyncio.to_thread(file_sha256, dist.path)
            if expected is not None and actual != expected:
                raise HashMismatch(shown, expected=expected, actual=actual)
            return dist.path
        if expected is not None:
            cached = self._cache.cached_file(expected, dist.filename)
            if cached is not None:
                self._cache_hits += 1
                return cached
        if self.settings.offline:
            what = f"`{dist.filename}` is not in the cache ({shown})"
            return Unavailable(name=dist.name, index=dist.index, what=what)
        temporary, actual, _size = await self._transport.download(
            dist.url, self._cache.tmp_dir(), kind="file"
        )
        if expected is not None and actual != expected:
            temporary.unlink(missing_ok=True)
            raise HashMismatch(shown, expected=expected, actual=actual)
        return await asyncio.to_thread(self._cache.store_file, temporary, actual, dist.filename)

    # -- statistics -----------------------------------------------------------------------

    def stats(self) -> ClientStats:
        """Counters so far: network requests (by kind), cache hits, 304s, retries, bytes."""
        counters = self._transport.counters
        merged = sum(
            flight.merged
            for flight in (
                self._page_tasks,
                self._flat_tasks,
                self._metadata_tasks,
                self._file_tasks,
            )
        )
        return ClientStats(
            requests=sum(counters.requests.values()),
            requests_by_kind=dict(counters.requests),
            not_modified=self._pages.not_modified,
            cache_hits=self._pages.cache_hits + self._cache_hits,
            retries=counters.retries,
            bytes_downloaded=counters.bytes_downloaded,
            merged=merged,
        )

    # -- internals ------------------------------------------------------------------------

    def _index(self, name: str) -> ResolvedIndex:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(f"`{index}`" for index in self._by_name)
            raise InputError(f"unknown index `{name}` (known: {known})") from None

    async def _load_page(self, index: ResolvedIndex, name: NormalizedName) -> ListingResult:
        if not index.flat:
            return await self._pages.page(index, name)
        listing = await self._flat_tasks.run(
            index.name, lambda: self._pages.flat_distributions(index)
        )
        if isinstance(listing, Unavailable):
            return Unavailable(name=name, index=index.name, what=listing.what)
        dists = [dist for dist in listing if dist.name == name]
        if not dists:
            return NotFound(name=name, index=index.name)
        return FileListing.of_distributions(dists, index=index.name, name=name)


def _parse_versions(values: tuple[str, ...]) -> tuple[Version, ...]:
    result = []
    for value in values:
        try:
            result.append(Version(value))
        except InvalidVersion:
            continue
    return tuple(sorted(set(result)))


def preferred_for_metadata(dists: Iterable[Distribution]) -> Distribution | None:
    """The file whose metadata is cheapest to get: a wheel with a PEP 658 file, any wheel,
    then an sdist. Yanked files come last."""
    ranked = sorted(
        dists,
        key=lambda dist: (
            dist.yanked is not None,
            dist.kind != "wheel",
            not dist.core_metadata,
            dist.filename,
        ),
    )
    return ranked[0] if ranked else None


def _named_file(
    filename: str,
    parsed: ParsedFilename,
    *,
    url: str,
    index: str,
    sha256: str,
    size: int | None,
    path: Path | None = None,
) -> Distribution:
    """A distribution for a file a source names directly (a path or a URL)."""
    return Distribution(
        filename=filename,
        url=url,
        index=index,
        name=parsed.name,
        version=parsed.version,
        kind=parsed.kind,
        tags=parsed.tags,
        build_tag=parsed.build_tag,
        hashes={"sha256": sha256},
        size=size,
        path=path,
    )
