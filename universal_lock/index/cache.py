"""The on-disk cache: project pages (revalidated), metadata and files (immutable by hash).

Layout under the cache directory::

    simple-v3/<index key>/<project>.page     a page's files (parsed, compact) with its validators
                                             and fetch time, in ``marshal`` format
    metadata-v1/<key[:2]>/<key>.metadata     core metadata, keyed by the distribution's hash
    files-v1/<sha256[:2]>/<sha256>/<filename>
    tmp/                                     downloads in progress (same filesystem)

The page layouts of earlier releases (``simple-v1/``: JSON bodies; ``simple-v2/``: hashes as
hex text, full URLs, upload times as text) are removed the first time a page is written,
never read.

Two ulock processes may share it: every entry is written to a temporary file and moved into
place with ``os.replace`` (readers see the old or the new entry, never half of one), under an
advisory lock file (``fcntl`` / ``msvcrt``) so two writers of one entry take turns.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import packaging
from packaging.utils import NormalizedName

from universal_lock.index.page_files import PageFiles

_PAGES = "simple-v3"
#: Directories of earlier page layouts, removed on first write.
_OBSOLETE = ("simple-v1", "simple-v2")
# What a page entry starts with; an entry written by another format (or by a Python whose
# marshal differs) is a miss and is fetched again.
# Filenames are stored parsed, so the packaging release that parsed them is part of the format.
_PAGE_FORMAT = f"ulock-page-5/marshal-{marshal.version}/packaging-{packaging.__version__}"
_METADATA = "metadata-v1"
_FILES = "files-v1"
# Temporary file names of this process (with its id): see `_write_atomic`.
_TEMPORARY_NUMBERS = itertools.count()


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedPage:
    """A stored project page: its files and what is needed to decide freshness and revalidate.

    The page is parsed before it is stored, so ``files`` is what it listed, in compact form.

    ``max_age`` is ``None`` when the server sent no ``max-age``; ``no_cache`` records
    ``no-cache`` / ``no-store`` (revalidate every time). ``fetched_at`` is a Unix time.
    """

    url: str
    content_type: str
    files: PageFiles
    etag: str | None
    last_modified: str | None
    fetched_at: float
    max_age: float | None
    no_cache: bool

    def is_fresh(self, now: float, fresh_period: float) -> bool:
        """Fresh by the server's ``max-age``; without caching headers, for ``fresh_period``."""
        if self.no_cache:
            return False
        limit = self.max_age if self.max_age is not None else fresh_period
        return 0 <= now - self.fetched_at < limit


def index_key(url: str) -> str:
    """A short, filesystem-safe key for an index URL (already redacted)."""
    return hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


