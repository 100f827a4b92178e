"""Terms: statements about one package, and the set relations PubGrub needs on them.

A positive term ``foo R`` is true when a version of ``foo`` in ``R`` is selected.
A negative term ``not foo R`` is true when ``foo`` is not selected at all or its
selected version lies outside ``R``. Viewing a term as the set of outcomes it
allows ("not selected" being one outcome), intersection, satisfaction and
contradiction are plain set operations on ``VersionRange`` values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from packaging.ranges import VersionRange
from packaging.version import Version

from universal_lock.solver._memo import (
    contains,
    difference,
    intersection,
    is_disjoint,
    is_subset,
    union,
)
from universal_lock.solver.ranges import EMPTY, format_range


class Relation(enum.Enum):
    """How a set of assignments relates to a term or an incompatibility."""

    SATISFIED = "satisfied"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"


SATISFIED, CONTRADICTED, INCONCLUSIVE = (
    Relation.SATISFIED,
    Relation.CONTRADICTED,
    Relation.INCONCLUSIVE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """``package`` in ``versions`` (positive) or not in it (negative)."""

    package: str
    versions: VersionRange
    positive: bool = True
    #: Set on decisions (``versions`` is exactly this version): membership tests
    #: are much cheaper than interval algebra.
    exact_version: Version | None = None

    def negate(self) -> Term:
        """The term that is true exactly when this one is false."""
        return Term(package=self.package, versions=self.versions, positive=not self.positive)

    @property
    def is_empty(self) -> bool:
        """A positive term over no versions can never be true."""
        return self.positive and self.versions.is_empty

    def intersect(self, other: Term) -> Term:
        """The term true exactly when both are (same package)."""
        if self.positive and other.positive:
            return self._with(intersection(self.versions, other.versions), positive=True)
        if self.positive:
            return self._with(difference(self.versions, other.versions), positive=True)
        if other.positive:
            return self._with(difference(other.versions, self.versions), positive=True)
        return self._with(union(self.versions, other.versions), positive=False)

    def union(self, other: Term) -> Term:
        """The term true exactly when either is (same package)."""
        return self.negate().intersect(other.negate()).negate()

    def difference(self, other: Term) -> Term:
        """The term true when this one is and ``other`` is not."""
        return self.intersect(other.negate())

    def satisfies(self, other: Term) -> bool:
        """Whether ``other`` must be true whenever this term is (``self ⊆ other``)."""
        if self.positive:
            if self.exact_version is not None:
                return contains(other.versions, self.exact_version) == other.positive
            if other.positive:
                return is_subset(self.versions, other.versions)
            return is_disjoint(self.versions, other.versions)
        if other.positive:
            return False  # "not selected" satisfies self but not other
        return is_subset(other.versions, self.versions)

    def contradicts(self, other: Term) -> bool:
        """Whether ``other`` must be false whenever this term is true."""
        if self.positive:
            if self.exact_version is not None:
                return contains(other.versions, self.exact_version) != other.positive
            if other.positive:
                return is_disjoint(self.versions, other.versions)
            return is_subset(self.versions, other.versions)
        if other.positive:
            return is_subset(other.versions, self.versions)
        return False  # both allow "not selected"

    def relation(self, other: Term) -> Relation:
        """How this term (as the known facts) relates to ``other``.

        SATISFIED when ``self ⊆ other``, else CONTRADICTED when they are disjoint,
        else INCONCLUSIVE. The hottest call of unit propagation, so each case asks
        only the set questions it needs, through the identity memos.
        """
        if self.positive:
            if self.exact_version is not None:
                inside = contains(other.versions, self.exact_version)
                return SATISFIED if inside == other.positive else CONTRADICTED
            if other.positive:
                if is_subset(self.versions, other.versions):
                    return SATISFIED
                if is_disjoint(self.versions, other.versions):
                    return CONTRADICTED
                return INCONCLUSIVE
            if is_disjoint(self.versions, other.versions):
                return SATISFIED
            if is_subset(self.versions, other.versions):
                return CONTRADICTED
            return INCONCLUSIVE
        if other.positive:
            # "not selected" is allowed by self and excluded by other: never satisfied.
            return CONTRADICTED if is_subset(other.versions, self.versions) else INCONCLUSIVE
        return SATISFIED if is_subset(other.versions, self.versions) else INCONCLUSIVE

    def _with(self, versions: VersionRange, *, positive: bool) -> Term:
        return Term(package=self.package, versions=versions, positive=positive)

    def __str__(self) -> str:
        text = f"{self.package}{format_range(self.versions)}"
        return text if self.positive else f"not {text}"


def nothing_known(package: str) -> Term:
    """The negative term over no versions: true in every outcome."""
    return Term(package=package, versions=EMPTY, positive=False)
