"""Turn a ``Lock`` into ``pylock.toml`` text, and put that text on disk atomically.

The layout is fixed so that the same lock always gives the same bytes and a change to one
package changes only that package's lines: keys in the order PEP 751 lists them, one
``[[packages]]`` table per entry (the model keeps entries sorted), wheels as a multi-line array
with one inline table per line, marker lists one marker a line, ``upload-time`` as a TOML
datetime in UTC ending in ``Z``. Empty keys are left out.

Two steps: ``_plain`` maps the model to plain values with keys in order (that is also
``as_dict``, which selection and validation use), then ``_render`` writes those values as TOML
text directly, with its own string escaper (the layout is fixed, so a TOML library's document
model would only cost time; the tests prove the bytes equal the tomlkit layout used before).
The model keeps every set sorted, so nothing here depends on the order in which callers built
the lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    return _render(lock)


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
# tables are [headers] rather than inline. Everything else is inline. In every table of the lock
# the plain values come before these sections, so a table is its `key = value` lines followed by
# its sections, each after one blank line.
_MULTILINE = frozenset({"environments", "fork-markers", "conflicts", "wheels", "build-requires"})
_TABLE_ARRAYS = frozenset({"packages", "build-packages"})
_TABLES = frozenset({"ulock"})
_SUPER_TABLES = frozenset({"tool"})
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# TOML basic strings: the short escapes where TOML has one, \uXXXX for the other control
# characters (DEL included); everything else, non-ASCII too, is written as it is.
_ESCAPES = {
    **{chr(code): f"\\u{code:04x}" for code in range(0x20)},
    "\x7f": "\\u007f",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _render(lock: Lock) -> str:
    # Written directly rather than through tomlkit: the layout is fixed, and building a tomlkit
    # document for a few hundred packages took most of a warm lock's writing time. The tests
    # compare these bytes with the tomlkit layout this replaced.
    lines: list[str] = []
    _table_body(lines, _plain(lock), ())
    return "\n".join(lines) + "\n"


def _table_body(lines: list[str], table: dict[str, Any], path: tuple[str, ...]) -> None:
    sections: list[tuple[str, Any]] = []
    for key, value in table.items():
        if _is_section(key, value):
            sections.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(key, value)}")
    # A blank line comes before every header, except right after the header of a table that
    # has no values of its own (tomlkit's layout, which the format keeps).
    blank = len(sections) < len(table)
    for key, value in sections:
        _section(lines, key, value, path, blank=blank)
        blank = True


def _is_section(key: str, value: object) -> bool:
    if isinstance(value, dict):
        return key in _SUPER_TABLES or key in _TABLES
    # An empty array of tables would print nothing, and `packages` is a required key.
    return isinstance(value, list) and key in _TABLE_ARRAYS and bool(value)


def _section(lines: list[str], key: str, value: Any, path: tuple[str, ...], *, blank: bool) -> None:
    inner = (*path, _key(key))
    if key in _SUPER_TABLES:
        # A super table has no header of its own: only its sub-tables do.
        for name, child in value.items():
            _section(lines, name, child, inner, blank=blank)
            blank = True
    elif key in _TABLE_ARRAYS:
        for entry in value:
            lines.extend(("", f"[[{'.'.join(inner)}]]") if blank else (f"[[{'.'.join(inner)}]]",))
            _table_body(lines, entry, inner)
            blank = True
    else:
        lines.extend(("", f"[{'.'.join(inner)}]") if blank else (f"[{'.'.join(inner)}]",))
        _table_body(lines, value, inner)


def _value(key: str, value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _datetime(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(k, v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        if key in _MULTILINE and value:
            return "[\n" + "".join(f"    {_value('', entry)},\n" for entry in value) + "]"
        return "[" + ", ".join(_value("", entry) for entry in value) + "]"
    raise TypeError(f"no TOML layout for {type(value).__name__}")  # pragma: no cover - a bug


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else f'"{_escape(key)}"'


def _string(text: str) -> str:
    # Markers printed with double quotes read better as literal strings than with every quote
    # escaped; a literal string cannot hold a single quote or a control character.
    if '"' in text and "'" not in text and text.isprintable():
        return f"'{text}'"
    return f'"{_escape(text)}"'


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)


def _datetime(value: datetime) -> str:
    # PEP 751 examples and most tools write UTC as "Z", not "+00:00".
    utc = value.astimezone(UTC)
    raw = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        raw += f".{utc.microsecond:06d}"
    return raw + "Z"
