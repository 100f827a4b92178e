"""The sync plan: what to install, upgrade, downgrade, reinstall and remove. Pure: no I/O.

Given the entries selected from the lock (``Wanted``) and what the environment has
(``InstalledDistribution``), ``make_plan`` decides one ``Action`` per name whose state must
change. Rules:

- a name not installed is installed; one installed at another version is upgraded or
  downgraded;
- at the same version, a distribution is reinstalled when ulock installed it from a file with
  another sha256 (the lock's file changed), or when it came from a directory and the lock now
  wants a file (or the reverse);
- the project's directory entry is kept when it is installed editable from the same directory
  and the lock still wants it editable; a non-editable directory install is rebuilt every time
  (nothing tells whether its sources changed);
- what ulock built (a directory, an sdist) is rebuilt when the locked build environment that
  applies now differs from the one it was built with (``--extra cu118`` after ``--extra
  cu124`` rebuilds a project that compiles against torch);
- an installed name the selection does not list is removed, except the installer tooling a
  virtual environment is created with (``pip``, ``setuptools``, ``wheel``), which stays unless
  the lock selects it (then it is managed like any other entry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.utils import NormalizedName
from packaging.version import Version

from universal_lock.installer.installed import InstalledDistribution
from universal_lock.lockfile import Selected

KEPT_TOOLING: frozenset[str] = frozenset({"pip", "setuptools", "wheel"})
"""Distributions left alone when the lock does not select them."""

ActionKind = Literal["install", "upgrade", "downgrade", "reinstall", "remove"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Wanted:
    """One selected entry, with what identifies its installed form.

    ``version`` is ``None`` for a directory entry (known only once built); ``sha256`` is the
    locked file's hash; a directory entry has its ``file://`` URL, its path as the lock
    writes it, and ``source_dir``, the directory itself. ``build_digest`` identifies the
    locked build environment when the entry is built (a directory or an sdist).
    """

    name: NormalizedName
    version: Version | None
    selected: Selected
    sha256: str | None = None
    directory_url: str | None = None
    directory_path: str | None = None
    source_dir: Path | None = None
    editable: bool = False
    build_digest: str | None = None

    @property
    def label(self) -> str:
        """``==1.0``, or `` @ ./path`` (plus `` (editable)``) for a directory entry."""
        if self.directory_url is None and self.version is not None:
            return f"=={self.version}"
        suffix = " (editable)" if self.editable else ""
        return f" @ {self.directory_path or self.directory_url}{suffix}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One change to the environment; ``old`` is what is installed, ``new`` what will be."""

    kind: ActionKind
    name: NormalizedName
    old: InstalledDistribution | None = None
    new: Wanted | None = None

    def line(self) -> str:
        """The ``--dry-run`` line: ``+ a==1``, ``- a==1``, ``~ a==1 -> 2``."""
        if self.kind == "install":
            assert self.new is not None
            return f"+ {self.name}{self.new.label}"
        assert self.old is not None
        if self.kind == "remove":
            return f"- {self.name}=={self.old.version_text}"
        assert self.new is not None
        new = self.new.label.removeprefix("==")
        return f"~ {self.name}=={self.old.version_text} -> {new.strip()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Every action (sorted by name), what is already right, and tooling left alone."""

    actions: tuple[Action, ...]
    unchanged: tuple[NormalizedName, ...]
    kept: tuple[NormalizedName, ...]

    @property
    def is_empty(self) -> bool:
        """True when the environment already matches the selection."""
        return not self.actions

    def lines(self) -> list[str]:
        """The ``--dry-run`` output, one action a line."""
        return [action.line() for action in self.actions]

    def of_kind(self, *kinds: ActionKind) -> tuple[Action, ...]:
        """The actions of these kinds."""
        return tuple(action for action in self.actions if action.kind in kinds)


def make_plan(wanted: Iterable[Wanted], installed: Iterable[InstalledDistribution]) -> Plan:
    """Compare the selection with the environment. Two wanted entries of one name are a bug in
    the caller (selection refuses them)."""
    by_name: dict[NormalizedName, Wanted] = {}
    for entry in wanted:
        if entry.name in by_name:
            raise ValueError(f"{entry.name} is selected twice")
        by_name[entry.name] = entry
    present: dict[NormalizedName, InstalledDistribution] = {}
    for dist in installed:
        present.setdefault(dist.name, dist)
    actions: list[Action] = []
    unchanged: list[NormalizedName] = []
    kept: list[NormalizedName] = []
    for name in sorted(by_name.keys() | present.keys()):
        new, old = by_name.get(name), present.get(name)
        if new is None:
            assert old is not None
            if name in KEPT_TOOLING:
                kept.append(name)
            else:
                actions.append(Action(kind="remove", name=name, old=old))
        elif old is None:
            actions.append(Action(kind="install", name=name, new=new))
        else:
            kind = _change(old, new)
            if kind is None:
                unchanged.append(name)
            else:
                actions.append(Action(kind=kind, name=name, old=old, new=new))
    return Plan(actions=tuple(actions), unchanged=tuple(unchanged), kept=tuple(kept))


def _change(old: InstalledDistribution, new: Wanted) -> ActionKind | None:
    rebuilt = old.build_digest != new.build_digest
    if new.directory_url is not None:
        same = old.directory_url == new.directory_url and old.editable == new.editable
        return None if same and new.editable and not rebuilt else "reinstall"
    assert new.version is not None
    if old.version is None or old.version < new.version:
        return "upgrade"
    if old.version > new.version:
        return "downgrade"
    if old.directory_url is not None:
        return "reinstall"
    if old.source_sha256 is not None and old.source_sha256 != new.sha256:
        return "reinstall"
    if rebuilt and new.build_digest is not None:
        return "reinstall"  # built from the sdist, against other build requirements
    return None
