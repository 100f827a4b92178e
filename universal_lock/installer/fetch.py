"""Getting every file a sync installs, in parallel, and verifying each before anything changes.

Files with a ``url`` come through the index client (its retries, credentials and cache by
sha256); files with a ``path`` are read relative to the lock. Either way the bytes are copied
into the sync's work directory and that copy is checked against the lock's size and sha256,
so what is verified is exactly what is installed. A cached file that fails the check is
removed from the cache, so the next run downloads it afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName, parse_sdist_filename, parse_wheel_filename

from universal_lock.errors import InputError, UlockError
from universal_lock.lockfile import LockedFile

if TYPE_CHECKING:
    # Imported lazily below: the index package pulls in aiohttp, which a sync of local files
    # does not need.
    from universal_lock.index import Distribution, IndexClient

_CHUNK = 1024 * 1024


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

    ``client`` may be ``None`` when ``needs_index`` is false. Raises ``VerificationFailed``
    (wrong size or hash), ``OfflineMiss`` or ``IndexFailure``; all downloads run concurrently
    and the first failure wins.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = await asyncio.gather(
        *(
            _fetch(request, client, lock_dir, work_dir / str(number))
            for number, request in enumerate(requests)
        )
    )
    return {request.file.name: path for request, path in zip(requests, paths, strict=True)}


def _local(locked: LockedFile, lock_dir: Path) -> Path | None:
    """The file at ``path`` when it exists (or when there is no ``url`` to fall back on)."""
    if locked.path is None:
        return None
    local = lock_dir / locked.path
    return local if local.is_file() or locked.url is None else None


async def _fetch(
    request: FileRequest, client: IndexClient | None, lock_dir: Path, target: Path
) -> Path:
    locked = request.file
    expected = locked.sha256
    assert expected is not None  # a ulock lock records sha256 for every file
    local = _local(locked, lock_dir)
    if local is not None:
        if not local.is_file():
            raise InputError(f"`{locked.path}` (of `{request.name}`) does not exist", path=local)
        copy = await asyncio.to_thread(_copy, local, target)
        origin = f"`{local}`"
    else:
        from universal_lock.index import OfflineMiss, Unavailable

        assert locked.url is not None and client is not None
        downloaded = await client.download(_distribution(request), target)
        if isinstance(downloaded, Unavailable):
            raise OfflineMiss(downloaded.what)
        copy = downloaded
        origin = "the cache or the index"
    actual_sha256, actual_size = await asyncio.to_thread(_digest, copy)
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
    return copy


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


def _copy(source: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / source.name
    shutil.copyfile(source, target)
    return target


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
