"""``ulock sync``: its options for typer; the work is :func:`.sync_run.run_sync`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def sync_command(  # noqa: PLR0917 - typer maps each parameter to an option
    directory: Annotated[
        Path, typer.Option("--directory", help="The project directory (holds pylock.toml).")
    ] = Path(),
    venv: Annotated[
        Path | None,
        typer.Option("--venv", help="The virtual environment (default: DIR/.venv)."),
    ] = None,
    extra: Annotated[
        list[str] | None, typer.Option("--extra", help="Install this extra (repeatable).")
    ] = None,
    all_extras: Annotated[bool, typer.Option("--all-extras", help="Install every extra.")] = False,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group", help="Install this dependency group instead of the defaults (repeatable)."
        ),
    ] = None,
    all_groups: Annotated[
        bool, typer.Option("--all-groups", help="Install every dependency group.")
    ] = False,
    no_default_groups: Annotated[
        bool, typer.Option("--no-default-groups", help="Leave out the lock's default groups.")
    ] = False,
    no_editable: Annotated[
        bool, typer.Option("--no-editable", help="Install the project as a regular wheel.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan to stdout; change nothing.")
    ] = False,
    locked: Annotated[
        bool, typer.Option("--locked", help="Fail if the lock is missing or out of date.")
    ] = False,
    frozen: Annotated[
        bool, typer.Option("--frozen", help="Use the lock as it is, even if out of date.")
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use the cache only.")] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache directory (else $ULOCK_CACHE_DIR).")
    ] = None,
    python_platform: Annotated[
        str | None,
        typer.Option(
            "--python-platform",
            help="With --dry-run: plan for this target (e.g. aarch64-unknown-linux-gnu).",
        ),
    ] = None,
) -> None:
    """Make a virtual environment match the lock exactly."""
    from universal_lock.cli.sync_run import run_sync
    from universal_lock.operations.sync import SyncOptions

    # The plain spellings are parsed by `cli._fast` before typer starts, into the same options.
    options = SyncOptions(
        directory=directory,
        venv=venv,
        extras=tuple(extra or ()),
        all_extras=all_extras,
        groups=tuple(group or ()),
        all_groups=all_groups,
        no_default_groups=no_default_groups,
        editable=not no_editable,
        dry_run=dry_run,
        locked=locked,
        frozen=frozen,
        offline=offline,
        cache_dir=cache_dir,
        python_platform=python_platform,
    )
    code = run_sync(options)
    if code:
        sys.exit(code)
