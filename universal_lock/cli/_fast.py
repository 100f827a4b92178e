"""``ulock lock``, ``ulock sync`` and ``ulock --version`` parsed without typer, in their
plainest spellings.

Importing typer and building its command tree costs ~50 ms of CPU, more than
``ulock lock --check`` costs otherwise, a sixth of a small ``ulock lock`` and of a small
``ulock sync``. :func:`fast_command` recognises only the plainest spellings: ``--version``
alone, or ``lock`` / ``sync`` followed by options each written once as its own argument
(flags; options with a value, the value a separate argument not starting with ``-``; the
repeatable ones may come again). Anything else (``--help``, ``--directory=DIR``, an option
given twice, a typo) goes to typer, which parses it into the same
:class:`~.lock_run.LockRequest` / :class:`~universal_lock.operations.sync.SyncOptions` or
explains the mistake. ``tests/integration/test_cli_fast.py`` holds the two parsers to the same
requests.
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

# `ulock sync`: flag -> SyncOptions field (--no-editable is read as editable=False below).
_SYNC_FLAGS = {
    "--all-extras": "all_extras",
    "--all-groups": "all_groups",
    "--no-default-groups": "no_default_groups",
    "--no-editable": "no_editable",
    "--dry-run": "dry_run",
    "--locked": "locked",
    "--frozen": "frozen",
    "--offline": "offline",
}
_SYNC_PATHS = {"--directory": "directory", "--venv": "venv", "--cache-dir": "cache_dir"}
_SYNC_TEXTS = {"--python-platform": "python_platform"}
_SYNC_REPEATED = {"--extra": "extras", "--group": "groups"}


def fast_command(argv: list[str]) -> Callable[[], int] | None:
    """The command ``argv`` asks for, if it is one answered here; else ``None`` (typer's)."""
    if argv == ["--version"]:
        return _print_version
    if argv and argv[0] == "sync":
        return _sync_command(argv[1:])
    if not argv or argv[0] != "lock":
        return None
    request = _lock_request(argv[1:])
    if request is None:
        return None
    return lambda: lock_run.run_lock(request)


def _sync_command(arguments: list[str]) -> Callable[[], int] | None:
    flags: set[str] = set()
    paths: dict[str, Path] = {}
    texts: dict[str, str] = {}
    repeated: dict[str, list[str]] = {field: [] for field in _SYNC_REPEATED.values()}
    rest = list(arguments)
    while rest:
        option = rest.pop(0)
        if option in _SYNC_FLAGS and _SYNC_FLAGS[option] not in flags:
            flags.add(_SYNC_FLAGS[option])
            continue
        if option not in _SYNC_PATHS and option not in _SYNC_TEXTS and option not in _SYNC_REPEATED:
            return None
        if not rest or rest[0].startswith("-"):
            return None  # as for lock: typer judges a value that looks like an option
        value = rest.pop(0)
        if option in _SYNC_REPEATED:
            repeated[_SYNC_REPEATED[option]].append(value)
        elif option in _SYNC_TEXTS and _SYNC_TEXTS[option] not in texts:
            texts[_SYNC_TEXTS[option]] = value
        elif option in _SYNC_PATHS and _SYNC_PATHS[option] not in paths:
            if os.path.lexists(value) and not os.access(value, os.R_OK):
                return None  # typer's `readable` check words this
            paths[_SYNC_PATHS[option]] = Path(value)
        else:
            return None  # given twice
    return lambda: _run_sync(flags, paths, texts, repeated)


def _run_sync(
    flags: set[str], paths: dict[str, Path], texts: dict[str, str], repeated: dict[str, list[str]]
) -> int:
    from universal_lock.cli.sync_run import run_sync
    from universal_lock.operations.sync import SyncOptions

    options = SyncOptions(
        directory=paths.get("directory", Path()),
        venv=paths.get("venv"),
        extras=tuple(repeated["extras"]),
        all_extras="all_extras" in flags,
        groups=tuple(repeated["groups"]),
        all_groups="all_groups" in flags,
        no_default_groups="no_default_groups" in flags,
        editable="no_editable" not in flags,
        dry_run="dry_run" in flags,
        locked="locked" in flags,
        frozen="frozen" in flags,
        offline="offline" in flags,
        cache_dir=paths.get("cache_dir"),
        python_platform=texts.get("python_platform"),
    )
    return run_sync(options)


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
