"""`IndexServer`: a real package index on 127.0.0.1, serving a scenario's built distributions.

An aiohttp application in a background thread with its own event loop, so synchronous tests,
subprocess CLI tests and asyncio tests can all talk to it. It serves the simple API (HTML and
JSON by content negotiation) for the default index at `/simple/` and each named index at
`/{name}/simple/`, the files at `/files/{filename}` (`/{name}/files/...` for named indexes) with
PEP 658 `.metadata` files beside them, and find-links pages at `/flat/` and `/{name}/flat/`.

Tests shape its behaviour with `ServerOptions` (switchable between requests), make requests
fail with `inject`, and count what clients did through `requests`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Self
from urllib.parse import quote

from aiohttp import web
from packaging.utils import canonicalize_name

from tests.support import pages
from tests.support.builder import (
    BuiltUniverse,
    DistributionBuilder,
    Universe,
    default_builder,
)
from tests.support.faults import (
    DroppedConnection,
    FaultKind,
    FaultPlan,
    corrupted,
    reset_connection,
    send_truncated,
)
from tests.support.http_rules import RangeRequest, not_modified, parse_range
from tests.support.scenario import DEFAULT_INDEX
from tests.support.served import RESERVED_INDEX_NAMES, Served

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerOptions:
    json: bool = True
    """Serve PEP 691 JSON pages."""
    html: bool = True
    """Serve PEP 503 HTML pages (both `text/html` and the v1+html type)."""
    metadata_files: bool = True
    """Serve PEP 658 `.metadata` files and advertise them on pages."""
    range_requests: bool = True
    """Honour `Range: bytes=...` on files with 206; otherwise always send the whole body."""
    cache_headers: bool = True
    """ETag, Last-Modified and `Cache-Control: max-age=600` on pages; answer 304 when fresh."""
    basic_auth: tuple[str, str] | None = None
    """(username, password) required on every request; 401 otherwise."""
    absolute_urls: bool = False
    """Link files with absolute `http://127.0.0.1:PORT/...` URLs instead of relative ones."""
    hashes: bool = True
    """Put sha256 hashes on pages (`#sha256=`, JSON `hashes`); False gives bare links."""
    api_version: str = "1.1"
    """"1.0" leaves out the PEP 700 fields (`versions`, `size`, `upload-time`)."""

    def page_style(self) -> pages.PageStyle:
        return pages.PageStyle(
            api_version=self.api_version, hashes=self.hashes, metadata_files=self.metadata_files
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRecord:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int | None
    """None when the connection was dropped without a response (a "reset" fault)."""


class IndexServer:
    """A package index serving one universe; start and stop it as a context manager."""

    def __init__(
        self,
        universe: Universe | BuiltUniverse,
        *,
        options: ServerOptions | None = None,
        builder: DistributionBuilder | None = None,
    ) -> None:
        self.options = options or ServerOptions()
        self._builder = builder or default_builder()
        self._lock = threading.Lock()
        self._requests: list[RequestRecord] = []
        self._faults = FaultPlan()
        self._served = self._prepare(universe, previous=None)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("the index server is already running")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._run_loop, args=(loop,), name="index-server", daemon=True
        )
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start_site(), loop).result(timeout=30)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    async def _start_site(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", "/{tail:.*}", self._route)
        # A short shutdown timeout: a "slow" fault must not hold up the end of a test.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    # -- public surface --------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the index server is not running")
        return f"http://127.0.0.1:{self._port}"

    @property
    def simple_url(self) -> str:
        return f"{self.url}/simple"

    @property
    def flat_url(self) -> str:
        return f"{self.url}/flat/"

    def index_url(self, name: str) -> str:
        """The simple API of a named index (`simple_url` for `DEFAULT_INDEX`)."""
        if name not in self.universe.indexes:
            raise KeyError(name)
        return self.simple_url if name == DEFAULT_INDEX else f"{self.url}/{name}/simple"

    def file_url(self, filename: str, index: str = DEFAULT_INDEX) -> str:
        return f"{self.url}{_prefix(index)}/files/{quote(filename)}"

    @property
    def universe(self) -> BuiltUniverse:
        return self._served.universe

    def set_universe(self, universe: Universe | BuiltUniverse) -> None:
        """Serve another universe from now on; pages that change get a new Last-Modified."""
        self._served = self._prepare(universe, previous=self._served)

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_log(self) -> None:
        with self._lock:
            self._requests.clear()

    def inject(
        self, path_pattern: str, kind: FaultKind, times: int = 1, delay: float = 1.0
    ) -> None:
        """Make the next `times` requests whose path matches `path_pattern` (fnmatch) fail.

        500: an error response. reset: the connection closes with no response. slow: the
        normal response after `delay` seconds. truncate: the normal status and headers with a
        Content-Length larger than the body sent, then the connection closes. corrupt: the
        normal response with its last byte flipped (same size, wrong hash).
        """
        self._faults.add(path_pattern, kind, times=times, delay=delay)

    # -- serving ---------------------------------------------------------------------------

    def _prepare(self, universe: Universe | BuiltUniverse, previous: Served | None) -> Served:
        built = universe if isinstance(universe, BuiltUniverse) else self._builder.build(universe)
        return Served.prepare(built, previous)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        fault = self._faults.take(request.path)
        status: int | None = None
        try:
            if fault is not None and fault.kind == "reset":
                reset_connection(request)
                raise DroppedConnection
            if fault is not None and fault.kind == "500":
                response: web.StreamResponse = web.Response(status=500, text="injected fault\n")
            elif not self._authorized(request):
                response = web.Response(
                    status=401,
                    text="credentials required\n",
                    headers={"WWW-Authenticate": 'Basic realm="ulock test index"'},
                )
            else:
                if fault is not None and fault.kind == "slow":
                    await asyncio.sleep(fault.delay)
                response = await handler(request)
            if fault is not None and fault.kind == "corrupt":
                response = corrupted(response)
            if fault is not None and fault.kind == "truncate":
                status = response.status
                await send_truncated(request, response)
                raise DroppedConnection
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        except DroppedConnection:
            # Cancelling the handler task is how aiohttp is told not to answer at all.
            raise asyncio.CancelledError from None
        except Exception:
            status = 500  # what aiohttp answers for a bug in a handler
            raise
        finally:
            self._log(request, status)

    def _log(self, request: web.Request, status: int | None) -> None:
        headers: dict[str, str] = {}
        for key, value in request.headers.items():
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        record = RequestRecord(
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers=headers,
            status=status,
        )
        with self._lock:
            self._requests.append(record)

    def _authorized(self, request: web.Request) -> bool:
        expected = self.options.basic_auth
        if expected is None:
            return True
        token = base64.b64encode(f"{expected[0]}:{expected[1]}".encode()).decode()
        return request.headers.get("Authorization", "") == f"Basic {token}"

    async def _route(self, request: web.Request) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD"})
        served = self._served
        parts = request.path.lstrip("/").split("/")
        index = DEFAULT_INDEX
        if (
            parts[0] not in RESERVED_INDEX_NAMES
            and parts[0] in served.universe.indexes
            and len(parts) > 1
        ):
            index, parts = parts[0], parts[1:]
        prefix = _prefix(index)
        head, rest = parts[0], parts[1:]
        if head == "simple":
            return self._simple(request, served, index, prefix, rest)
        if head == "files" and len(rest) == 1:
            return self._file(request, served, index, rest[0])
        if head == "flat" and rest == [""]:
            # The default flat page links every file of every index; a named one, its own.
            files = served.universe.files(None if index == DEFAULT_INDEX else index)
            body = pages.flat_page(
                files, self._file_link(index, depth=1), self.options.page_style()
            )
            return self._page(request, body, pages.HTML_LEGACY, None)
        if head == "flat" and not rest:
            return _redirect(f"{prefix}/flat/")
        return web.Response(status=404, text="not found\n")

    def _simple(
        self, request: web.Request, served: Served, index: str, prefix: str, rest: list[str]
    ) -> web.StreamResponse:
        projects = served.universe.indexes[index]
        if not rest:
            return _redirect(f"{prefix}/simple/")
        if rest == [""]:
            content_type = self._negotiate(request)
            if content_type is None:
                return self._not_acceptable()
            body = pages.root_page(list(projects.values()), content_type, self.options.page_style())
            return self._page(request, body, content_type, None)
        name = rest[0]
        normalized = canonicalize_name(name)
        if name != normalized or rest[1:] != [""]:
            if len(rest) > 2 or (len(rest) == 2 and rest[1] != ""):
                return web.Response(status=404, text="not found\n")
            return _redirect(f"{prefix}/simple/{normalized}/")
        project = projects.get(normalized)
        if project is None:
            return web.Response(status=404, text=f"no project named {name}\n")
        content_type = self._negotiate(request)
        if content_type is None:
            return self._not_acceptable()
        body = pages.project_page(
            project,
            content_type,
            file_url=self._file_link(index, depth=2),
            style=self.options.page_style(),
        )
        return self._page(request, body, content_type, served.modified[(index, normalized)])

    def _offers(self) -> list[str]:
        offers = []
        if self.options.html:
            offers += [pages.HTML_LEGACY, pages.HTML_V1]
        if self.options.json:
            offers.append(pages.JSON_V1)
        return offers

    def _negotiate(self, request: web.Request) -> str | None:
        return pages.negotiate(request.headers.get("Accept"), self._offers())

    def _not_acceptable(self) -> web.Response:
        return web.Response(status=406, text=f"this index serves: {', '.join(self._offers())}\n")

    def _file_link(self, page_index: str, *, depth: int) -> pages.FileUrl:
        """File URLs as written on a page `depth` directories below `page_index`'s prefix."""
        if self.options.absolute_urls:
            return lambda built: self.file_url(built.filename, built.index)
        up = "../" * (depth + (0 if page_index == DEFAULT_INDEX else 1))
        return lambda built: (
            up + f"{_prefix(built.index)}/files/{quote(built.filename)}".lstrip("/")
        )

    def _page(
        self, request: web.Request, body: bytes, content_type: str, modified: datetime | None
    ) -> web.StreamResponse:
        headers = {"Vary": "Accept"}
        full_type = (
            f"{content_type}; charset=utf-8" if content_type == pages.HTML_LEGACY else content_type
        )
        if self.options.cache_headers:
            etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            headers["ETag"] = etag
            headers["Cache-Control"] = "max-age=600"
            if modified is not None:
                headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            if not_modified(
                if_none_match=request.headers.get("If-None-Match"),
                if_modified_since=request.headers.get("If-Modified-Since"),
                etag=etag,
                modified=modified,
            ):
                return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers={**headers, "Content-Type": full_type})

    def _file(
        self, request: web.Request, served: Served, index: str, name: str
    ) -> web.StreamResponse:
        built = served.files.get((index, name))
        if built is not None:
            data = built.read()
        else:
            built = served.files.get((index, name.removesuffix(".metadata")))
            if built is None or built.metadata is None or not self.options.metadata_files:
                return web.Response(status=404, text="not found\n")
            data = built.metadata
        headers = {"Content-Type": "application/octet-stream"}
        if not self.options.range_requests:
            return web.Response(body=data, headers=headers)
        headers["Accept-Ranges"] = "bytes"
        wanted = parse_range(request.headers.get("Range"), len(data))
        if wanted is None:
            return web.Response(body=data, headers=headers)
        if wanted == "unsatisfiable":
            headers["Content-Range"] = f"bytes */{len(data)}"
            return web.Response(status=416, headers=headers)
        return _partial(data, wanted, headers)


def _partial(data: bytes, wanted: RangeRequest, headers: dict[str, str]) -> web.Response:
    headers["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{len(data)}"
    return web.Response(status=206, body=data[wanted.start : wanted.end + 1], headers=headers)


def _redirect(location: str) -> web.Response:
    return web.Response(status=301, headers={"Location": location})


def _prefix(index: str) -> str:
    return "" if index == DEFAULT_INDEX else f"/{index}"
