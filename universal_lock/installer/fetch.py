"""Getting every file a sync installs, in parallel, and verifying each before anything changes.

Files with a ``url`` come through the index client (its retries, credentials and cache by
sha256), unless the cache already has every one of them: then, like files with a ``path``
(read relative to the lock), they are read here, with no event loop or client. Either way
what is verified is exactly what is installed: a wheel read here of at most
``IN_MEMORY_LIMIT`` bytes is read once into memory (while all such wheels together stay
within ``IN_MEMORY_TOTAL``), checked against the lock's size and sha256 and installed from
those bytes (creating a file can cost far more than reading one, and a small sync would
otherwise make one per locked file); anything else is copied into the sync's work directory
and that copy is checked. A cached file that fails the check is removed from the cache, so
the next run downloads it afresh.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from packaging.utils import NormalizedName, parse_sdist_filename, parse_wheel_filename

from universal_lock.errors import InputError, UlockError
from universal_lock.lockfile import LockedFile

if TYPE_CHECKING:
    # Imported lazily below: the index package pulls in aiohttp, which a sync of local files
    # does not need.
    from universal_lock.index import Distribution, IndexClient

_CHUNK = 1024 * 1024

IN_MEMORY_LIMIT = 32 * 1024 * 1024
"""Wheels of a path up to this size are verified and installed from memory, not copied."""

IN_MEMORY_TOTAL = 256 * 1024 * 1024
"""At most this many bytes of wheels are held in memory at once; the rest are copied."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelBytes:
    """A verified wheel held in memory: its file name and its bytes."""

    name: str
    data: bytes


Fetched = Path | WheelBytes
"""A verified file: a copy in the work directory, or a wheel's bytes in memory."""


class VerificationFailed(UlockError):
    """A file's size or sha256 differs from the lock's; nothing was installed."""

    def __init__(
        self, filename: str, *, what: str, expected: str, actual: str, origin: str
    ) -> None:
        super().__init__(
            f"`{filename}` from {origin} does not match the lock: expected {what} {expected}, "
            f"got {actual}; nothing was installed",
            hint="the file was changed after locking; if you trust the new file, "
            "run `ulock lock` again",
        )
        self.filename = filename
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True, slots=True, kw_only=True)
class FileRequest:
    """A locked file that one entry needs."""

    name: NormalizedName
    file: LockedFile


def needs_index(requests: Sequence[FileRequest], lock_dir: Path) -> bool:
    """True when some file must come from a URL (it has no ``path`` that exists)."""
    return any(_local(request.file, lock_dir) is None for request in requests)


async def fetch_all(
    requests: Sequence[FileRequest],
    *,
    client: IndexClient | None,
    lock_dir: Path,
    work_dir: Path,
) -> dict[str, Path]:
    """Verified copies of every requested file in ``work_dir``, by file name.

    ``client`` may be ``None`` when ``needs_index`` is false (``fetch_local`` is then
    cheaper). Raises ``VerificationFailed`` (wrong size or hash), ``OfflineMiss`` or
    ``IndexFailure``; all downloads run concurrently and the first failure wins.
    """
    import asyncio  # here: a sync of local files runs no event loop (``fetch_local``)

    paths = await asyncio.gather(
        *(
            _fetch(request, client, lock_dir, work_dir / str(number))
            for number, request in enumerate(requests)
        )
    )
    return {request.file.name: path for request, path in zip(requests, paths, strict=True)}


def fetch_local(
    requests: Sequence[FileRequest],
    *,
    lock_dir: Path,
    work_dir: Path,
    cached: Mapping[str, Path] | None = None,
) -> dict[str, Fetched]:
    """Every requested file, verified, by file name, when each has a ``path``
    (``needs_index`` is false) or is in ``cached`` (``cached_files``): wheels up to
    ``IN_MEMORY_LIMIT`` as their bytes, while they add up to at most ``IN_MEMORY_TOTAL``, the
    rest as copies in ``work_dir``. Runs in this thread: reading small files costs less than
    starting an event loop and the index client. A cached file that fails the check is
    removed from the cache."""
    fetched: dict[str, Fetched] = {}
    held = 0
    for number, request in enumerate(requests):
        in_cache = (cached or {}).get(request.file.name)
        opened = _open_local(request, lock_dir) if in_cache is None else _open_cached(in_cache)
        with opened as (stream, origin):
            size = os.fstat(stream.fileno()).st_size
            small = size <= IN_MEMORY_LIMIT and held + size <= IN_MEMORY_TOTAL
            try:
                if request.file.name.endswith(".whl") and small:
                    held += size
                    data = stream.read()
                    _verify(request.file, hashlib.sha256(data).hexdigest(), len(data), origin, None)
                    fetched[request.file.name] = WheelBytes(name=request.file.name, data=data)
                    continue
                fetched[request.file.name] = _copy_verified(
                    request.file, stream, origin, work_dir / str(number)
                )
            except VerificationFailed:
                if in_cache is not None:
                    in_cache.unlink(missing_ok=True)  # so the next run downloads it again
                raise
    return fetched


