"""The ``ulock`` command line: the only layer that prints.

Commands are thin: they parse options, call one operation, and render its result
or its error. Heavy modules are imported inside the command functions, and ``main`` runs
the plain spellings of ``ulock lock`` (``--check`` included) and ``ulock --version`` without
importing typer (``_fast``). The typer app lives in ``commands`` and parses every other
command line.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any

from universal_lock.errors import FilesystemError, Interrupted, UlockError

if TYPE_CHECKING:
    from universal_lock.cli.commands import app

__all__ = ["app", "main", "report_error"]


def __getattr__(name: str) -> Any:
    # The typer app is built only for a command line that needs typer (see `main`).
    if name == "app":
        from universal_lock.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def report_error(error: UlockError) -> None:
    """Print ``error`` to stderr the way every command does: ``error: ...`` then hints."""
    from rich.markup import escape

    from universal_lock.cli.output import stderr_console

    # Messages quote TOML (`[[tool.ulock.index]]`) and markers: never read them as markup.
    console = stderr_console()
    console.print(f"[bold red]error[/]: {escape(error.message)}", soft_wrap=True)
    if error.hint:
        console.print(f"\n[bold cyan]hint[/]: {escape(error.hint)}", soft_wrap=True)


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
    from universal_lock.cli._fast import fast_command

    fast = fast_command(sys.argv[1:] if argv is None else argv)
    try:
        if fast is None:
            _run_typer(argv)
            return
        code = fast()
    except UlockError as error:
        report_error(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        report_error(Interrupted("interrupted"))
        sys.exit(Interrupted.exit_code)
    except OSError as error:
        # Operations turn the failures they expect into UlockErrors; a filesystem error
        # left over (the cache directory is a file, the disk is full) is still the user's
        # to fix, and says which path.
        failure = FilesystemError.from_os_error(error)
        report_error(failure)
        sys.exit(failure.exit_code)
    if code:
        sys.exit(code)


def _run_typer(argv: list[str] | None) -> None:
    import typer
    from typer.main import get_command

    from universal_lock.cli._coercion import use_plain_coercion
    from universal_lock.cli.commands import app

    # What `app(...)` does, less typer's traceback hook (off here) and its pydantic adapters.
    command = get_command(app)
    use_plain_coercion(command)
    try:
        command.main(args=argv, standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        report_error(Interrupted("interrupted"))
        sys.exit(Interrupted.exit_code)
    except (UlockError, KeyboardInterrupt, OSError):
        raise
    except Exception as error:
        # typer's bundled click raises usage errors that know how to show themselves
        # (exit code 2) and the no-arguments help screen; anything else is a bug.
        show = getattr(error, "show", None)
        exit_code = getattr(error, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
