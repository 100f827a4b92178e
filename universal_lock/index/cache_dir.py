"""Where ulock keeps its cache when nobody says otherwise.

Order: ``--cache-dir`` (passed in), ``$ULOCK_CACHE_DIR``, then the platform's user cache
directory: ``$XDG_CACHE_HOME/ulock`` or ``~/.cache/ulock`` on Linux and other Unixes,
``~/Library/Caches/ulock`` on macOS, ``%LOCALAPPDATA%\\ulock\\Cache`` on Windows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def resolve_cache_dir(
    explicit: Path | str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> Path:
    """Decide the cache directory. ``environ``, ``platform`` and ``home`` exist for tests."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    if env.get("ULOCK_CACHE_DIR"):
        return Path(env["ULOCK_CACHE_DIR"]).expanduser()
    user_home = Path.home() if home is None else home
    if plat == "win32":
        local = env.get("LOCALAPPDATA")
        base = Path(local) if local else user_home / "AppData" / "Local"
        return base / "ulock" / "Cache"
    if plat == "darwin":
        return user_home / "Library" / "Caches" / "ulock"
    xdg = env.get("XDG_CACHE_HOME")
    # The XDG spec says relative paths are invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "ulock"
    return user_home / ".cache" / "ulock"
