"""Project pages from every kind of index, with the HTTP cache in front of remote ones.

Kinds: a simple repository over HTTP(S) (JSON or HTML by content negotiation), a simple
repository on disk (``file://``, PEP 503 layout with ``<name>/index.html``), a flat directory
of files, and a flat HTML page of links. Remote pages are stored with their validators and
used without a request while fresh: for the server's ``max-age``, or for ``fresh_period``
when it sent no caching headers. Stale pages are revalidated (``If-None-Match`` /
``If-Modified-Since``); a 304 costs no body. A 404 is remembered like a page.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from packaging.utils import NormalizedName, canonicalize_name

from universal_lock.index.auth import redact_url, require_secure, split_credentials
from universal_lock.index.cache import CachedPage, DiskCache, index_key
from universal_lock.index.config import IndexConfig, IndexSettings
from universal_lock.index.entries import FileEntry
from universal_lock.index.errors import MalformedPage
from universal_lock.index.listing import FileListing
from universal_lock.index.models import Distribution, NotFound, Unavailable
from universal_lock.index.page_files import PageFiles, columns_of, to_distributions
from universal_lock.index.parse_html import parse_html_page
from universal_lock.index.parse_json import json_page_files
from universal_lock.index.transport import Response, Transport

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
_NOT_FOUND = "x-ulock/not-found"
_FLAT_PAGE = "-flat-page-"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedIndex:
    """An index ready to be asked: clean URL (no userinfo), local directory if on disk."""

    config: IndexConfig
    url: str
    directory: Path | None
    key: str

    @property
    def name(self) -> str:
        """The index's configured name."""
        return self.config.name

    @property
    def flat(self) -> bool:
        """Whether this is a flat index (find-links)."""
        return self.config.format == "flat"


def resolve_index(config: IndexConfig, settings: IndexSettings) -> ResolvedIndex:
    """Turn a configured URL or path into a ``ResolvedIndex``; enforce the HTTPS rule."""
    url = config.url
    scheme = urlsplit(url).scheme
    if scheme == "file":
        directory = Path(url2pathname(urlsplit(url).path))
        return ResolvedIndex(config=config, url=url, directory=directory, key=index_key(url))
    if scheme in ("http", "https"):
        clean, _credentials = split_credentials(url)
        require_secure(clean, settings.allow_insecure_hosts, index=config.name)
        return ResolvedIndex(config=config, url=clean, directory=None, key=index_key(clean))
    directory = (settings.project_root / url).resolve()
    uri = directory.as_uri()
    return ResolvedIndex(config=config, url=uri, directory=directory, key=index_key(uri))


