"""What ``ulock sync`` does once its options are known: run the sync and say what happened.

The typer command (:mod:`.sync_command`) and the fast path (:mod:`._fast`) both parse the
command line into one :class:`~universal_lock.operations.sync.SyncOptions` and call
:func:`run_sync`, so they print the same. rich is loaded only when stderr is a terminal (for
the spinner): otherwise every message is a plain line, which is what rich would print there
(no markup, no wrapping), without its ~20 ms import.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from universal_lock.operations.sync import SyncOptions

Say = Callable[[str], None]


def run_sync(options: SyncOptions) -> int:
    """Run ``ulock sync`` as asked; the exit code (errors are raised as ``UlockError``)."""
    from universal_lock.operations.sync import sync

    with _reporting() as (say, report):
        outcome = sync(options, progress=report)
    if outcome.relocked is not None and outcome.relocked.changed:
        say(f"wrote `{outcome.relocked.path}`")
    if options.dry_run:
        # The plan is the command's data: stdout, one line each.
        sys.stdout.write("".join(f"{line}\n" for line in outcome.plan.lines()))
        sys.stdout.flush()
        where = options.python_platform or f"Python {outcome.python_version}"
        say(f"would make {len(outcome.plan.actions)} changes for {where} (dry run)")
        return 0
    if outcome.created_venv:
        say(f"created `{outcome.venv}` with Python {outcome.python_version}")
    if outcome.plan.is_empty:
        count = len(outcome.plan.unchanged)
        say(f"`{outcome.venv}` already matches the lock ({count} packages)")
        return 0
    for line in outcome.plan.lines():
        say(line)
    for message in outcome.notes:
        say(f"note: {message}")
    say(f"synced `{outcome.venv}`: {len(outcome.plan.actions)} changes")
    return 0


@contextmanager
def _reporting() -> Iterator[tuple[Say, Callable[[str], None]]]:
    """(print a message line on stderr, report progress): rich and a spinner on a terminal,
    plain lines and no progress otherwise."""
    if not sys.stderr.isatty():
        yield _plain, _ignore
        return
    from universal_lock.cli.output import progress_reporter, stderr_console

    console = stderr_console()

    def say(message: str) -> None:
        console.print(message, markup=False, emoji=False)

    with progress_reporter(console) as report:
        yield say, report


def _plain(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ignore(_message: str) -> None:
    pass
