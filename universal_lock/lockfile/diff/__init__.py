"""Semantic lock diff: what two ``pylock.toml`` files mean differently, entry by entry.

``diff_locks(old, new)`` returns a ``LockDiff``: lock-level changes (environments,
requires-python, extras, groups, conflicts) and ``PackageChange``s keyed by name and region
(added, removed, upgraded, downgraded, hash changed without a version change, source, files,
marker and build requirement changes). Pure: no I/O, no printing. Rendering lives in
``universal_lock.lockfile.diff_render``; see docs/diff.md.
"""

from universal_lock.lockfile.diff.compare import diff_locks, entry_source
from universal_lock.lockfile.diff.model import (
    CHANGE_KINDS,
    ChangeKind,
    EntryView,
    LockDiff,
    LockFieldChange,
    PackageChange,
    Section,
)
from universal_lock.lockfile.diff.regions import describe

__all__ = [
    "CHANGE_KINDS",
    "ChangeKind",
    "EntryView",
    "LockDiff",
    "LockFieldChange",
    "PackageChange",
    "Section",
    "describe",
    "diff_locks",
    "entry_source",
]
