"""The lockfile: ulock's model of ``pylock.toml`` (PEP 751), its writer, reader and selection.

No network and no resolver here: the resolver builds a ``Lock``, ``render`` / ``write_atomic``
put it on disk, ``read_lock`` reads it back (validated against the standard), and ``select``
says what an installer picks for one environment. See docs/lockfile.md.
"""

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
    select,
    select_packages,
)
from universal_lock.lockfile.writer import as_dict, render, write_atomic

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
