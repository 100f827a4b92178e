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
        text = lock_path(directory, output).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    recorded = _recorded_fingerprint(text)
    return isinstance(recorded, str) and recorded == fingerprint_file(directory)


def _recorded_fingerprint(text: str) -> object:
    """``tool.ulock.input-fingerprint``. ulock writes ``[tool.ulock]`` after every entry, so
    only that table is parsed (a large lock takes 0.1 s to parse whole); any other layout
    (a hand-edited lock) is parsed whole."""
    start = text.rfind("\n[tool.ulock]\n")
    if start != -1:
        end = text.find("\n[[tool.ulock.build-packages]]", start)
        try:
            table = tomllib.loads(text[start : end if end != -1 else len(text)])
        except tomllib.TOMLDecodeError:
            pass
        else:
            found = table.get("tool", {}).get("ulock", {}).get("input-fingerprint")
            if found is not None:
                return found
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return data.get("tool", {}).get("ulock", {}).get("input-fingerprint")
