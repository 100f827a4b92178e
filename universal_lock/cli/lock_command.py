"""``ulock lock``: options, progress on a terminal, and the outcome in words."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from universal_lock.cli.output import progress_reporter, stderr_console


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
    if check:
        from universal_lock.cli._fast import run_check

        # Usually answered before typer starts (`cli._fast`); here for the other spellings.
        code = run_check(directory, output)
        if code:
            sys.exit(code)
        return

    console = stderr_console()

    from packaging.utils import canonicalize_name
    from rich.markup import escape

    from universal_lock.operations.lock import LockOptions, lock

    options = LockOptions(
        directory=directory,
        output=output,
        upgrade=upgrade,
        upgrade_packages=frozenset(canonicalize_name(name) for name in upgrade_package or ()),
        offline=offline,
        cache_dir=cache_dir,
    )
    with progress_reporter(console) as report:
        outcome = lock(options, progress=report)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)
    if outcome.changed and outcome.previous is not None:
        from universal_lock.cli.diff_command import report_relock

        report_relock(console, outcome.previous, outcome.lock)
    count = sum(1 for package in outcome.lock.packages if package.version is not None)
    verb = "wrote" if outcome.changed else "unchanged:"
    console.print(f"{verb} `{outcome.path}` ({count} packages)", highlight=False)
