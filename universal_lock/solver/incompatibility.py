"""Incompatibilities (sets of terms that cannot all be true) and their causes.

An incompatibility is external (a fact from outside: the root must be chosen, a
version depends on a range, no versions match, a version is unavailable for a
reason) or derived from two others during conflict resolution. Following the
causes of a derived incompatibility gives the derivation tree that
``universal_lock.solver.report`` turns into words.

Incompatibilities compare by identity: the derivation graph may share nodes and
the reporter counts how often each one is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.ranges import VersionRange

from universal_lock.solver.terms import Term


@dataclass(frozen=True, slots=True, kw_only=True)
class RootCause:
    """``{not root==version}``: the root package at its version must be selected."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NoVersionsCause:
    """``{package R}``: the provider offers no version of the package within ``R``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DependencyCause:
    """``{package V, not dependency R}``: ``package`` at versions ``V`` depends on ``R``.

    ``versions`` is ``R``, kept because a version that depends on its own package
    outside itself merges into the single term ``{package V}``.
    """

    package: str
    dependency: str
    versions: VersionRange


@dataclass(frozen=True, slots=True, kw_only=True)
class UnavailableCause:
    """``{package==version}``: that version cannot be used, for ``reason`` (shown verbatim)."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedCause:
    """Derived by resolution from two earlier incompatibilities."""

    left: Incompatibility
    right: Incompatibility


Cause = RootCause | NoVersionsCause | DependencyCause | UnavailableCause | DerivedCause


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Incompatibility:
    """Terms that are not all allowed to be true, with at most one term per package."""

    terms: tuple[Term, ...]
    cause: Cause

    @classmethod
    def of(cls, terms: Iterable[Term], cause: Cause) -> Incompatibility:
        """Build an incompatibility, merging terms that name the same package.

        A derived incompatibility also drops terms that every outcome satisfies
        (``not foo`` over no versions): they constrain nothing.
        """
        merged: dict[str, Term] = {}
        for term in terms:
            known = merged.get(term.package)
            merged[term.package] = term if known is None else known.intersect(term)
        kept = list(merged.values())
        if isinstance(cause, DerivedCause):
            kept = [t for t in kept if t.positive or not t.versions.is_empty]
        return cls(terms=tuple(kept), cause=cause)

    def term_for(self, package: str) -> Term | None:
        """This incompatibility's term about ``package``, if any."""
        for term in self.terms:
            if term.package == package:
                return term
        return None

    @property
    def is_external(self) -> bool:
        """True for facts from outside; false for incompatibilities learned in resolution."""
        return not isinstance(self.cause, DerivedCause)

    def __str__(self) -> str:
        return "{" + ", ".join(str(term) for term in self.terms) + "}"


def resolve(
    incompatibility: Incompatibility,
    satisfier_cause: Incompatibility,
    package: str,
    *,
    root: str | None = None,
) -> Incompatibility:
    """The prior cause of a conflict: resolution of two incompatibilities on ``package``.

    From ``{t1, q...}`` and ``{t2, r...}`` follows ``{q..., r..., t1 | t2}``; the
    union term is dropped when it is always true. As in pub, a positive term
    about ``root`` is dropped when other terms remain: the root is always
    selected, so the term adds nothing (and explanations read better without it).
    """
    own = incompatibility.term_for(package)
    other = satisfier_cause.term_for(package)
    terms = [t for t in incompatibility.terms if t.package != package]
    terms += [t for t in satisfier_cause.terms if t.package != package]
    # A side without a term for the package allows every outcome of it, and so
    # does the union then: the term disappears.
    if own is not None and other is not None:
        terms.append(own.union(other))
    derived = Incompatibility.of(terms, DerivedCause(left=incompatibility, right=satisfier_cause))
    if root is None or len(derived.terms) < 2:
        return derived
    kept = tuple(t for t in derived.terms if not (t.positive and t.package == root))
    if len(kept) in (0, len(derived.terms)):
        return derived
    return Incompatibility(terms=kept, cause=derived.cause)
