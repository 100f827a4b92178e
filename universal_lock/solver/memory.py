"""An in-memory provider: a whole package universe given up front (tests, benchmarks, examples)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.solver._memo import contains
from universal_lock.solver.provider import SharedDependencies, Unavailable, candidate_priority
from universal_lock.solver.ranges import FULL, coerce_range, coerce_version, parse_range

#: package -> version -> dependencies (package -> range or specifier) or ``Unavailable``.
Universe = Mapping[
    str, Mapping[Version | str, Mapping[str, VersionRange | SpecifierSet | str] | Unavailable]
]


class MemoryProvider:
    """Offers the highest version in range; ranks packages with ``candidate_priority``.

    Strings in the universe are parsed once, up front, with the solver's clean
    errors (``InvalidRequirementData`` naming the package and the string).
    With ``share_adjacent=True`` dependencies are answered for the whole run of
    adjacent versions that have identical ones (``SharedDependencies``), as Dart
    pub's package lister does: the run's range starts at its first version (no
    lower bound if that is the oldest) and ends before the next version (no
    upper bound if it reaches the newest).
    """

    def __init__(self, universe: Universe, *, share_adjacent: bool = False) -> None:
        self._share_adjacent = share_adjacent
        self._priorities: dict[tuple[str, VersionRange], Any] = {}
        self._versions: dict[str, list[Version]] = {}
        self._dependencies: dict[tuple[str, Version], dict[str, VersionRange] | Unavailable] = {}
        for package, releases in universe.items():
            parsed: list[Version] = []
            for raw_version, dependencies in releases.items():
                version = coerce_version(package, raw_version)
                parsed.append(version)
                if isinstance(dependencies, Unavailable):
                    self._dependencies[(package, version)] = dependencies
                else:
                    self._dependencies[(package, version)] = {
                        name: coerce_range(name, spec) for name, spec in dependencies.items()
                    }
            self._versions[package] = sorted(parsed, reverse=True)
        #: How many times each method was called (for tests and benchmarks).
        self.calls: dict[str, int] = {"choose_version": 0, "get_dependencies": 0, "priority": 0}

    def versions(self, package: str) -> list[Version]:
        """All versions of ``package``, highest first."""
        return list(self._versions.get(package, ()))

    def choose_version(self, package: str, versions: VersionRange) -> Version | None:
        """The highest version of ``package`` in ``versions``."""
        self.calls["choose_version"] += 1
        for version in self._versions.get(package, ()):
            if contains(versions, version):
                return version
        return None

    def get_dependencies(
        self, package: str, version: Version
    ) -> Mapping[str, VersionRange] | SharedDependencies | Unavailable:
        """The dependencies recorded for ``package`` ``version``."""
        self.calls["get_dependencies"] += 1
        dependencies = self._dependencies[(package, version)]
        if not self._share_adjacent or isinstance(dependencies, Unavailable):
            return dependencies
        return SharedDependencies(
            versions=self._shared_range(package, version, dependencies),
            dependencies=dependencies,
        )

    def _shared_range(
        self, package: str, version: Version, dependencies: Mapping[str, VersionRange]
    ) -> VersionRange:
        ascending = self._versions[package][::-1]
        first = last = ascending.index(version)
        while first > 0 and self._dependencies[(package, ascending[first - 1])] == dependencies:
            first -= 1
        while (
            last + 1 < len(ascending)
            and self._dependencies[(package, ascending[last + 1])] == dependencies
        ):
            last += 1
        shared = FULL
        if first > 0:
            shared = shared & parse_range(package, f">={ascending[first]}")
        if last + 1 < len(ascending):
            shared = shared - parse_range(package, f">={ascending[last + 1]}")
        return shared

    def priority(self, package: str, versions: VersionRange) -> Any:
        """``candidate_priority`` over the known versions."""
        self.calls["priority"] += 1
        key = (package, versions)
        found = self._priorities.get(key)
        if found is None:
            found = candidate_priority(package, versions, self._versions.get(package, ()))
            self._priorities[key] = found
        return found
