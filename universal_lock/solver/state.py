"""The step-driven PubGrub core: unit propagation, conflict resolution, decision making.

``Solver.step()`` runs the algorithm until it needs the outside world and says
what it needs as a typed value:

- ``NeedsVersion(package, versions)``: answer with ``choose(package, version or None)``;
- ``NeedsDependencies(package, version)``: answer with ``add_dependencies(...)`` or
  ``mark_unavailable(package, version, reason)``;
- ``Solved(solution)`` or ``Failed(incompatibility)``: done (asking again returns the same).

The driver may do anything between steps (await an index fetch, clone the
solver at a fork point and continue each copy differently). Nothing here does
I/O; everything the solver learns stays in its incompatibilities, so a version
whose dependencies were given once is never asked about again.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.solver._memo import contains
from universal_lock.solver.incompatibility import (
    DependencyCause,
    Incompatibility,
    NoVersionsCause,
    RootCause,
    UnavailableCause,
    resolve,
)
from universal_lock.solver.partial_solution import PartialSolution
from universal_lock.solver.ranges import coerce_range, coerce_version, exact, single_version
from universal_lock.solver.terms import Relation, Term

_SATISFIED, _CONTRADICTED = Relation.SATISFIED, Relation.CONTRADICTED

#: A backjump that would undo more decision levels than this undoes only the conflict's
#: own level instead (chronological backtracking; see ``Solver``).
CHRONOLOGICAL_AFTER = 32

#: A priority function: the undecided package with the smallest key is decided next.
PriorityFunction = Callable[[str, VersionRange], Any]
#: Dependencies as the driver gives them: package -> range (or specifier string).
Dependencies = Mapping[str, VersionRange | SpecifierSet | str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsVersion:
    """Pick a version of ``package`` within ``versions``: call ``choose``."""

    package: str
    versions: VersionRange


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsDependencies:
    """Give the dependencies of ``package`` ``version``.

    Answer with ``add_dependencies`` or ``mark_unavailable``.
    """

    package: str
    version: Version


@dataclass(frozen=True, slots=True, kw_only=True)
class Solved:
    """Every selected package and its version (the root included), sorted by name."""

    solution: dict[str, Version]


@dataclass(frozen=True, slots=True, kw_only=True)
class Failed:
    """No solution: ``incompatibility`` is the root of the derivation tree.

    ``universal_lock.solver.report.explain(failed)`` puts it into words.
    """

    incompatibility: Incompatibility
    root: str


Step = NeedsVersion | NeedsDependencies | Solved | Failed


@dataclass(slots=True, kw_only=True)
class SolverStats:
    """Counters for benchmarks and diagnostics."""

    decisions: int = 0
    conflicts: int = 0
    backtracks: int = 0
    learned: int = 0


def default_priority(package: str, versions: VersionRange) -> tuple[int, str]:
    """Exact pins first, then by name: the fallback when no provider ranks packages."""
    return (0 if single_version(versions) is not None else 1, package)


class Solver:
    """The full PubGrub state for one root; see the module docstring for the protocol.

    Backjumping: conflict resolution learns an incompatibility and PubGrub jumps back to
    the lowest decision level at which it is almost satisfied, discarding every decision
    above; those are then made again, most of them exactly as before. When that would
    discard more than ``chronological_after`` levels below the conflict's own level, the
    solver undoes only the level of the conflict's satisfier and derives the learned fact
    there (chronological backtracking, Nadel and Ryvchin, SAT 2018). Small solves never
    jump that far and behave exactly as plain PubGrub; ``None`` always backjumps.

    Why the result stays exact: the learned incompatibility is almost satisfied at every
    level between the two, so the derivation is sound wherever it is placed. Placed
    higher than PubGrub would, it can be dropped by a later, deeper backjump; then the
    solver may decide against it and meets it again as a conflict. A solution is still
    checked against every incompatibility (each decision propagates its package), a
    failure is still a derivation by resolution, and each conflict still strictly narrows
    the assignments at the level it returns to, so solving still terminates.
    """

    __slots__ = (
        "_chronological_after",
        "_contradicted",
        "_incompatibilities",
        "_known_dependencies",
        "_known_ranges",
        "_pending",
        "_priority",
        "_priority_heap",
        "_propagate",
        "_pushes",
        "_result",
        "_solution",
        "root",
        "root_version",
        "stats",
    )

    def __init__(
        self,
        root: str,
        root_version: Version | str,
        root_dependencies: Dependencies,
        *,
        priority: PriorityFunction = default_priority,
        chronological_after: int | None = CHRONOLOGICAL_AFTER,
    ) -> None:
        self.root = root
        self._chronological_after = chronological_after
        self.root_version = coerce_version(root, root_version)
        self.stats = SolverStats()
        self._priority = priority
        # Lazy heap of (key, package, push number, summary term) for undecided
        # packages; an entry is current while the package's summary is that very
        # term object, so only packages whose range changed are re-ranked.
        self._priority_heap: list[tuple[Any, str, int, Term]] = []
        self._pushes = 0
        self._incompatibilities: dict[str, list[Incompatibility]] = {}
        # Incompatibilities known to be contradicted, with the decision level at
        # which that was seen: still true until a backjump below that level. Entries
        # are added at the current level and a backjump removes every entry above its
        # target, so levels never decrease in insertion order: a backjump pops a suffix.
        self._contradicted: dict[Incompatibility, int] = {}
        self._known_dependencies: dict[tuple[str, Version], tuple[Incompatibility, ...]] = {}
        # Dependencies the driver declared shared by a range of versions.
        self._known_ranges: dict[str, list[tuple[VersionRange, tuple[Incompatibility, ...]]]] = {}
        self._solution = PartialSolution()
        self._pending: NeedsVersion | NeedsDependencies | None = None
        self._result: Solved | Failed | None = None
        self._propagate: list[str] = []

        self._add(
            Incompatibility.of(
                [Term(package=root, versions=exact(self.root_version), positive=False)],
                RootCause(),
            )
        )
        self._propagate = [root]
        if self._run_propagation():
            self._pending = NeedsDependencies(package=root, version=self.root_version)
            self.add_dependencies(root, self.root_version, root_dependencies)

    # -- the driver's side ---------------------------------------------------------

    def step(self) -> Step:
        """Advance until the outside world is needed, and say what is needed."""
        if self._result is not None:
            return self._result
        if self._pending is not None:
            return self._pending
        if not self._run_propagation():
            assert self._result is not None
            return self._result
        package = self._next_package()
        if package is None:
            self._result = Solved(solution=dict(sorted(self._solution.decisions.items())))
            return self._result
        summary = self._solution.summary(package)
        assert summary is not None and summary.positive
        self._pending = NeedsVersion(package=package, versions=summary.versions)
        return self._pending

    def choose(self, package: str, version: Version | str | None) -> None:
        """Answer ``NeedsVersion``: the version to try, or None if none in the range exists."""
        request = self._expect(NeedsVersion, package)
        if version is None:
            self._add(
                Incompatibility.of(
                    [Term(package=package, versions=request.versions)], NoVersionsCause()
                )
            )
            self._pending = None
            self._propagate = [package]
            return
        version = coerce_version(package, version)
        if not contains(request.versions, version):
            raise ValueError(
                f"{package}=={version} is outside the range the solver asked for "
                f"({request.versions!r})"
            )
        known = self._known_dependencies.get((package, version))
        if known is None:
            known = next(
                (
                    found
                    for shared, found in self._known_ranges.get(package, ())
                    if contains(shared, version)
                ),
                None,
            )
        if known is None:
            self._pending = NeedsDependencies(package=package, version=version)
        else:
            self._pending = None
            self._decide(package, version, known)

    def add_dependencies(
        self,
        package: str,
        version: Version | str,
        dependencies: Dependencies,
        *,
        shared_by: VersionRange | None = None,
    ) -> None:
        """Answer ``NeedsDependencies`` with the version's dependencies (package -> range).

        ``shared_by`` optionally widens the fact to every version of the package
        in that range (it must contain ``version``), as Dart pub does for
        adjacent versions with identical dependencies: fewer incompatibilities,
        more general learning, and explanations that say ``foo>=1.1`` instead
        of one version at a time. Only a driver that knows all those versions'
        dependencies may say so; the solver will not ask about them again.
        """
        version = coerce_version(package, version)
        self._expect(NeedsDependencies, package, version)
        applies = exact(version) if shared_by is None else coerce_range(package, shared_by)
        if version not in applies:
            raise ValueError(f"shared_by for {package} must contain {version}: {applies!r}")
        depender = Term(package=package, versions=applies)
        added: list[Incompatibility] = []
        for dependency, versions in dependencies.items():
            wanted = coerce_range(dependency, versions)
            incompatibility = Incompatibility.of(
                [depender, Term(package=dependency, versions=wanted, positive=False)],
                DependencyCause(package=package, dependency=dependency, versions=wanted),
            )
            if any(term.is_empty for term in incompatibility.terms):
                continue  # a version depending on its own package is satisfied by itself
            self._add(incompatibility)
            added.append(incompatibility)
        known = tuple(added)
        self._known_dependencies[(package, version)] = known
        if shared_by is not None:
            self._known_ranges.setdefault(package, []).append((applies, known))
        self._pending = None
        self._decide(package, version, added)

    def mark_unavailable(self, package: str, version: Version | str, reason: str) -> None:
        """Answer ``NeedsDependencies``: the version cannot be used, for ``reason`` (verbatim)."""
        version = coerce_version(package, version)
        self._expect(NeedsDependencies, package, version)
        incompatibility = Incompatibility.of(
            [Term(package=package, versions=exact(version))], UnavailableCause(reason=reason)
        )
        self._add(incompatibility)
        self._known_dependencies[(package, version)] = (incompatibility,)
        self._pending = None
        self._propagate = [package]

    def clone(self) -> Solver:
        """An independent copy of the whole state (linear in its size; nothing recomputed)."""
        copy = Solver.__new__(Solver)
        copy.root = self.root
        copy.root_version = self.root_version
        copy.stats = SolverStats(
            decisions=self.stats.decisions,
            conflicts=self.stats.conflicts,
            backtracks=self.stats.backtracks,
            learned=self.stats.learned,
        )
        copy._priority = self._priority
        copy._chronological_after = self._chronological_after
        copy._priority_heap = list(self._priority_heap)
        copy._pushes = self._pushes
        copy._incompatibilities = {
            package: list(items) for package, items in self._incompatibilities.items()
        }
        copy._known_dependencies = dict(self._known_dependencies)
        copy._known_ranges = {package: list(known) for package, known in self._known_ranges.items()}
        copy._contradicted = dict(self._contradicted)
        copy._solution = self._solution.clone()
        copy._pending = self._pending
        copy._result = self._result
        copy._propagate = list(self._propagate)
        return copy

    @property
    def priority(self) -> PriorityFunction:
        """The function ranking undecided packages (smallest key decided first)."""
        return self._priority

    @priority.setter
    def priority(self, function: PriorityFunction) -> None:
        self._priority = function
        self._priority_heap = []
        self._solution.changed.update(self._solution.undecided)

    def undecided(self) -> dict[str, VersionRange]:
        """Packages that must be selected but are not decided yet, with their allowed range.

        A driver can prefetch metadata for these before the next ``step()``.
        """
        result: dict[str, VersionRange] = {}
        for package in self._solution.undecided:
            summary = self._solution.summary(package)
            if summary is not None:
                result[package] = summary.versions
        return result

    def incompatibilities_for(self, package: str) -> tuple[Incompatibility, ...]:
        """Every known incompatibility mentioning ``package`` (oldest first)."""
        return tuple(self._incompatibilities.get(package, ()))

    # -- the algorithm ------------------------------------------------------------

    def _expect(
        self, kind: type[NeedsVersion] | type[NeedsDependencies], package: str, *rest: Version
    ) -> Any:
        pending = self._pending
        if not isinstance(pending, kind) or pending.package != package:
            raise ValueError(f"the solver is not waiting for {kind.__name__} of {package!r}")
        if isinstance(pending, NeedsDependencies) and rest and pending.version != rest[0]:
            raise ValueError(f"the solver asked about {package}=={pending.version}, not {rest[0]}")
        return pending

    def _add(self, incompatibility: Incompatibility) -> None:
        for term in incompatibility.terms:
            self._incompatibilities.setdefault(term.package, []).append(incompatibility)

    def _decide(
        self, package: str, version: Version, dependencies: Sequence[Incompatibility]
    ) -> None:
        # Deciding is skipped when a dependency would be violated at once; unit
        # propagation then excludes the version and the next step picks again.
        # (A dependency stated for a range may not cover this version at all: a
        # self-dependency leaves only the other versions in the term.)
        solution = self._solution
        for incompatibility in dependencies:
            for term in incompatibility.terms:
                if term.package == package:
                    if not contains(term.versions, version):
                        break
                elif not solution.satisfies(term):
                    break
            else:
                break  # every term holds: this dependency is violated at once
        else:
            solution.decide(package, version)
            self.stats.decisions += 1
        self._propagate = [package]

    def _next_package(self) -> str | None:
        solution, heap = self._solution, self._priority_heap
        for package in sorted(solution.changed):
            if solution.is_undecided(package):
                summary = solution.summary(package)
                assert summary is not None
                key = self._priority(package, summary.versions)
                self._pushes += 1
                heapq.heappush(heap, (key, package, self._pushes, summary))
        solution.changed.clear()
        while heap:
            _, package, _, summary = heap[0]
            if solution.is_undecided(package) and solution.summary(package) is summary:
                return package
            heapq.heappop(heap)
        return None

    def _run_propagation(self) -> bool:
        """Unit propagation from the changed packages; False when solving failed."""
        changed = list(dict.fromkeys(self._propagate))
        self._propagate = []
        solution, contradicted = self._solution, self._contradicted
        relation_of, by_package = solution.relation, self._incompatibilities
        while changed:
            package = changed.pop()
            incompatibilities = by_package.get(package, [])
            level = solution.level  # derivations keep it; a backjump ends this loop
            # Newest first: learned incompatibilities are more general. (Iterating the
            # list itself is safe: it only grows, by a learned incompatibility, right
            # before the loop breaks.)
            for incompatibility in reversed(incompatibilities):
                if incompatibility in contradicted:
                    continue
                relation, unsatisfied = relation_of(incompatibility)
                if relation is _CONTRADICTED:
                    contradicted[incompatibility] = level
                elif relation is _SATISFIED:
                    learned = self._resolve_conflict(incompatibility)
                    if learned is None:
                        return False
                    relation, unsatisfied = relation_of(learned)
                    assert relation is Relation.INCONCLUSIVE and unsatisfied is not None
                    solution.derive(unsatisfied.negate(), learned)
                    contradicted[learned] = solution.level
                    changed = [unsatisfied.package]
                    break
                elif unsatisfied is not None:
                    # Almost satisfied: the remaining term must be false. The
                    # derivation contradicts it, hence the incompatibility.
                    solution.derive(unsatisfied.negate(), incompatibility)
                    contradicted[incompatibility] = level
                    if unsatisfied.package not in changed:
                        changed.append(unsatisfied.package)
        return True

    def _is_failure(self, incompatibility: Incompatibility) -> bool:
        terms = incompatibility.terms
        if not terms:
            return True
        return len(terms) == 1 and terms[0].positive and terms[0].package == self.root

    def _backjump_level(self, satisfier_level: int, previous_level: int) -> int:
        """Where to jump back to: PubGrub's ``previous_level``, or just below the satisfier.

        Any level from ``previous_level`` to ``satisfier_level - 1`` leaves the learned
        incompatibility almost satisfied (its other terms hold from ``previous_level`` on,
        and the satisfier's term holds only from the satisfier on): see ``Solver``.
        """
        limit = self._chronological_after
        if limit is not None and satisfier_level - 1 - previous_level > limit:
            return satisfier_level - 1
        return previous_level

    def _resolve_conflict(self, incompatibility: Incompatibility) -> Incompatibility | None:
        """Find the root cause and backjump; None (with ``Failed`` recorded) if unsolvable."""
        self.stats.conflicts += 1
        original = incompatibility
        while not self._is_failure(incompatibility):
            found = self._solution.satisfier(incompatibility)
            satisfier = found.assignment
            if satisfier.is_decision or found.previous_level != satisfier.level:
                if incompatibility is not original:
                    self._add(incompatibility)
                    self.stats.learned += 1
                level = self._backjump_level(satisfier.level, found.previous_level)
                self._solution.backtrack(level)
                _forget_above(self._contradicted, level)
                self.stats.backtracks += 1
                return incompatibility
            assert satisfier.cause is not None
            incompatibility = resolve(
                incompatibility, satisfier.cause, satisfier.term.package, root=self.root
            )
        self._result = Failed(incompatibility=incompatibility, root=self.root)
        self._pending = None
        return None


def _forget_above(contradicted: dict[Incompatibility, int], level: int) -> None:
    """Drop the entries seen above ``level``: a suffix, since levels never decrease in it.

    Linear in what is dropped, not in the whole table (rebuilding it on every conflict
    took a second of a 2,000-package lock with thousands of short backjumps).
    """
    while contradicted:
        known, seen = contradicted.popitem()
        if seen <= level:
            contradicted[known] = seen
            return
