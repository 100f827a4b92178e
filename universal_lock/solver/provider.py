"""The synchronous provider protocol and the ``solve`` loop that drives a ``Solver`` with it.

The async resolver drives ``Solver.step()`` itself (awaiting the index between
steps); this loop is the simple way for tests, benchmarks and in-memory
sources. ``candidate_priority`` is the documented default ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.solver._memo import contains, count_within
from universal_lock.solver.ranges import single_version
from universal_lock.solver.state import (
    Dependencies,
    Failed,
    NeedsDependencies,
    NeedsVersion,
    Solved,
    Solver,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Unavailable:
    """A version that exists but cannot be used; ``reason`` is shown to the user verbatim.

    Write it as a phrase that completes "… is unavailable (REASON)", e.g.
    ``"no wheel for this platform"`` or ``"it requires Python >=3.12"``.
    """

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedDependencies:
    """Dependencies that hold for every version of the package in ``versions``.

    A provider that knows all versions up front may return this instead of a
    plain mapping (Dart pub's merging of adjacent versions); ``versions`` must
    contain the version asked about.
    """

    versions: VersionRange
    dependencies: Mapping[str, VersionRange | SpecifierSet | str]


class Provider(Protocol):
    """What the solver needs to know about packages. Implementations must be deterministic.

    Every range passed in or returned is a ``VersionRange`` built with
    ``prereleases=True`` (see ``universal_lock.solver.ranges``); which versions
    are offered at all (pre-releases, yanked files, Python compatibility) is the
    provider's policy.
    """

    def choose_version(self, package: str, versions: VersionRange) -> Version | None:
        """The version of ``package`` to try next, within ``versions``; None if there is none.

        Called once per decision; the preferred candidate (usually the highest,
        or a locked preference) must come first. Returning None tells the solver
        that no acceptable version matches ``versions`` at all.
        """
        ...

    def get_dependencies(
        self, package: str, version: Version
    ) -> Mapping[str, VersionRange | SpecifierSet | str] | SharedDependencies | Unavailable:
        """The dependencies of ``package`` ``version`` as package -> allowed range.

        Called at most once per (package, version) per solver state. Return
        ``Unavailable(reason)`` when the version cannot be used (its metadata
        is missing, no file fits the platform, ...). Specifier strings are
        accepted; an invalid one raises ``InvalidRequirementData``. Return
        ``SharedDependencies`` to state them for a range of versions at once.
        """
        ...

    def priority(self, package: str, versions: VersionRange) -> Any:
        """A sort key: among packages awaiting a decision the smallest key is decided first.

        Called whenever ``package``'s allowed range changed. Keys must be
        mutually comparable and total, so that results are deterministic; the
        default ``candidate_priority`` is ``(0 for an exact pin or direct URL
        else 1, number of candidate versions in range, package name)``.
        """
        ...


def candidate_priority(
    package: str, versions: VersionRange, candidates: Iterable[Version], *, direct: bool = False
) -> tuple[int, int, str]:
    """The default ranking: exact pins and direct URLs first, then fewest candidates, then name.

    Deciding the most constrained package first finds conflicts early (it runs
    out of versions soonest); the name makes ties deterministic. Pass ``candidates``
    as a tuple when the same ones are ranked often: the count is then remembered
    per (range, tuple) object.
    """
    pinned = direct or single_version(versions) is not None
    if isinstance(candidates, tuple):
        count = count_within(versions, candidates)  # memoized: the same tuple is asked again
    else:
        count = sum(1 for version in candidates if contains(versions, version))
    return (0 if pinned else 1, count, package)


def solve(
    root: str,
    root_version: Version | str,
    root_dependencies: Dependencies,
    provider: Provider,
    *,
    max_steps: int | None = None,
) -> Solved | Failed:
    """Run PubGrub to the end with a synchronous provider (see ``drive`` for ``max_steps``)."""
    solver = Solver(root, root_version, root_dependencies, priority=provider.priority)
    return drive(solver, provider, max_steps=max_steps)


def drive(solver: Solver, provider: Provider, *, max_steps: int | None = None) -> Solved | Failed:
    """Answer ``solver``'s requests from ``provider`` until it is solved or has failed.

    ``max_steps`` is a guard for tests: more requests than that raise
    ``RuntimeError`` (PubGrub always terminates, so hitting it means a bug).
    """
    steps = 0
    while True:
        steps += 1
        if max_steps is not None and steps > max_steps:
            raise RuntimeError(f"the solver did not finish within {max_steps} steps")
        request = solver.step()
        if isinstance(request, Solved | Failed):
            return request
        answer(solver, provider, request)


def answer(solver: Solver, provider: Provider, request: NeedsVersion | NeedsDependencies) -> None:
    """Answer one request of ``solver`` from ``provider`` (one turn of ``drive``)."""
    if isinstance(request, NeedsVersion):
        solver.choose(request.package, provider.choose_version(request.package, request.versions))
        return
    dependencies = provider.get_dependencies(request.package, request.version)
    if isinstance(dependencies, Unavailable):
        solver.mark_unavailable(request.package, request.version, dependencies.reason)
    elif isinstance(dependencies, SharedDependencies):
        solver.add_dependencies(
            request.package,
            request.version,
            dependencies.dependencies,
            shared_by=dependencies.versions,
        )
    else:
        solver.add_dependencies(request.package, request.version, dependencies)
