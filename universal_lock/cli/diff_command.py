"""``ulock diff``: compare two locks and print the meaning of the change (stdout).

Also ``--textconv FILE``: one lock rendered for ``git diff``'s textconv driver.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from universal_lock.cli.relock import row_style


class DiffFormat(StrEnum):
    """What ``--format`` accepts."""

    text = "text"
    markdown = "markdown"
    json = "json"


def diff_command(
    old: Annotated[
        str | None,
        typer.Argument(help="Old lock: a path, a git revision, or REV:PATH (default: HEAD)."),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(help="New lock: a path, a git revision, or REV:PATH (default: the file)."),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="Output format.", case_sensitive=False)
    ] = DiffFormat.text,
    directory: Annotated[
        Path, typer.Option("--directory", help="The project directory (holds pylock.toml).")
    ] = Path(),
    textconv: Annotated[
        Path | None,
        typer.Option(
            "--textconv",
            help="Print one lock as readable text (for a git textconv diff driver).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Show what changed between two lockfiles: versions, sources, platforms, hashes."""
    if textconv is not None:
        if old is not None or new is not None:
            from universal_lock.errors import InputError

            raise InputError("`--textconv` takes one file and no OLD or NEW argument")
        _print_textconv(textconv)
        return

    from universal_lock.lockfile.diff_render import (
        render_json,
        render_markdown,
        text_rows,
    )
    from universal_lock.operations.diff import diff

    outcome = diff(old, new, directory=directory)
    if output_format is DiffFormat.json:
        sys.stdout.write(render_json(outcome.diff))
    elif output_format is DiffFormat.markdown:
        sys.stdout.write(render_markdown(outcome.diff))
    else:
        from rich.console import Console

        console = Console(no_color="NO_COLOR" in os.environ, highlight=False)
        for row in text_rows(outcome.diff):
            console.print(row.text, style=row_style(row.style), markup=False, soft_wrap=True)


def _print_textconv(path: Path) -> None:
    from universal_lock.errors import InputError
    from universal_lock.lockfile import read_lock
    from universal_lock.lockfile.diff_render import render_lock_text

    try:
        lock = read_lock(path)
    except InputError as error:
        if not path.is_file():
            raise
        # git shows whatever textconv prints; an unreadable lock (say, with conflict markers)
        # is still worth seeing, so it is shown as it is, with the reason on stderr.
        from universal_lock.cli.output import stderr_console

        stderr_console().print(f"warning: {error.message}; showing the file as it is")
        sys.stdout.write(path.read_text(encoding="utf-8", errors="replace"))
        return
    sys.stdout.write(render_lock_text(lock))
