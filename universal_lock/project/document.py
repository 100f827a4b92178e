"""Reading ``pyproject.toml``: the parsed table, and errors that point into the file.

A :class:`PyprojectDocument` keeps the file's text next to the parsed data so that
every error about a key can name the key's dotted path and the line it is on.
Invalid TOML becomes an :class:`~universal_lock.errors.InputError` with tomllib's
line and column. This module imports only the standard library and our errors,
so the fingerprint path (``ulock lock --check``) stays cheap.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from universal_lock.errors import InputError, InvalidRequirementData

KeyPath = tuple[str | int, ...]

PYPROJECT = "pyproject.toml"

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_USERINFO = re.compile(r"(?<=://)[^/@\s'\"]*@")


def redact_credentials(text: str, *, mask: str = "***@") -> str:
    """``text`` with the user name and password of every URL in it replaced by ``mask``."""
    return _USERINFO.sub(mask, text)


def format_key(path: KeyPath) -> str:
    """A key path as text: ``("tool", "index", 1, "url")`` -> ``tool.index[1].url``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part if _BARE_KEY.fullmatch(part) else f'"{part}"'
            text += f".{shown}" if text else shown
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class PyprojectDocument:
    """One ``pyproject.toml``: where it is, its text, and the tables ``tomllib`` read."""

    path: Path
    text: str
    data: dict[str, Any]
    _lines: dict[KeyPath, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def directory(self) -> Path:
        return self.path.parent

    def line_of(self, path: KeyPath) -> int | None:
        """The line where ``path`` (or its nearest written ancestor) is, if known."""
        if not self._lines:
            from universal_lock.project._locate import key_lines

            try:
                self._lines.update(key_lines(self.text))
            except (ValueError, IndexError):  # pragma: no cover - tomllib accepted the text
                return None
        for depth in range(len(path), 0, -1):
            line = self._lines.get(path[:depth])
            if line is not None:
                return line
        return None

    def error(self, path: KeyPath, message: str, *, hint: str | None = None) -> InputError:
        """An :class:`InputError` about the value at ``path`` (credentials redacted)."""
        return InputError(
            redact_credentials(message),
            path=self.path,
            key=format_key(path),
            line=self.line_of(path),
            hint=None if hint is None else redact_credentials(hint),
        )

    def invalid(
        self,
        path: KeyPath,
        kind: str,
        value: str,
        *,
        detail: str | None = None,
        hint: str | None = None,
    ) -> InvalidRequirementData:
        """An :class:`InvalidRequirementData` quoting ``value`` found at ``path``."""
        return InvalidRequirementData(
            kind,
            redact_credentials(value),
            detail=detail,
            path=self.path,
            key=format_key(path),
            line=self.line_of(path),
            hint=hint,
        )


def pyproject_path(directory: Path) -> Path:
    """The ``pyproject.toml`` of a project directory (or ``directory`` itself if it is a file)."""
    return directory if directory.is_file() else directory / PYPROJECT


def read_pyproject(directory: Path) -> PyprojectDocument:
    """Read and parse ``directory/pyproject.toml``; raise :class:`InputError` if unusable."""
    path = pyproject_path(directory)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"no `{PYPROJECT}` in `{path.parent}`",
            hint="run ulock in a project directory, or pass `--directory DIR`",
        ) from None
    except OSError as error:
        raise InputError(f"cannot read `{path}`: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            "the file is not valid UTF-8", path=path, line=line, hint="save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, text, error) from None
    return PyprojectDocument(path=path, text=text, data=data)


def _toml_error(path: Path, text: str, error: tomllib.TOMLDecodeError) -> InputError:
    message = str(error)
    position = _TOML_POSITION.search(message)
    if position is not None:
        line, column = int(position.group(1)), int(position.group(2))
        reason = message[: position.start()]
        hint = f"fix the TOML syntax at line {line}, column {column}"
    else:
        line = text.count("\n") + 1
        reason = _TOML_AT_END.sub("", message)
        hint = "the file ends in the middle of a value; close the last string, array or table"
    return InputError(f"invalid TOML: {reason}", path=path, line=line, hint=hint)
