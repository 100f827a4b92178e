"""``ulock lock --check`` and ``ulock --version`` answered without typer.

``lock --check`` runs in pre-commit hooks and CI on every change; importing typer and building
its command tree costs ~40 ms, more than the check itself. :func:`fast_command` recognises
only the plainest spellings of these two command lines (``lock``, ``--check``, and at most
one ``--directory DIR`` and one ``-o``/``--output FILE``, each value a separate argument not
starting with ``-``); anything else, including ``--help``, goes to typer. The check itself
is :func:`run_check`, which the typer command calls too, so both give the same output.
``tests/integration/test_cli_fast.py`` compares the two on the same command lines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

_VALUE_OPTIONS = {"--directory": "directory", "-o": "output", "--output": "output"}


def fast_command(argv: list[str]) -> Callable[[], int] | None:
    """The command ``argv`` asks for, if it is one answered here; else ``None`` (typer's)."""
    if argv == ["--version"]:
        return _print_version
    if not argv or argv[0] != "lock" or "--check" not in argv:
        return None
    values: dict[str, Path] = {}
    rest = argv[1:]
    rest.remove("--check")
    while rest:
        option, *rest = rest
        name = _VALUE_OPTIONS.get(option)
        if name is None or name in values or not rest:
            return None
        value, *rest = rest
        path = Path(value)
        # typer refuses a value that looks like an option, or an existing path it cannot read.
        if value.startswith("-") or (os.path.lexists(path) and not os.access(path, os.R_OK)):
            return None
        values[name] = path
    directory = values.get("directory", Path())
    output = values.get("output")
    return lambda: run_check(directory, output)


def run_check(directory: Path, output: Path | None) -> int:
    """``ulock lock --check``: say whether the lock is current; the exit code (0 or 1)."""
    from universal_lock.operations.check import is_current

    # Plain lines without rich: `--check` runs in hooks and CI, where start-up is the cost.
    if is_current(directory, output):
        print("the lock is up to date", file=sys.stderr)
        return 0
    print("the lock is missing or out of date with pyproject.toml", file=sys.stderr)
    return 1


def version_line() -> str:
    """What ``ulock --version`` prints."""
    from universal_lock import __version__

    return f"ulock {__version__}"


def _print_version() -> int:
    print(version_line())
    return 0