def cached_files(
    requests: Sequence[FileRequest], *, lock_dir: Path, cache_dir: Path
) -> dict[str, Path] | None:
    """The cache's copy of every requested file that has no local ``path``, by file name
    (found by its locked sha256, as the index client finds it); ``None`` when one is not
    cached (then the index client must fetch it)."""
    remote = [request for request in requests if _local(request.file, lock_dir) is None]
    if not remote:
        return {}
    from universal_lock.index.cache import DiskCache

    cache = DiskCache(cache_dir)
    found: dict[str, Path] = {}
    for request in remote:
        sha256 = request.file.sha256
        path = cache.cached_file(sha256, request.file.name) if sha256 else None
        if path is None:
            return None
        found[request.file.name] = path
    return found


def _local(locked: LockedFile, lock_dir: Path) -> Path | None:
    """The file at ``path`` when it exists (or when there is no ``url`` to fall back on)."""
    if locked.path is None:
        return None
    local = lock_dir / locked.path
    return local if local.is_file() or locked.url is None else None


async def _fetch(
    request: FileRequest, client: IndexClient | None, lock_dir: Path, target: Path
) -> Path:
    import asyncio

    locked = request.file
    if _local(locked, lock_dir) is not None:
        return await asyncio.to_thread(_read_local, request, lock_dir, target)
    from universal_lock.index import OfflineMiss, Unavailable

    assert locked.url is not None and client is not None
    downloaded = await client.download(_distribution(request), target)
    if isinstance(downloaded, Unavailable):
        raise OfflineMiss(downloaded.what)
    actual_sha256, actual_size = await asyncio.to_thread(_digest, downloaded)
    _verify(locked, actual_sha256, actual_size, "the cache or the index", client)
    return downloaded


def _read_local(request: FileRequest, lock_dir: Path, target: Path) -> Path:
    with _open_local(request, lock_dir) as (stream, origin):
        return _copy_verified(request.file, stream, origin, target)


@contextmanager
def _open_local(request: FileRequest, lock_dir: Path) -> Iterator[tuple[BinaryIO, str]]:
    """The file at the entry's ``path``, open for reading, and how messages name it.

    The file is opened once and what is hashed is what is kept (bytes or a copy), so a
    file changed while the sync runs cannot slip past the check.
    """
    locked = request.file
    local = lock_dir / str(locked.path)
    try:
        stream = local.open("rb")
    except (FileNotFoundError, IsADirectoryError):
        message = f"`{locked.path}` (of `{request.name}`) does not exist"
        raise InputError(message, path=local) from None
    with stream:
        yield stream, f"`{local}`"


@contextmanager
def _open_cached(path: Path) -> Iterator[tuple[BinaryIO, str]]:
    with path.open("rb") as stream:
        yield stream, "the cache"


def _copy_verified(locked: LockedFile, stream: BinaryIO, origin: str, target: Path) -> Path:
    """Copy ``stream`` into ``target`` (a directory), hashing on the way; verify the copy."""
    target.mkdir(parents=True, exist_ok=True)
    copy = target / locked.name
    digest = hashlib.sha256()
    copied = 0
    with copy.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            copied += len(chunk)
            out.write(chunk)
    _verify(locked, digest.hexdigest(), copied, origin, None)
    return copy


def _verify(
    locked: LockedFile,
    actual_sha256: str,
    actual_size: int,
    origin: str,
    client: IndexClient | None,
) -> None:
    """Raise ``VerificationFailed`` (size first, then sha256) unless the file is the lock's."""
    expected = locked.sha256
    assert expected is not None  # a ulock lock records sha256 for every file
    if locked.size is not None and actual_size != locked.size:
        _forget(client, expected, locked)
        raise VerificationFailed(
            locked.name, what="size", expected=str(locked.size), actual=str(actual_size),
            origin=origin,
        )  # fmt: skip
    if actual_sha256 != expected:
        _forget(client, expected, locked)
        raise VerificationFailed(
            locked.name, what="sha256", expected=expected, actual=actual_sha256, origin=origin
        )


def _forget(client: IndexClient | None, sha256: str, locked: LockedFile) -> None:
    """Drop a cached copy that failed verification (it is keyed by the hash it lacks)."""
    if locked.url is None or client is None:
        return
    from universal_lock.index import resolve_cache_dir
    from universal_lock.index.cache import DiskCache

    cache = DiskCache(resolve_cache_dir(client.settings.cache_dir))
    cached = cache.cached_file(sha256, locked.name)
    if cached is not None:
        cached.unlink(missing_ok=True)


def _distribution(request: FileRequest) -> Distribution:
    from universal_lock.index import Distribution

    locked = request.file
    assert locked.url is not None
    if locked.name.endswith(".whl"):
        _, version, _, _ = parse_wheel_filename(locked.name)
        kind = "wheel"
    else:
        _, version = parse_sdist_filename(locked.name)
        kind = "sdist"
    return Distribution(
        filename=locked.name,
        url=locked.url,
        index="",
        name=request.name,
        version=version,
        kind=kind,  # type: ignore[arg-type]
        hashes=dict(locked.hashes),
        size=locked.size,
    )


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
