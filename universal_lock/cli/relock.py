"""Rows of a lock diff on a console: their colours, and what a relock changed (``ulock lock``).

Apart from :mod:`.diff_command` so that ``ulock lock``, which may run without typer, can
report a relock without importing it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from universal_lock.lockfile import Lock

# Colours per row style (a change kind, `lock` or `summary`); anything else is plain.
_STYLES = {
    "added": "green",
    "removed": "red",
    "upgraded": "cyan",
    "downgraded": "yellow",
    "hash-changed": "bold red",
    "source-changed": "magenta",
    "lock": "bold",
    "summary": "bold",
}


def row_style(name: str) -> str | None:
    """The rich style of a row of style ``name``."""
    # NO_COLOR asks for plain text; rich would still send bold, so no style at all.
    return None if "NO_COLOR" in os.environ else _STYLES.get(name)


def report_relock(console: Console, previous: Lock, lock: Lock) -> None:
    """Tell the person who ran ``ulock lock`` what the relock changed (rows, then the summary)."""
    from universal_lock.lockfile.diff import diff_locks
    from universal_lock.lockfile.diff_render import text_rows

    changes = diff_locks(previous, lock)
    if changes.is_empty:
        return
    for row in text_rows(changes):
        if row.text:
            console.print(row.text, style=row_style(row.style), markup=False, soft_wrap=True)
