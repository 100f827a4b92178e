"""Turn a ``Lock`` into ``pylock.toml`` text, and put that text on disk atomically.

The layout is fixed so that the same lock always gives the same bytes and a change to one
package changes only that package's lines: keys in the order PEP 751 lists them, one
``[[packages]]`` table per entry (the model keeps entries sorted), wheels as a multi-line array
with one inline table per line, marker lists one marker a line, ``upload-time`` as a TOML
datetime in UTC ending in ``Z``. Empty keys are left out. tomlkit builds the document; nothing
here depends on the order of dicts handed in by callers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit import items

from universal_lock.errors import UlockError
from universal_lock.lockfile.model import (
    LOCK_VERSION,
    Lock,
    LockedArchive,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockedVcs,
)

__all__ = ["as_dict", "render", "write_atomic"]


def render(lock: Lock) -> str:
    """The ``pylock.toml`` text for ``lock``; deterministic, ending in one newline."""
    return _document(lock).as_string().rstrip("\n") + "\n"


def as_dict(lock: Lock) -> dict[str, Any]:
    """``lock`` as plain Python values, exactly as ``tomllib`` reads the rendered text."""
    return _document(lock).unwrap()


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) all at once.

    The text goes to a temporary file beside ``path``, is flushed to disk, then renamed over
    ``path``. If anything fails, or the user presses Ctrl-C, the old file is untouched and the
    temporary file is removed; ``OSError`` becomes ``UlockError`` naming ``path``.
    """
    data = text.encode("utf-8")
    temporary: Path | None = None
    try:
        fd, temporary = _create_temporary(path)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(path)
        temporary = None
        _sync_directory(path.parent)
    except OSError as error:
        raise UlockError(f"could not write `{path}`: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _create_temporary(path: Path) -> tuple[int, Path]:
    # os.open with mode 0o666 lets the umask decide permissions, as for any new file
    # (mkstemp would make the lock private to its owner).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _document(lock: Lock) -> tomlkit.TOMLDocument:
    document = tomlkit.document()
    document.add("lock-version", LOCK_VERSION)
    if lock.environments:
        document.add("environments", _string_array(lock.environments, multiline=True))
    if lock.requires_python is not None:
        document.add("requires-python", _string(str(lock.requires_python)))
    if lock.extras:
        document.add("extras", _string_array(lock.extras))
    if lock.dependency_groups:
        document.add("dependency-groups", _string_array(lock.dependency_groups))
    if lock.default_groups:
        document.add("default-groups", _string_array(lock.default_groups))
    document.add("created-by", _string(lock.created_by))
    # An empty array of tables would print nothing, and `packages` is a required key.
    document.add("packages", _packages(lock.packages) if lock.packages else tomlkit.array())
    ulock = _ulock_table(lock)
    if ulock is not None:
        tool = tomlkit.table(is_super_table=True)
        tool.add("ulock", ulock)
        document.add("tool", tool)
    return document


def _ulock_table(lock: Lock) -> items.Table | None:
    if not (lock.fork_markers or lock.input_fingerprint or lock.build_packages):
        return None
    table = tomlkit.table()
    if lock.fork_markers:
        table.add("fork-markers", _string_array(lock.fork_markers, multiline=True))
    if lock.input_fingerprint is not None:
        table.add("input-fingerprint", _string(lock.input_fingerprint))
    if lock.build_packages:
        table.add("build-packages", _packages(lock.build_packages))
    return table


def _packages(packages: tuple[LockedPackage, ...]) -> items.AoT:
    array = tomlkit.aot()
    for package in packages:
        array.append(_package(package))
    return array


def _package(package: LockedPackage) -> items.Table:
    table = tomlkit.table()
    table.add("name", _string(package.name))
    if package.version is not None:
        table.add("version", _string(str(package.version)))
    if package.marker is not None:
        table.add("marker", _string(package.marker))
    if package.requires_python is not None:
        table.add("requires-python", _string(str(package.requires_python)))
    if package.vcs is not None:
        table.add("vcs", _vcs(package.vcs))
    if package.directory is not None:
        table.add("directory", _directory(package.directory))
    if package.archive is not None:
        table.add("archive", _archive(package.archive))
    if package.index is not None:
        table.add("index", _string(package.index))
    if package.sdist is not None:
        table.add("sdist", _file(package.sdist))
    if package.wheels:
        wheels = tomlkit.array()
        for wheel in package.wheels:
            wheels.append(_file(wheel))
        table.add("wheels", wheels.multiline(True))
    if package.build_requires:
        ulock = tomlkit.table()
        pins = [str(pin) for pin in package.build_requires]
        ulock.add("build-requires", _string_array(pins, multiline=True))
        tool = tomlkit.table(is_super_table=True)
        tool.add("ulock", ulock)
        table.add("tool", tool)
    return table


def _file(file: LockedFile) -> items.InlineTable:
    table = tomlkit.inline_table()
    table.add("name", _string(file.name))
    _add_location(table, file.url, file.path, file.size, file.upload_time)
    table.add("hashes", _hashes(file.hashes))
    return table


def _archive(archive: LockedArchive) -> items.InlineTable:
    table = tomlkit.inline_table()
    _add_location(table, archive.url, archive.path, archive.size, archive.upload_time)
    table.add("hashes", _hashes(archive.hashes))
    if archive.subdirectory is not None:
        table.add("subdirectory", _string(archive.subdirectory))
    return table


def _add_location(
    table: items.InlineTable,
    url: str | None,
    path: str | None,
    size: int | None,
    upload_time: datetime | None,
) -> None:
    # PEP 751 order for files: name, upload-time, url, path, size, hashes.
    if upload_time is not None:
        table.add("upload-time", _datetime(upload_time))
    if url is not None:
        table.add("url", _string(url))
    if path is not None:
        table.add("path", _string(path))
    if size is not None:
        table.add("size", size)


def _directory(directory: LockedDirectory) -> items.InlineTable:
    table = tomlkit.inline_table()
    table.add("path", _string(directory.path))
    if directory.editable:
        table.add("editable", True)
    if directory.subdirectory is not None:
        table.add("subdirectory", _string(directory.subdirectory))
    return table


def _vcs(vcs: LockedVcs) -> items.InlineTable:
    table = tomlkit.inline_table()
    table.add("type", _string(vcs.type))
    if vcs.url is not None:
        table.add("url", _string(vcs.url))
    if vcs.path is not None:
        table.add("path", _string(vcs.path))
    if vcs.requested_revision is not None:
        table.add("requested-revision", _string(vcs.requested_revision))
    table.add("commit-id", _string(vcs.commit_id))
    if vcs.subdirectory is not None:
        table.add("subdirectory", _string(vcs.subdirectory))
    return table


def _hashes(hashes: Mapping[str, str]) -> items.InlineTable:
    table = tomlkit.inline_table()
    for algorithm, digest in sorted(hashes.items()):
        table.add(algorithm, _string(digest))
    return table


def _string(text: str) -> items.String:
    # Markers printed with double quotes read better as literal strings than with every quote
    # escaped; a literal string cannot hold a single quote or a control character.
    literal = '"' in text and "'" not in text and text.isprintable()
    return tomlkit.string(text, literal=literal)


def _string_array(values: tuple[str, ...] | list[str], *, multiline: bool = False) -> items.Array:
    array = tomlkit.array()
    for value in values:
        array.append(_string(value))
    return array.multiline(multiline)


def _datetime(value: datetime) -> items.DateTime:
    # tomlkit would print "+00:00"; PEP 751 examples and most tools write "Z".
    utc = value.astimezone(UTC)
    raw = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        raw += f".{utc.microsecond:06d}"
    return items.DateTime(
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
        UTC,
        items.Trivia(),
        raw + "Z",
    )
