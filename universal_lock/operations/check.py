"""``ulock lock --check``: is the lock current? Fingerprints only, so it stays cheap.

Kept apart from ``operations.lock`` so that the check, which every CI run pays, imports
neither the resolver nor the index client (aiohttp alone costs more than the whole check).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from universal_lock.project import fingerprint_file

LOCK_NAME = "pylock.toml"


def lock_path(directory: Path, output: Path | None) -> Path:
    """Where the lock lives: ``-o FILE``, else ``DIR/pylock.toml``."""
    return output if output is not None else directory / LOCK_NAME


def is_current(directory: Path, output: Path | None = None) -> bool:
    """True when the lock exists and was made from the current inputs (no index is asked)."""
    try:
        with lock_path(directory, output).open("rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError):
        return False
    recorded = data.get("tool", {}).get("ulock", {}).get("input-fingerprint")
    return isinstance(recorded, str) and recorded == fingerprint_file(directory)
