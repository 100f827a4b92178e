"""The typer app: the ``ulock`` group, its ``--version`` option and its three commands.

Imported by :func:`universal_lock.cli.main` for every command line but the plain spellings of
``lock`` and ``--version``, which it parses without typer (see :mod:`._fast`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from universal_lock.cli.diff_command import diff_command
from universal_lock.cli.lock_command import lock_command
from universal_lock.cli.sync_command import sync_command

app = typer.Typer(
    name="ulock",
    help="One PEP 751 lockfile that is right on every platform your project supports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from universal_lock.cli._fast import version_line

        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """One PEP 751 lockfile that is right on every platform your project supports."""


app.command("lock")(lock_command)
app.command("sync")(sync_command)
app.command("diff")(diff_command)
