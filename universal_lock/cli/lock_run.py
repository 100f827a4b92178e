"""What ``ulock lock`` does once its options are known: check the lock, or lock and report.

The typer command (:mod:`.lock_command`) and the fast path (:mod:`._fast`) both parse the
command line into one :class:`LockRequest` and call :func:`run_lock`, so they print the same.
Nothing heavy is imported here until it runs: ``--check`` needs only the fingerprint.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, kw_only=True)
class LockRequest:
    """The options of ``ulock lock``, as given."""

    directory: Path = Path()
    output: Path | None = None
    check: bool = False
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()
    offline: bool = False
    cache_dir: Path | None = None


def run_lock(request: LockRequest) -> int:
    """Run ``ulock lock`` as asked; the exit code (errors are raised as ``UlockError``)."""
    if request.check:
        return run_check(request.directory, request.output)

    from packaging.utils import canonicalize_name
    from rich.markup import escape

    from universal_lock.cli.output import progress_reporter, stderr_console
    from universal_lock.operations.lock import LockOptions, lock

    console = stderr_console()
    options = LockOptions(
        directory=request.directory,
        output=request.output,
        upgrade=request.upgrade,
        upgrade_packages=frozenset(canonicalize_name(name) for name in request.upgrade_packages),
        offline=request.offline,
        cache_dir=request.cache_dir,
    )
    with progress_reporter(console) as report:
        outcome = lock(options, progress=report)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)
    if outcome.changed and outcome.previous is not None:
        from universal_lock.cli.relock import report_relock

        report_relock(console, outcome.previous, outcome.lock)
    count = sum(1 for package in outcome.lock.packages if package.version is not None)
    verb = "wrote" if outcome.changed else "unchanged:"
    console.print(f"{verb} `{outcome.path}` ({count} packages)", markup=False)
    return 0


def run_check(directory: Path, output: Path | None) -> int:
    """``ulock lock --check``: say whether the lock is current; the exit code (0 or 1)."""
    from universal_lock.operations.check import is_current

    # Plain lines without rich: `--check` runs in hooks and CI, where start-up is the cost.
    if is_current(directory, output):
        print("the lock is up to date", file=sys.stderr)
        return 0
    print("the lock is missing or out of date with pyproject.toml", file=sys.stderr)
    return 1
