"""The lockfile: ulock's model of ``pylock.toml`` (PEP 751), its writer, reader and selection.

No network and no resolver here: the resolver builds a ``Lock``, ``render`` / ``write_atomic``
put it on disk, ``read_lock`` reads it back (validated against the standard), and ``select``
says what an installer picks for one environment. See docs/lockfile.md.

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

# `select` is also the name of a submodule: importing the submodule (from anywhere) sets this
# package's `select` to the module, so the function is bound here, after it, as before.
from universal_lock.lockfile.select import select

if TYPE_CHECKING:
    from universal_lock.lockfile.build_select import (
        applying_pins,
        select_build_environment,
        unmet_requirements,
    )
    from universal_lock.lockfile.model import (
        LOCK_VERSION,
        BuildPin,
        ConflictMember,
        Lock,
        LockedArchive,
        LockedDirectory,
        LockedFile,
        LockedPackage,
        LockedVcs,
        strip_userinfo,
    )
    from universal_lock.lockfile.reader import parse_lock, read_lock, read_lock_if_present
    from universal_lock.lockfile.select import (
        ENVIRONMENT_KEYS,
        LockSelector,
        Selected,
        SelectionError,
        select_packages,
    )
    from universal_lock.lockfile.writer import as_dict, render, write_atomic

_EXPORTS = {
    "applying_pins": "universal_lock.lockfile.build_select",
    "select_build_environment": "universal_lock.lockfile.build_select",
    "unmet_requirements": "universal_lock.lockfile.build_select",
    "LOCK_VERSION": "universal_lock.lockfile.model",
    "BuildPin": "universal_lock.lockfile.model",
    "ConflictMember": "universal_lock.lockfile.model",
    "Lock": "universal_lock.lockfile.model",
    "LockedArchive": "universal_lock.lockfile.model",
    "LockedDirectory": "universal_lock.lockfile.model",
    "LockedFile": "universal_lock.lockfile.model",
    "LockedPackage": "universal_lock.lockfile.model",
    "LockedVcs": "universal_lock.lockfile.model",
    "strip_userinfo": "universal_lock.lockfile.model",
    "parse_lock": "universal_lock.lockfile.reader",
    "read_lock": "universal_lock.lockfile.reader",
    "read_lock_if_present": "universal_lock.lockfile.reader",
    "ENVIRONMENT_KEYS": "universal_lock.lockfile.select",
    "LockSelector": "universal_lock.lockfile.select",
    "Selected": "universal_lock.lockfile.select",
    "SelectionError": "universal_lock.lockfile.select",
    "select_packages": "universal_lock.lockfile.select",
    "as_dict": "universal_lock.lockfile.writer",
    "render": "universal_lock.lockfile.writer",
    "write_atomic": "universal_lock.lockfile.writer",
}

__all__ = [
    "ENVIRONMENT_KEYS",
    "LOCK_VERSION",
    "BuildPin",
    "ConflictMember",
    "Lock",
    "LockSelector",
    "LockedArchive",
    "LockedDirectory",
    "LockedFile",
    "LockedPackage",
    "LockedVcs",
    "Selected",
    "SelectionError",
    "applying_pins",
    "as_dict",
    "parse_lock",
    "read_lock",
    "read_lock_if_present",
    "render",
    "select",
    "select_build_environment",
    "select_packages",
    "strip_userinfo",
    "unmet_requirements",
    "write_atomic",
]

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
