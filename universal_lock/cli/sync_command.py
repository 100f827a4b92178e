"""``ulock sync``: options, the plan on stdout for ``--dry-run``, and the outcome in words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from universal_lock.cli.output import progress_reporter, stderr_console


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
    from universal_lock.operations.sync import SyncOptions, sync

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
    console = stderr_console()
    with progress_reporter(console) as report:
        outcome = sync(options, progress=report)
    if outcome.relocked is not None and outcome.relocked.changed:
        console.print(f"wrote `{outcome.relocked.path}`", markup=False)
    if dry_run:
        for line in outcome.plan.lines():
            typer.echo(line)
        where = python_platform or f"Python {outcome.python_version}"
        count = len(outcome.plan.actions)
        console.print(f"would make {count} changes for {where} (dry run)", markup=False)
        return
    if outcome.created_venv:
        console.print(
            f"created `{outcome.venv}` with Python {outcome.python_version}", markup=False
        )
    if outcome.plan.is_empty:
        console.print(
            f"`{outcome.venv}` already matches the lock ({len(outcome.plan.unchanged)} packages)",
            markup=False,
        )
        return
    for line in outcome.plan.lines():
        console.print(line, markup=False)
    for message in outcome.notes:
        console.print(f"note: {message}", markup=False)
    console.print(f"synced `{outcome.venv}`: {len(outcome.plan.actions)} changes", markup=False)
