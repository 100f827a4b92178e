"""``ulock lock``: its options for typer; the work is :func:`.lock_run.run_lock`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def lock_command(  # noqa: PLR0917 - typer maps each parameter to an option
    directory: Annotated[
        Path, typer.Option("--directory", help="The project directory (holds pyproject.toml).")
    ] = Path(),
    upgrade: Annotated[
        bool, typer.Option("--upgrade", help="Ignore the versions in the existing lock.")
    ] = False,
    upgrade_package: Annotated[
        list[str] | None,
        typer.Option("--upgrade-package", help="Let this package move (repeatable)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 if the lock is missing or stale."),
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use the cache only.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Cache directory (else $ULOCK_CACHE_DIR).", envvar=None),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the lock here.")
    ] = None,
) -> None:
    """Resolve the project for every environment it supports and write pylock.toml."""
    from universal_lock.cli.lock_run import LockRequest, run_lock

    # The plainest spellings are parsed by `cli._fast` before typer starts, into the same request.
    request = LockRequest(
        directory=directory,
        output=output,
        check=check,
        upgrade=upgrade,
        upgrade_packages=tuple(upgrade_package or ()),
        offline=offline,
        cache_dir=cache_dir,
    )
    code = run_lock(request)
    if code:
        sys.exit(code)
