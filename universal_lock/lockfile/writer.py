"""Turn a ``Lock`` into ``pylock.toml`` text, and put that text on disk atomically.

The layout is fixed so that the same lock always gives the same bytes and a change to one
package changes only that package's lines: keys in the order PEP 751 lists them, one
``[[packages]]`` table per entry (the model keeps entries sorted), wheels as a multi-line array
with one inline table per line, marker lists one marker a line, ``upload-time`` as a TOML
datetime in UTC ending in ``Z``. Empty keys are left out.

Two steps: ``_plain`` maps the model to plain values with keys in order (that is also
``as_dict``, which selection and validation use without paying for tomlkit), then ``_item``
lays those values out with tomlkit. The model keeps every set sorted, so nothing here depends on
the order in which callers built the lock.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit import items

from universal_lock.errors import UlockError
from universal_lock.lockfile.model import (
    LOCK_VERSION,
    ConflictMember,
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
    return _plain(lock)


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


def _plain(lock: Lock) -> dict[str, Any]:
    """The lock as plain values, keys in PEP 751 order; the one place that maps model to keys."""
    document: dict[str, Any] = {"lock-version": LOCK_VERSION}
    _put(document, "environments", list(lock.environments))
    _put(document, "requires-python", _text(lock.requires_python))
    _put(document, "extras", list(lock.extras))
    _put(document, "dependency-groups", list(lock.dependency_groups))
    _put(document, "default-groups", list(lock.default_groups))
    document["created-by"] = lock.created_by
    document["packages"] = [_plain_package(package) for package in lock.packages]
    ulock: dict[str, Any] = {}
    _put(ulock, "fork-markers", list(lock.fork_markers))
    _put(ulock, "input-fingerprint", lock.input_fingerprint)
    _put(ulock, "conflicts", [[_plain_conflict(m) for m in members] for members in lock.conflicts])
    _put(ulock, "build-packages", [_plain_package(package) for package in lock.build_packages])
    _put(document, "tool", {"ulock": ulock} if ulock else None)
    return document


def _plain_conflict(member: ConflictMember) -> dict[str, str]:
    return {"extra": member.extra} if member.extra is not None else {"group": member.group or ""}


def _plain_package(package: LockedPackage) -> dict[str, Any]:
    table: dict[str, Any] = {"name": package.name}
    _put(table, "version", _text(package.version))
    _put(table, "marker", package.marker)
    _put(table, "requires-python", _text(package.requires_python))
    _put(table, "vcs", None if package.vcs is None else _plain_vcs(package.vcs))
    _put(
        table,
        "directory",
        None if package.directory is None else _plain_directory(package.directory),
    )
    _put(table, "archive", None if package.archive is None else _plain_archive(package.archive))
    _put(table, "index", package.index)
    _put(table, "sdist", None if package.sdist is None else _plain_file(package.sdist))
    _put(table, "wheels", [_plain_file(wheel) for wheel in package.wheels])
    pins = [str(pin) for pin in package.build_requires]
    _put(table, "tool", {"ulock": {"build-requires": pins}} if pins else None)
    return table


def _plain_file(file: LockedFile) -> dict[str, Any]:
    # PEP 751 order for files: name, upload-time, url, path, size, hashes.
    table: dict[str, Any] = {"name": file.name}
    _put(table, "upload-time", file.upload_time)
    _put(table, "url", file.url)
    _put(table, "path", file.path)
    _put(table, "size", file.size)
    table["hashes"] = dict(file.hashes)
    return table


def _plain_archive(archive: LockedArchive) -> dict[str, Any]:
    table: dict[str, Any] = {}
    _put(table, "url", archive.url)
    _put(table, "path", archive.path)
    _put(table, "size", archive.size)
    _put(table, "upload-time", archive.upload_time)
    table["hashes"] = dict(archive.hashes)
    _put(table, "subdirectory", archive.subdirectory)
    return table


def _plain_directory(directory: LockedDirectory) -> dict[str, Any]:
    table: dict[str, Any] = {"path": directory.path}
    _put(table, "editable", True if directory.editable else None)
    _put(table, "subdirectory", directory.subdirectory)
    return table


def _plain_vcs(vcs: LockedVcs) -> dict[str, Any]:
    table: dict[str, Any] = {"type": vcs.type}
    _put(table, "url", vcs.url)
    _put(table, "path", vcs.path)
    _put(table, "requested-revision", vcs.requested_revision)
    table["commit-id"] = vcs.commit_id
    _put(table, "subdirectory", vcs.subdirectory)
    return table


def _put(table: dict[str, Any], key: str, value: object) -> None:
    """Set ``key`` unless the value is absent or empty: an empty key says nothing."""
    if value is not None and value not in ([], {}):
        table[key] = value


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# Layout: which arrays list one item a line, which arrays of tables are [[...]] blocks, and which
# tables are [headers] rather than inline. Everything else is inline.
_MULTILINE = frozenset({"environments", "fork-markers", "conflicts", "wheels", "build-requires"})
_TABLE_ARRAYS = frozenset({"packages", "build-packages"})
_TABLES = frozenset({"ulock"})
_SUPER_TABLES = frozenset({"tool"})


def _document(lock: Lock) -> tomlkit.TOMLDocument:
    document = tomlkit.document()
    for key, value in _plain(lock).items():
        document.add(key, _item(key, value))
    return document


def _item(key: str, value: object) -> items.Item:
    if isinstance(value, dict):
        if key in _SUPER_TABLES or key in _TABLES:
            table = tomlkit.table(is_super_table=key in _SUPER_TABLES)
            for name, inner in value.items():
                table.add(name, _item(name, inner))
            return table
        inline = tomlkit.inline_table()
        for name, inner in value.items():
            inline.add(name, _item(name, inner))
        return inline
    if isinstance(value, list):
        if key in _TABLE_ARRAYS and value:
            blocks = tomlkit.aot()
            for entry in value:
                table = tomlkit.table()
                for name, inner in entry.items():
                    table.add(name, _item(name, inner))
                blocks.append(table)
            return blocks
        # An empty array of tables would print nothing, and `packages` is a required key.
        array = tomlkit.array()
        for entry in value:
            array.append(_item("", entry))
        return array.multiline(key in _MULTILINE)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime):
        return _datetime(value)
    return tomlkit.item(value)


def _string(text: str) -> items.String:
    # Markers printed with double quotes read better as literal strings than with every quote
    # escaped; a literal string cannot hold a single quote or a control character.
    literal = '"' in text and "'" not in text and text.isprintable()
    return tomlkit.string(text, literal=literal)


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
