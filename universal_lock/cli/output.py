"""Consoles and progress for the commands: stderr for people, NO_COLOR honoured, bars on a TTY.

rich is imported when a console is first made, not when a command module is imported, so a
command that prints nothing through rich (``ulock lock --check``) does not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def stderr_console() -> Console:
    """The console for messages and progress (never data).

    Lines are never wrapped (a path or a marker cut at 80 columns in a CI log reads as two
    lines) and nothing is highlighted; messages that carry paths or names print without
    markup, so a ``[`` in them is text.
    """
    from rich.console import Console

    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)


@contextmanager
def progress_reporter(console: Console) -> Iterator[Callable[[str], None]]:
    """A callback showing the latest activity as a spinner, only when stderr is a terminal."""
    if not console.is_terminal:
        yield lambda _message: None
        return
    with console.status("resolving") as status:
        yield status.update
