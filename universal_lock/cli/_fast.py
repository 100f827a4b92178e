"""``ulock lock`` and ``ulock --version`` parsed without typer, in their plainest spellings.

Importing typer and building its command tree costs ~50 ms of CPU, more than
``ulock lock --check`` costs otherwise and a sixth of a small ``ulock lock``.
:func:`fast_command` recognises only the plainest spellings: ``--version`` alone, or ``lock``
followed by options each written once as its own argument (``--check``, ``--upgrade``,
``--offline``; ``--directory DIR``, ``-o``/``--output FILE``, ``--cache-dir DIR``, each value
a separate argument not starting with ``-``; ``--upgrade-package NAME``, repeatable). Anything
else (``--help``, ``--directory=DIR``, an option given twice, a typo) goes to typer, which
parses it into the same :class:`~.lock_run.LockRequest` or explains the mistake.
``tests/integration/test_cli_fast.py`` holds the two parsers to the same requests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from universal_lock.cli import lock_run

_FLAGS = {"--check": "check", "--upgrade": "upgrade", "--offline": "offline"}
_PATHS = {
    "--directory": "directory",
    "-o": "output",
    "--output": "output",
    "--cache-dir": "cache_dir",
}
_REPEATED = {"--upgrade-package": "upgrade_packages"}


def fast_command(argv: list[str]) -> Callable[[], int] | None:
    """The command ``argv`` asks for, if it is one answered here; else ``None`` (typer's)."""
    if argv == ["--version"]:
        return _print_version
    if not argv or argv[0] != "lock":
        return None
    request = _lock_request(argv[1:])
    if request is None:
        return None
    return lambda: lock_run.run_lock(request)


def _lock_request(arguments: list[str]) -> lock_run.LockRequest | None:
    flags: set[str] = set()
    paths: dict[str, Path] = {}
    packages: list[str] = []
    rest = list(arguments)
    while rest:
        option = rest.pop(0)
        if option in _FLAGS and _FLAGS[option] not in flags:
            flags.add(_FLAGS[option])
            continue
        if option not in _PATHS and option not in _REPEATED:
            return None
        # typer takes the next argument as the value; one that looks like an option is left
        # to typer to judge, as is an existing path it may not read (its `readable` check).
        if not rest or rest[0].startswith("-"):
            return None
        value = rest.pop(0)
        if option in _REPEATED:
            packages.append(value)
            continue
        path = Path(value)
        if _PATHS[option] in paths or (os.path.lexists(path) and not os.access(path, os.R_OK)):
            return None
        paths[_PATHS[option]] = path
    return lock_run.LockRequest(
        directory=paths.get("directory", Path()),
        output=paths.get("output"),
        check="check" in flags,
        upgrade="upgrade" in flags,
        upgrade_packages=tuple(packages),
        offline="offline" in flags,
        cache_dir=paths.get("cache_dir"),
    )


def version_line() -> str:
    """What ``ulock --version`` prints."""
    from universal_lock import __version__

    return f"ulock {__version__}"


def _print_version() -> int:
    print(version_line())
    return 0
