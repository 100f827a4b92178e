"""The partial solution: PubGrub's ordered list of assignments, with decision levels.

Besides the ordered trail, it keeps per package the list of that package's
assignments, each carrying the intersection of all of the package's
assignments up to it (``accumulated``). The last one is the package's current
summary, so relations are answered without rescanning the trail; and because the
intersections only shrink, the earliest satisfier of a term is a binary search.
Backtracking pops from the end of the trail. ``clone`` copies lists and dicts of
immutable assignments: linear in the size of the state, and nothing is recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from universal_lock.solver.incompatibility import Incompatibility
from universal_lock.solver.ranges import exact
from universal_lock.solver.terms import Relation, Term


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """One entry of the trail: a decision (``cause`` is None) or a derivation."""

    term: Term
    level: int
    index: int
    cause: Incompatibility | None
    accumulated: Term

    @property
    def is_decision(self) -> bool:
        """Decisions pick one version; derivations follow from an incompatibility."""
        return self.cause is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Satisfier:
    """The assignment that completes satisfying an incompatibility, and the level to jump to."""

    assignment: Assignment
    previous_level: int


class PartialSolution:
    """Assignments so far; see the module docstring for the bookkeeping."""

    __slots__ = ("_by_package", "_decisions", "_trail", "_undecided", "changed")

    def __init__(self) -> None:
        self._trail: list[Assignment] = []
        self._by_package: dict[str, list[Assignment]] = {}
        self._decisions: dict[str, Version] = {}
        # Packages with a positive summary and no decision, in first-seen order.
        self._undecided: dict[str, None] = {}
        #: Packages whose summary changed since the owner last cleared this set
        #: (the solver uses it to re-rank only what changed).
        self.changed: set[str] = set()

    def clone(self) -> PartialSolution:
        """An independent copy (assignments are immutable and shared)."""
        copy = PartialSolution.__new__(PartialSolution)
        copy._trail = list(self._trail)
        copy._by_package = {package: list(items) for package, items in self._by_package.items()}
        copy._decisions = dict(self._decisions)
        copy._undecided = dict(self._undecided)
        copy.changed = set(self.changed)
        return copy

    @property
    def level(self) -> int:
        """The current decision level; the root's decision is level 0."""
        return max(0, len(self._decisions) - 1)

    @property
    def decisions(self) -> dict[str, Version]:
        """A copy of the decided versions, in decision order."""
        return dict(self._decisions)

    @property
    def undecided(self) -> list[str]:
        """Packages that must be selected but have no decision yet."""
        return list(self._undecided)

    def is_undecided(self, package: str) -> bool:
        """Whether ``package`` must be selected but has no decision yet."""
        return package in self._undecided

    def __len__(self) -> int:
        return len(self._trail)

    def summary(self, package: str) -> Term | None:
        """The intersection of all assignments about ``package``, or None if there are none."""
        items = self._by_package.get(package)
        return items[-1].accumulated if items else None

    def decide(self, package: str, version: Version) -> None:
        """Select ``version`` of ``package``; opens a new decision level (except the root's)."""
        self._decisions[package] = version
        term = Term(package=package, versions=exact(version), exact_version=version)
        self._append(term, cause=None)
        self._undecided.pop(package, None)

    def derive(self, term: Term, cause: Incompatibility) -> None:
        """Record that ``term`` must hold because of ``cause``."""
        accumulated = self._append(term, cause=cause)
        if accumulated.positive and term.package not in self._decisions:
            self._undecided[term.package] = None

    def _append(self, term: Term, *, cause: Incompatibility | None) -> Term:
        items = self._by_package.setdefault(term.package, [])
        if not items or term.exact_version is not None:
            # A decision's version lies within the package's range (the solver
            # checks that), so the intersection is the decision itself.
            accumulated = term
        else:
            accumulated = items[-1].accumulated.intersect(term)
        assignment = Assignment(
            term=term,
            level=self.level,
            index=len(self._trail),
            cause=cause,
            accumulated=accumulated,
        )
        self._trail.append(assignment)
        items.append(assignment)
        self.changed.add(term.package)
        return accumulated

    def backtrack(self, level: int) -> None:
        """Remove every assignment above decision ``level``."""
        trail, touched = self._trail, set()
        while trail and trail[-1].level > level:
            assignment = trail.pop()
            package = assignment.term.package
            touched.add(package)
            items = self._by_package[package]
            items.pop()
            if not items:
                del self._by_package[package]
            if assignment.is_decision:
                del self._decisions[package]
        self.changed |= touched
        for package in touched:
            summary = self.summary(package)
            if summary is not None and summary.positive and package not in self._decisions:
                self._undecided[package] = None
            else:
                self._undecided.pop(package, None)

    def satisfies(self, term: Term) -> bool:
        """Whether the current assignments make ``term`` true."""
        items = self._by_package.get(term.package)
        if items is None:
            # Nothing known allows every outcome: only a negative term over no versions holds.
            return not term.positive and term.versions.is_empty
        return items[-1].accumulated.satisfies(term)

    def relation(self, incompatibility: Incompatibility) -> tuple[Relation, Term | None]:
        """SATISFIED, CONTRADICTED or INCONCLUSIVE, with the unsatisfied term if almost satisfied.

        For INCONCLUSIVE the term is None when two or more terms are inconclusive.
        """
        by_package = self._by_package
        unsatisfied: Term | None = None
        for term in incompatibility.terms:
            items = by_package.get(term.package)
            if items is not None:
                relation = items[-1].accumulated.relation(term)
            else:
                relation = _relation_to_nothing_known(term)
            if relation is _CONTRADICTED:
                return _CONTRADICTED, None
            if relation is _INCONCLUSIVE:
                if unsatisfied is not None:
                    return _INCONCLUSIVE, None
                unsatisfied = term
        if unsatisfied is None:
            return Relation.SATISFIED, None
        return _INCONCLUSIVE, unsatisfied

    def satisfier(self, incompatibility: Incompatibility) -> Satisfier:
        """The earliest assignment after which ``incompatibility`` is satisfied.

        ``previous_level`` is the decision level of the latest assignment that,
        together with the satisfier, also satisfies it (0 when there is none).
        Precondition: the partial solution satisfies ``incompatibility``.
        """
        earliest: dict[str, tuple[int, Assignment]] = {}
        for term in incompatibility.terms:
            items = self._by_package.get(term.package)
            if not items:
                continue  # a term every outcome satisfies needs no assignment
            position = _first_satisfying(items, term, len(items))
            earliest[term.package] = (position, items[position])
        position, satisfier = max(earliest.values(), key=lambda found: found[1].index)
        previous_level = max(
            (a.level for _, a in earliest.values() if a is not satisfier), default=0
        )
        package = satisfier.term.package
        own_term = incompatibility.term_for(package)
        if own_term is not None and not satisfier.term.satisfies(own_term):
            items = self._by_package[package]
            earlier = _first_satisfying(items, own_term, position, extra=satisfier.term)
            previous_level = max(previous_level, items[earlier].level)
        return Satisfier(assignment=satisfier, previous_level=previous_level)


_CONTRADICTED, _INCONCLUSIVE = Relation.CONTRADICTED, Relation.INCONCLUSIVE


def _relation_to_nothing_known(term: Term) -> Relation:
    """``nothing_known(term.package).relation(term)``, without building the term.

    Knowing nothing allows every outcome, so a term over no versions is decided (a positive
    one is false, a negative one true) and any other term is inconclusive.
    """
    if not term.versions.is_empty:
        return _INCONCLUSIVE
    return _CONTRADICTED if term.positive else Relation.SATISFIED


def _first_satisfying(
    items: list[Assignment], term: Term, end: int, *, extra: Term | None = None
) -> int:
    """Index of the first of ``items[:end]`` whose accumulated term satisfies ``term``.

    With ``extra``, each accumulated term is first intersected with it.

    Accumulated terms only shrink along the list, so satisfaction is monotone.
    """
    low, high = 0, end - 1
    while low < high:
        middle = (low + high) // 2
        accumulated = items[middle].accumulated
        if extra is not None:
            accumulated = accumulated.intersect(extra)
        if accumulated.satisfies(term):
            high = middle
        else:
            low = middle + 1
    return low
