"""Run the ``ulock`` command line in-process, the way the console script does, for tests."""

from __future__ import annotations

from universal_lock.cli import main


def run_ulock(*args: str) -> int:
    """``ulock ARGS...``; returns the exit code (output goes to the captured stdout/stderr)."""
    try:
        main(list(args))
    except SystemExit as done:
        return int(done.code or 0)
    return 0
