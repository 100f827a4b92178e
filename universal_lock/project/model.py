"""The project as ulock sees it: frozen values made from ``pyproject.toml``.

These are what the rest of ulock reads; nothing here parses or validates (the
loader does that). Names (project, extras, groups, packages in ``sources``) are
normalized as in PEP 503 / PEP 685. Requirements, specifiers and versions are
``packaging`` types; markers are :class:`universal_lock.markers.MarkerTree`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if TYPE_CHECKING:
    from universal_lock.markers import MarkerTree

IndexStrategy = Literal["first-index", "unsafe-best-match"]
PrereleaseMode = Literal[
    "disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"
]
ResolutionMode = Literal["highest", "lowest", "lowest-direct"]
IndexFormat = Literal["simple", "flat"]
SettingsOrigin = Literal["tool.ulock", "tool.uv", "defaults"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildSystem:
    """``[build-system]``: what building the project needs."""

    requires: tuple[Requirement, ...]
    build_backend: str | None
    backend_path: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexDefinition:
    """One ``[[tool.ulock.index]]`` entry.

    ``url`` is as written (it may hold credentials: never print it unredacted);
    ``local_path`` is set when the index is a directory on disk (a relative path
    or a ``file:`` URL), resolved against the project directory.
    """

    name: str | None
    url: str
    explicit: bool = False
    default: bool = False
    format: IndexFormat = "simple"
    local_path: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where one package comes from within a region of environments, extras and groups.

    Exactly one of ``index`` (an index name), ``path`` (absolute, resolved against
    the project directory) and ``url`` is set, as ``kind`` says. ``marker`` is the
    source's own marker; :attr:`region` adds its ``extra`` and ``group`` selectors.
    """

    kind: Literal["index", "path", "url"]
    index: str | None = None
    path: Path | None = None
    url: str | None = None
    marker: MarkerTree
    extra: str | None = None
    group: str | None = None
    editable: bool = False

    @property
    def region(self) -> MarkerTree:
        """Where the source applies: its marker and its ``extra`` and ``group`` selectors."""
        from universal_lock.markers import parse_marker

        region = self.marker
        if self.extra is not None:
            region = region & parse_marker(f"'{self.extra}' in extras")
        if self.group is not None:
            region = region & parse_marker(f"'{self.group}' in dependency_groups")
        return region


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictItem:
    """One member of a ``conflicts`` set: an extra or a dependency group (exactly one)."""

    extra: str | None = None
    group: str | None = None

    @property
    def marker_text(self) -> str:
        """The lock-level marker that says this member is selected."""
        if self.extra is not None:
            return f"'{self.extra}' in extras"
        return f"'{self.group}' in dependency_groups"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """``[tool.ulock]`` (or the ``[tool.uv]`` keys it shares), validated, with defaults filled in.

    ``origin`` says which table the settings came from; ``ignored_keys`` lists the
    dotted keys of ``[tool.uv]`` that ulock read past (the CLI may warn about them).
    """

    origin: SettingsOrigin = "defaults"
    environments: tuple[MarkerTree, ...] = ()
    required_environments: tuple[MarkerTree, ...] = ()
    conflicts: tuple[tuple[ConflictItem, ...], ...] = ()
    overrides: tuple[Requirement, ...] = ()
    constraints: tuple[Requirement, ...] = ()
    index_strategy: IndexStrategy = "first-index"
    prerelease: PrereleaseMode = "if-necessary-or-explicit"
    resolution: ResolutionMode = "highest"
    exclude_newer: datetime | None = None
    allow_insecure_host: tuple[str, ...] = ()
    default_groups: tuple[str, ...] = ()
    indexes: tuple[IndexDefinition, ...] = ()
    sources: Mapping[str, tuple[Source, ...]] = field(default_factory=dict)
    ignored_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A project directory's ``pyproject.toml``, read and checked.

    ``name`` is ``None`` only when the file has no ``[project]`` table (a file
    with just ``[dependency-groups]`` is a valid, non-installable project).
    ``dependency_groups`` has every group with its includes resolved.
    """

    path: Path
    name: str | None
    requires_python: SpecifierSet | None
    dependencies: tuple[Requirement, ...]
    optional_dependencies: Mapping[str, tuple[Requirement, ...]]
    dependency_groups: Mapping[str, tuple[Requirement, ...]]
    build_system: BuildSystem | None
    settings: Settings
    input_fingerprint: str = field(repr=False)

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def installable(self) -> bool:
        """The project is itself a lock entry: it has ``[build-system]`` and a name."""
        return self.build_system is not None and self.name is not None

    def fingerprint(self) -> str:
        """sha256 (hex) over every input that affects the lock; see :mod:`.fingerprint`."""
        return self.input_fingerprint
