"""The one aiohttp session: keep-alive connections bounded per host, credentials by host,
retries with backoff, and request counters.

Retried: 5xx and 429 answers, connection errors and resets, timeouts, truncated bodies — at
least ``settings.attempts`` tries with exponential backoff. Not retried: other 4xx, which the
caller interprets (404 is "not found", 401/403 is a credentials problem).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from universal_lock.index.auth import Credentials, host_key, redact_url
from universal_lock.index.config import IndexSettings
from universal_lock.index.errors import IndexFailure

if TYPE_CHECKING:
    import aiohttp

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """A finished response: final URL (redacted), status, headers and the whole body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(slots=True, kw_only=True)
class Counters:
    """Mutable counters the client turns into ``ClientStats``."""

    requests: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    bytes_downloaded: int = 0


class _Retry(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Transport:
    """Owns the ``aiohttp.ClientSession``; open with ``async with``."""

    def __init__(
        self, settings: IndexSettings, credentials: Mapping[str, Credentials] | None = None
    ) -> None:
        self._settings = settings
        self._credentials = dict(credentials or {})
        self._session: aiohttp.ClientSession | None = None
        self._open = False
        self.counters = Counters()

    async def __aenter__(self) -> Transport:
        # The session (and aiohttp, ~0.1 s to import) is made on the first request, so a lock
        # served entirely from local directories or the cache never pays for it.
        self._open = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._open = False
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            import aiohttp

            connector = aiohttp.TCPConnector(limit=0, limit_per_host=self._settings.concurrency)
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=self._settings.timeout, sock_read=self._settings.timeout
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, headers={"User-Agent": "ulock"}
            )
        return self._session

    def _auth_headers(self, url: str) -> dict[str, str]:
        # Sent as a header, which aiohttp drops when a redirect leaves the origin. A URL that
        # carries its own userinfo (a `url` source with a token) is sent with that instead.
        if "@" in urlsplit(url).netloc:
            return {}
        key = host_key(url)
        credentials = self._credentials.get(key) if key else None
        if credentials is None:
            return {}
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode())
        return {"Authorization": "Basic " + token.decode("ascii")}

    async def get(
        self,
        url: str,
        *,
        kind: str,
        headers: Mapping[str, str] | None = None,
        accept_status: frozenset[int] = frozenset({200}),
    ) -> Response:
        """GET ``url`` with retries. Statuses outside ``accept_status`` (and not retried) raise
        ``IndexFailure``; a status in it returns the response with its body read."""

        async def attempt(session: aiohttp.ClientSession) -> Response:
            from multidict import CIMultiDict  # loaded with aiohttp by now

            request_headers = CIMultiDict(headers or {})
            request_headers.update(self._auth_headers(url))
            async with session.get(url, headers=request_headers) as response:
                self._check_status(url, response.status, accept_status)
                body = await response.read()
                self.counters.bytes_downloaded += len(body)
                return Response(
                    url=redact_url(str(response.url)),
                    status=response.status,
                    headers=dict(response.headers),
                    body=body,
                )

        return await self._with_retries(url, kind, attempt)

    async def download(self, url: str, directory: Path, *, kind: str) -> tuple[Path, str, int]:
        """Stream ``url`` into a new file in ``directory``; returns (path, sha256, size)."""

        async def attempt(session: aiohttp.ClientSession) -> tuple[Path, str, int]:
            async with session.get(url, headers=self._auth_headers(url)) as response:
                self._check_status(url, response.status, frozenset({200}))
                handle, name = tempfile.mkstemp(dir=directory, prefix=".dl-", suffix=".part")
                digest = hashlib.sha256()
                size = 0
                try:
                    with os.fdopen(handle, "wb") as stream:
                        async for chunk in response.content.iter_chunked(_CHUNK):
                            stream.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
                except BaseException:
                    Path(name).unlink(missing_ok=True)
                    raise
                self.counters.bytes_downloaded += size
                return Path(name), digest.hexdigest(), size

        return await self._with_retries(url, kind, attempt)

    def _check_status(self, url: str, status: int, accept: frozenset[int]) -> None:
        if status in accept:
            return
        if status >= 500 or status == 429:
            raise _Retry(f"HTTP {status}", status)
        hint = None
        if status in (401, 403):
            hint = (
                "check the index credentials (URL userinfo, "
                "ULOCK_INDEX_<NAME>_USERNAME/_PASSWORD, or netrc)"
            )
        raise IndexFailure(redact_url(url), f"HTTP {status}", status=status, hint=hint)

    async def _with_retries(
        self,
        url: str,
        kind: str,
        attempt: Callable[[aiohttp.ClientSession], Awaitable[_T]],
    ) -> _T:
        if not self._open:
            raise RuntimeError("the transport is used outside `async with`")
        import aiohttp

        session = self._ensure_session()
        attempts = max(1, self._settings.attempts)
        last = ""
        last_status: int | None = None
        for number in range(attempts):
            if number:
                self.counters.retries += 1
                await asyncio.sleep(self._settings.retry_backoff * 2 ** (number - 1))
            self.counters.requests[kind] += 1
            try:
                return await attempt(session)
            except _Retry as error:
                last, last_status = error.reason, error.status
            except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as error:
                # ClientPayloadError: the body ended early; connection errors include resets.
                last, last_status = _describe(error), None
            except TimeoutError:
                last, last_status = "timed out", None
            _log.debug("attempt %d of %s failed: %s", number + 1, redact_url(url), last)
        raise IndexFailure(
            redact_url(url), f"{last} (after {attempts} attempts)", status=last_status
        )


def _describe(error: Exception) -> str:
    # aiohttp's messages can embed the request URL, which may hold credentials; name the type.
    return f"{type(error).__name__}"
