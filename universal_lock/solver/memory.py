"""An in-memory provider: a whole package universe given up front (tests, benchmarks, examples)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.solver.provider import Unavailable, candidate_priority
from universal_lock.solver.ranges import coerce_range, coerce_version

#: package -> version -> dependencies (package -> range or specifier) or ``Unavailable``.
Universe = Mapping[
    str, Mapping[Version | str, Mapping[str, VersionRange | SpecifierSet | str] | Unavailable]
]


class MemoryProvider:
    """Offers the highest version in range; ranks packages with ``candidate_priority``.

    Strings in the universe are parsed once, up front, with the solver's clean
    errors (``InvalidRequirementData`` naming the package and the string).
    """

    def __init__(self, universe: Universe) -> None:
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
            if version in versions:
                return version
        return None

    def get_dependencies(
        self, package: str, version: Version
    ) -> Mapping[str, VersionRange] | Unavailable:
        """The dependencies recorded for ``package`` ``version``."""
        self.calls["get_dependencies"] += 1
        return self._dependencies[(package, version)]

    def priority(self, package: str, versions: VersionRange) -> Any:
        """``candidate_priority`` over the known versions."""
        self.calls["priority"] += 1
        return candidate_priority(package, versions, self._versions.get(package, ()))