class PageFetcher:
    """Fetches and caches project pages; one per client."""

    def __init__(self, transport: Transport, cache: DiskCache, settings: IndexSettings) -> None:
        self._transport = transport
        self._cache = cache
        self._settings = settings
        self._hashes: dict[tuple[Path, int, int], str] = {}
        self._refresh_packages = {canonicalize_name(n) for n in settings.refresh_packages}
        self.cache_hits = 0
        self.not_modified = 0

    async def page(
        self, index: ResolvedIndex, name: NormalizedName
    ) -> FileListing | NotFound | Unavailable:
        """The project page of ``name`` on a simple (non-flat) index, as a listing whose
        distributions are built when asked for (see ``FileListing``)."""
        if index.directory is not None:
            return await asyncio.to_thread(self._local_simple_page, index, name)
        url = f"{index.url.rstrip('/')}/{name}/"
        cached = await self._cached_or_fetched(index, name, url, flat=False)
        if isinstance(cached, Unavailable):
            return cached
        stored, from_cache = cached
        if stored.content_type == _NOT_FOUND:
            return NotFound(name=name, index=index.name)
        return FileListing(stored.files, index=index.name, name=name, from_cache=from_cache)

    async def flat_distributions(self, index: ResolvedIndex) -> list[Distribution] | Unavailable:
        """Every distribution a flat index (directory or HTML page) lists."""
        if index.directory is not None:
            return await asyncio.to_thread(self._flat_directory, index)
        cached = await self._cached_or_fetched(
            index, NormalizedName(_FLAT_PAGE), index.url, flat=True
        )
        if isinstance(cached, Unavailable):
            return cached
        stored, _from_cache = cached
        return _with_local_paths(to_distributions(stored.files, index=index.name, project=None))

    async def _cached_or_fetched(
        self, index: ResolvedIndex, name: NormalizedName, url: str, *, flat: bool
    ) -> tuple[CachedPage, bool] | Unavailable:
        # Read and written here, not in a worker thread: the page is parsed on the loop anyway,
        # reading it back holds the GIL (marshal), and a hop per page to a thread and back
        # costs more (a cold lock of thousands of pages showed it as seconds of system time).
        cached = self._cache.read_page(index.key, name)
        if self._settings.offline:
            if cached is None:
                what = f"no cached page for `{name}` from index `{index.name}` ({redact_url(url)})"
                return Unavailable(name=name, index=index.name, what=what)
            self.cache_hits += 1
            return cached, True
        now = time.time()
        refresh = self._settings.refresh or name in self._refresh_packages
        if cached is not None and not refresh and cached.is_fresh(now, self._settings.fresh_period):
            self.cache_hits += 1
            return cached, True
        headers = {"Accept": ACCEPT}
        accept = frozenset({200, 404, 410} | ({304} if cached is not None else set()))
        if cached is not None and cached.content_type != _NOT_FOUND:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        response = await self._transport.get(
            url, kind="page", headers=headers, accept_status=accept
        )
        if response.status == 304 and cached is not None:
            self.not_modified += 1
            max_age, no_cache = _cache_control(response)
            if "cache-control" not in {key.lower() for key in response.headers}:
                max_age, no_cache = cached.max_age, cached.no_cache
            stored = replace(cached, fetched_at=now, max_age=max_age, no_cache=no_cache)
        else:
            # Parsed before it is stored: a page that does not parse is not kept.
            stored = _to_cached(response, now, flat=flat)
        self._cache.write_page(index.key, name, stored)
        return stored, False

    def _local_simple_page(
        self, index: ResolvedIndex, name: NormalizedName
    ) -> FileListing | NotFound:
        assert index.directory is not None
        page_file = index.directory / name / "index.html"
        if not page_file.is_file():
            return NotFound(name=name, index=index.name)
        text = page_file.read_text(encoding="utf-8")
        entries = parse_html_page(text, page_file.parent.as_uri() + "/").entries
        dists = _with_local_paths(
            to_distributions(columns_of(entries), index=index.name, project=name)
        )
        return FileListing.of_distributions(dists, index=index.name, name=name)

    def _flat_directory(self, index: ResolvedIndex) -> list[Distribution]:
        assert index.directory is not None
        if not index.directory.is_dir():
            return []
        entries: list[FileEntry] = []
        for path in sorted(index.directory.iterdir()):
            if not path.is_file():
                continue
            stat = path.stat()
            entries.append(
                FileEntry(
                    filename=path.name,
                    url=path.as_uri(),
                    hashes={"sha256": self._sha256(path, stat.st_size, stat.st_mtime_ns)},
                    size=stat.st_size,
                )
            )
        return to_distributions(
            columns_of(entries), index=index.name, project=None, local_dir=index.directory
        )

    def _sha256(self, path: Path, size: int, mtime: int) -> str:
        key = (path, size, mtime)
        if key not in self._hashes:
            self._hashes[key] = file_sha256(path)
        return self._hashes[key]


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a local file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _with_local_paths(dists: list[Distribution]) -> list[Distribution]:
    return [
        replace(dist, path=Path(url2pathname(urlsplit(dist.url).path)))
        if dist.url.startswith("file:") and dist.path is None
        else dist
        for dist in dists
    ]


def _to_cached(response: Response, now: float, *, flat: bool) -> CachedPage:
    headers = {key.lower(): value for key, value in response.headers.items()}
    max_age, no_cache = _cache_control(response)
    if response.status in (404, 410):
        return CachedPage(
            url=response.url,
            content_type=_NOT_FOUND,
            files=PageFiles(),
            etag=None,
            last_modified=None,
            fetched_at=now,
            max_age=max_age,
            no_cache=no_cache,
        )
    content_type = headers.get("content-type", "text/html").split(";")[0].strip().lower()
    return CachedPage(
        url=response.url,
        content_type=content_type,
        files=_parse_page(
            response.body, response.url, json_page="json" in content_type and not flat
        ),
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        fetched_at=now,
        max_age=max_age,
        no_cache=no_cache,
    )


def _parse_page(body: bytes, url: str, *, json_page: bool) -> PageFiles:
    if not json_page:
        return columns_of(parse_html_page(body.decode("utf-8", "replace"), url).entries)
    try:
        # Straight from the bytes: no second copy of a big page as text beside them.
        data = json.loads(body)
    except UnicodeDecodeError:
        # Not UTF-8 throughout: read as before, a bad byte as U+FFFD.
        data = _loads_text(body.decode("utf-8", "replace"), url)
    except ValueError:
        raise MalformedPage(url, "invalid JSON") from None
    return json_page_files(data, url)


def _loads_text(text: str, url: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise MalformedPage(url, "invalid JSON") from None


def _cache_control(response: Response) -> tuple[float | None, bool]:
    value = ""
    for key, header in response.headers.items():
        if key.lower() == "cache-control":
            value = header.lower()
    max_age: float | None = None
    no_cache = False
    for directive in (part.strip() for part in value.split(",")):
        if directive in ("no-cache", "no-store"):
            no_cache = True
        elif directive.startswith("max-age="):
            try:
                max_age = float(directive.removeprefix("max-age=").strip('"'))
            except ValueError:
                max_age = 0.0
    return max_age, no_cache
