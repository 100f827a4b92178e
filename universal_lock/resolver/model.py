"""What the universal resolver takes and gives: frozen values, no behaviour.

``ResolverInput`` is the project lowered for resolution (scoped requirements, the root
region's parts, sources as marker rules, policy, preferences); ``Resolution`` is the merged
result: one ``ResolvedPackage`` per (name, version, source) with the marker where it installs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.index import Distribution, redact_url
from universal_lock.markers import TRUE, MarkerTree
from universal_lock.resolver.candidates import Policy
from universal_lock.resolver.requirements import Scoped


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """Where a package's files come from: the default index chain, a named index, a file."""

    kind: Literal["default", "index", "path", "url"]
    index: str | None = None
    path: Path | None = None
    url: str | None = None

    def describe(self) -> str:
        """Words for messages: ``index `cu128```, ``path `whl/x.whl```."""
        if self.kind == "default":
            return "the configured indexes"
        if self.kind == "index":
            return f"index `{self.index}`"
        if self.kind == "path":
            return f"path `{self.path}`"
        return f"URL `{redact_url(self.url or '')}`"


DEFAULT_SOURCE = SourceRef(kind="default")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRule:
    """``source`` serves the package wherever ``region`` holds."""

    region: MarkerTree
    source: SourceRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolverInput:
    """Everything the resolver needs, lowered from the project and the previous lock.

    ``regions`` are the disjoint parts the resolution starts from (the root region cut by
    declared conflicts, or the previous lock's fork markers); their union is the root region.
    ``preferences`` are the previous lock's versions with the marker where each applied: a
    fork prefers only the versions locked for environments inside it.
    """

    root_name: str
    root_version: Version
    requirements: tuple[Scoped, ...]
    regions: tuple[MarkerTree, ...] = (TRUE,)
    required_environments: tuple[MarkerTree, ...] = ()
    sources: Mapping[str, tuple[SourceRule, ...]] = field(default_factory=dict)
    overrides: Mapping[str, tuple[Requirement, ...]] = field(default_factory=dict)
    constraints: Mapping[str, tuple[Scoped, ...]] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    explicit_prereleases: frozenset[str] = frozenset()
    direct: frozenset[str] = frozenset()
    preferences: Mapping[str, tuple[tuple[Version, MarkerTree], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedPackage:
    """One lock entry to be: a version of a package from one source, and where it installs."""

    name: str
    version: Version
    source: SourceRef
    files: tuple[Distribution, ...]
    marker: MarkerTree
    requires_python: SpecifierSet | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolution:
    """The merged result of every fork; ``fork_markers`` are the regions that were solved."""

    packages: tuple[ResolvedPackage, ...]
    fork_markers: tuple[MarkerTree, ...]