class DiskCache:
    """Reads and atomically writes cache entries under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pruned = False

    def _prune_obsolete(self) -> None:
        # Layouts of earlier releases are never read again: remove them once, when this
        # process first writes a page (a lock that only reads the cache leaves them alone).
        self._pruned = True
        for name in _OBSOLETE:
            shutil.rmtree(self.root / name, ignore_errors=True)

    # -- project pages --------------------------------------------------------------------

    def _page_path(self, index: str, name: NormalizedName) -> Path:
        return self.root / _PAGES / index / f"{name}.page"

    def read_page(self, index: str, name: NormalizedName) -> CachedPage | None:
        """The stored page, or ``None`` when absent or unreadable (treated as a miss)."""
        try:
            data = self._page_path(index, name).read_bytes()
            # marshal builds plain values only (no code runs), and an entry of the wrong
            # shape is rejected below; the cache directory is the user's own.
            values = marshal.loads(data)
            return _page_from(values)
        except (OSError, ValueError, TypeError, EOFError):
            return None

    def write_page(self, index: str, name: NormalizedName, page: CachedPage) -> None:
        """Store ``page`` atomically."""
        if not self._pruned:
            self._prune_obsolete()
        values = (
            _PAGE_FORMAT,
            page.url,
            page.content_type,
            page.etag,
            page.last_modified,
            page.fetched_at,
            page.max_age,
            page.no_cache,
            page.files.as_tuple(),
        )
        _write_atomic(self._page_path(index, name), marshal.dumps(values))

    # -- core metadata --------------------------------------------------------------------

    def _metadata_path(self, key: str) -> Path:
        return self.root / _METADATA / key[:2] / f"{key}.metadata"

    def read_metadata(self, key: str) -> bytes | None:
        """Stored metadata bytes for a distribution key, or ``None``."""
        try:
            return self._metadata_path(key).read_bytes()
        except OSError:
            return None

    def write_metadata(self, key: str, data: bytes) -> None:
        """Store metadata bytes atomically."""
        _write_atomic(self._metadata_path(key), data)

    # -- files ----------------------------------------------------------------------------

    def _file_path(self, sha256: str, filename: str) -> Path:
        return self.root / _FILES / sha256[:2] / sha256 / filename

    def cached_file(self, sha256: str, filename: str) -> Path | None:
        """The cached file with this hash, if present (its name implies its content)."""
        path = self._file_path(sha256, filename)
        return path if path.is_file() else None

    def store_file(self, source: Path, sha256: str, filename: str) -> Path:
        """Move a verified download (in ``tmp_dir()``) into the cache; returns its new path."""
        target = self._file_path(sha256, filename)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(target.parent / ".lock"):
            if target.is_file():
                source.unlink(missing_ok=True)
            else:
                source.replace(target)
        return target

    def tmp_dir(self) -> Path:
        """A directory for downloads in progress, on the cache's filesystem."""
        path = self.root / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return path


def _page_from(values: object) -> CachedPage:
    if not isinstance(values, tuple) or len(values) != 9 or values[0] != _PAGE_FORMAT:
        raise ValueError("not a page entry of this format")
    _format, url, content_type, etag, last_modified, fetched_at, max_age, no_cache, files = values
    if not (
        isinstance(url, str)
        and isinstance(content_type, str)
        and isinstance(etag, str | None)
        and isinstance(last_modified, str | None)
        and isinstance(fetched_at, float)
        and isinstance(max_age, float | None)
        and isinstance(no_cache, bool)
        and isinstance(files, tuple)
    ):
        raise ValueError("a page entry with fields of the wrong type")
    return CachedPage(
        url=url,
        content_type=content_type,
        files=PageFiles.from_tuple(files),
        etag=etag,
        last_modified=last_modified,
        fetched_at=fetched_at,
        max_age=max_age,
        no_cache=no_cache,
    )


def copy_into(source: Path, dest_dir: Path) -> Path:
    """Copy (or hard-link) a cached file into ``dest_dir`` atomically; returns the new path."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / source.name
    handle, temporary = tempfile.mkstemp(dir=dest_dir, prefix=".ulock-", suffix=".part")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, whole.

    A temporary file with a name no other writer uses (process id and a counter, created
    exclusively) is renamed over the target; rename is atomic within a filesystem. No lock:
    two writers of one entry write the same bytes (metadata and files are keyed by digest) or
    two fetches of one page, and either may win. The directory is made only when the first
    attempt finds it missing. (Each of a cold lock's thousands of entries used to cost a lock
    file, a random temporary name and a mkdir: ~400 us against ~140 us now.)
    """
    made_directory = False
    while True:
        temporary = f"{path.parent}/.tmp-{os.getpid()}-{next(_TEMPORARY_NUMBERS)}.part"
        try:
            handle = _create(temporary)
        except FileNotFoundError:
            if made_directory:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
            made_directory = True
            continue
        except FileExistsError:
            continue  # left by a killed process that had this process id
        break
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _create(path: str) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if needed), held for the block."""
    with path.open("a+b") as stream:
        if sys.platform == "win32":
            import msvcrt

            stream.seek(0)
            msvcrt.locking(stream.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                stream.seek(0)
                msvcrt.locking(stream.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
