"""The ``ulock`` command line: the only layer that prints.

Commands are thin: they parse options, call one operation, and render its result
or its error. Heavy modules are imported inside the command functions so that
``ulock --help`` and ``ulock lock --check`` start fast.
"""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from universal_lock.cli.diff_command import diff_command
from universal_lock.cli.lock_command import lock_command
from universal_lock.cli.sync_command import sync_command
from universal_lock.errors import Interrupted, UlockError

app = typer.Typer(
    name="ulock",
    help="One PEP 751 lockfile that is right on every platform your project supports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from universal_lock import __version__

        typer.echo(f"ulock {__version__}")
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


def report_error(error: UlockError) -> None:
    """Print ``error`` to stderr the way every command does: ``error: ...`` then hints."""
    from rich.markup import escape

    from universal_lock.cli.output import stderr_console

    # Messages quote TOML (`[[tool.ulock.index]]`) and markers: never read them as markup.
    console = stderr_console()
    console.print(f"[bold red]error[/]: {escape(error.message)}", soft_wrap=True)
    if error.hint:
        console.print(f"\n[bold cyan]hint[/]: {escape(error.hint)}", soft_wrap=True)


app.command("lock")(lock_command)
app.command("sync")(sync_command)
app.command("diff")(diff_command)


# A lock keeps hundreds of thousands of objects alive to the end (one per file an index lists),
# and with the default thresholds the cycle collector scans them again and again: 10-15% of a
# warm lock's CPU (medium 1.76 -> 1.58 s, large 2.83 -> 2.3 s, same peak memory). Nothing in
# ulock relies on cycles being collected promptly.
_GC_THRESHOLDS = (100_000, 50, 1_000)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ulock`` script: run the app and map errors to exit codes."""
    previous = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        _run(argv)
    finally:
        # Restored for callers that run commands in-process (the tests).
        gc.set_threshold(*previous)


def _run(argv: list[str] | None) -> None:
    from typer.main import get_command

    from universal_lock.cli._coercion import use_plain_coercion

    # What `app(...)` does, less typer's traceback hook (off here) and its pydantic adapters.
    command = get_command(app)
    use_plain_coercion(command)
    try:
        command.main(args=argv, standalone_mode=False)
    except UlockError as error:
        report_error(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        report_error(Interrupted("interrupted"))
        sys.exit(Interrupted.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        report_error(Interrupted("interrupted"))
        sys.exit(Interrupted.exit_code)
    except Exception as error:
        # typer's bundled click raises usage errors that know how to show themselves
        # (exit code 2) and the no-arguments help screen; anything else is a bug.
        show = getattr(error, "show", None)
        exit_code = getattr(error, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
