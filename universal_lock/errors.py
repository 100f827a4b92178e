"""The one error root of ulock, and the few subclasses that carry data.

Errors carry facts; the command line turns them into words and exit codes. A
subclass exists only where code needs to tell it apart or where it carries data
(a location in a file, a derivation tree). Messages never contain credentials:
code that builds one from a URL must strip userinfo first.
"""

from __future__ import annotations

from pathlib import Path


class UlockError(Exception):
    """Something the user has to know about; ``exit_code`` is what the CLI returns.

    ``message`` is one or more sentences saying what went wrong; ``hint`` says
    what to do about it, and is printed after a blank line as ``hint: ...``.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n\nhint: {self.hint}"
        return self.message


class InputError(UlockError):
    """Bad input or usage: exit code 2. Names the file, and the key or line, when known.

    ``key`` is a dotted path inside the file (``tool.ulock.sources.torch[1].index``);
    ``line`` is 1-based.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        key: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = _location(path, key, line)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.path = None if path is None else Path(path)
        self.key = key
        self.line = line


class InvalidRequirementData(InputError):
    """A version, specifier, requirement or marker string that does not parse.

    ``package`` names the package whose data held the string (when known) and
    ``value`` is the string itself, quoted in the message.
    """

    def __init__(
        self,
        kind: str,
        value: str,
        *,
        package: str | None = None,
        detail: str | None = None,
        path: Path | str | None = None,
        key: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        owner = f" of `{package}`" if package else ""
        text = f"invalid {kind}{owner}: {value!r}"
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text, path=path, key=key, line=line, hint=hint)
        self.kind = kind
        self.value = value
        self.package = package


class Interrupted(UlockError):
    """The user pressed Ctrl-C; exit code 130."""

    exit_code = 130


class FilesystemError(UlockError):
    """A file or directory ulock needs could not be read or written (exit code 1).

    Made from the ``OSError`` at the command line's edge, so a cache directory that is a
    file, a full disk or a read-only output directory is one ``error:`` line, not a traceback.
    """

    @classmethod
    def from_os_error(cls, error: OSError) -> FilesystemError:
        reason = error.strerror or type(error).__name__
        paths = [str(name) for name in (error.filename, error.filename2) if name is not None]
        where = " -> ".join(f"`{path}`" for path in paths)
        return cls(
            f"{reason}: {where}" if where else str(error) or reason,
            hint=(
                "check that the path exists, is a directory where one is needed, and is "
                "writable (the cache directory is chosen with --cache-dir or ULOCK_CACHE_DIR)"
            ),
        )


def _location(path: Path | str | None, key: str | None, line: int | None) -> str:
    parts: list[str] = []
    if path is not None:
        parts.append(f"`{path}`" if line is None else f"`{path}` line {line}")
    elif line is not None:
        parts.append(f"line {line}")
    if key:
        parts.append(f"key `{key}`")
    return ", ".join(parts)
