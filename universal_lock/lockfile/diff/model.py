"""The values a semantic lock diff is made of: what changed, for which entry, and where.

A ``LockDiff`` holds lock-level changes (``LockFieldChange``: environments, requires-python,
extras, groups, conflicts) and entry changes (``PackageChange``). One ``PackageChange`` pairs an
old and a new entry of one name (either may be missing) and lists every ``ChangeKind`` that
applies; ``kind`` is the one that matters most, the one summaries count. Marker changes carry
the regions an entry gained and lost, already put into words by ``regions.describe``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "CHANGE_KINDS",
    "ChangeKind",
    "EntryView",
    "LockDiff",
    "LockFieldChange",
    "PackageChange",
    "Section",
]

ChangeKind = Literal[
    "added",
    "removed",
    "upgraded",
    "downgraded",
    "hash-changed",
    "source-changed",
    "files-changed",
    "marker-changed",
    "build-requires-changed",
]
"""Every kind of entry change, most important first (the first that applies is ``kind``)."""

CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)

Section = Literal["packages", "build-packages"]
"""Which table of the lock an entry lives in: ``[[packages]]`` or ``[tool.ulock]`` build ones."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryView:
    """What a reader needs to know about one side of a change.

    ``marker`` is the entry's marker text (``None``: everywhere); ``source`` says where its
    files come from (``index URL``, ``path whl``, ``directory .``, ...); ``files`` maps each file
    name to its sha256 (or another digest when there is no sha256).
    """

    version: str | None
    marker: str | None
    source: str
    files: tuple[tuple[str, str], ...] = ()
    build_requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageChange:
    """One entry that was added, removed or changed, with every kind of change that applies.

    ``region`` is where the entry applies (the new marker, or the old one if it was removed),
    the second half of the key ``(name, region)`` that identifies an entry. ``gained`` and
    ``lost`` describe, in words, the environments the entry now also / no longer covers.
    ``hash_changed`` names files whose bytes changed under the same name and version: that is
    how tampering looks, so it is reported loudly. ``files_added`` / ``files_removed`` are
    wheel tags (``cp312-cp312-manylinux_2_28_x86_64``) or ``sdist``.
    """

    name: str
    section: Section = "packages"
    kinds: tuple[ChangeKind, ...]
    old: EntryView | None
    new: EntryView | None
    region: str | None
    gained: str | None = None
    lost: str | None = None
    hash_changed: tuple[str, ...] = ()
    files_added: tuple[str, ...] = ()
    files_removed: tuple[str, ...] = ()
    build_requires_added: tuple[str, ...] = ()
    build_requires_removed: tuple[str, ...] = ()

    @property
    def kind(self) -> ChangeKind:
        """The most important kind: the one summaries count this change under."""
        return self.kinds[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class LockFieldChange:
    """A top-level key of the lock that changed; values are rendered as lists of strings."""

    key: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LockDiff:
    """Everything that differs between two locks; empty when they mean the same thing."""

    lock_changes: tuple[LockFieldChange, ...] = ()
    changes: tuple[PackageChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the two locks install the same things from the same places."""
        return not self.lock_changes and not self.changes

    def counts(self) -> dict[ChangeKind, int]:
        """How many changes of each kind (by ``PackageChange.kind``); every kind is present."""
        counts: dict[ChangeKind, int] = dict.fromkeys(CHANGE_KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    def summary(self) -> str:
        """One line for people: ``3 upgraded, 1 added, 0 removed; 1 hash changed ...``."""
        if self.is_empty:
            return "no changes"
        counts = self.counts()
        parts = [f"{counts[kind]} {kind}" for kind in ("upgraded", "added", "removed")]
        parts += [
            f"{counts[kind]} {kind.replace('-', ' ')}"
            for kind in CHANGE_KINDS[3:]
            if kind != "hash-changed" and counts[kind]
        ]
        if self.lock_changes:
            count = len(self.lock_changes)
            parts.append(f"{count} lock setting{'s' if count > 1 else ''} changed")
        text = ", ".join(parts)
        hashes = counts["hash-changed"]
        if hashes:
            noun = "hash" if hashes == 1 else "hashes"
            text += f"; {hashes} {noun} changed without a version change"
        return text
