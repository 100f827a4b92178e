"""Turn a failed solve's derivation tree into sentences a person can follow.

The walk follows Dart pub's error reporting (doc/solver.md, "Error Reporting"):
depth first from the root incompatibility; a line per derived incompatibility
saying why it holds; a derived incompatibility used more than once gets a line
number ``(1)`` so later lines can refer back to it; a chain of two derivations
with one external cause each is told in one sentence (the trivial middle step
is skipped); and the last line starts with "So,". Ranges are PEP 440 text
(``foo>=1.0,<2.0``, ``foo==1.0``); a term over every version of a package is
"every version of foo" or just "foo"; the root package is named without its
version; unavailable versions carry the provider's reason verbatim.
"""

from __future__ import annotations

from universal_lock.solver.incompatibility import (
    DependencyCause,
    DerivedCause,
    Incompatibility,
    NoVersionsCause,
    RootCause,
    UnavailableCause,
)
from universal_lock.solver.ranges import FULL, format_range, single_version
from universal_lock.solver.state import Failed
from universal_lock.solver.terms import Term

_FAILURE = "the requirements are unsatisfiable"


def explain(failure: Failed | Incompatibility, *, root: str | None = None) -> str:
    """Explain a ``Failed`` result (or why any derived incompatibility holds) in words.

    ``root`` names the package to mention without a version; a ``Failed`` result
    knows it already.
    """
    if isinstance(failure, Failed):
        return _Writer(failure.incompatibility, failure.root).text()
    return _Writer(failure, root or _find_root(failure)).text()


class _Writer:
    def __init__(self, failure: Incompatibility, root: str | None) -> None:
        self._failure = failure
        self._root = root
        self._uses: dict[int, int] = {}
        self._numbers: dict[int, int] = {}
        self._lines: list[tuple[str, int | None]] = []
        self._count_uses(failure)

    def text(self) -> str:
        failure = self._failure
        if isinstance(failure.cause, DerivedCause):
            self._visit(failure)
        else:
            self._write(failure, f"Because {self._describe(failure)}, {_FAILURE}.")
        width = len(f"({max(self._numbers.values())}) ") if self._numbers else 0
        out: list[str] = []
        for message, number in self._lines:
            if not message:
                if out and out[-1]:
                    out.append("")
                continue
            prefix = f"({number}) " if number is not None else ""
            out.append(prefix.ljust(width) + message)
        return "\n".join(out)

    # -- the walk -------------------------------------------------------------------

    def _count_uses(self, incompatibility: Incompatibility) -> None:
        key = id(incompatibility)
        if key in self._uses:
            self._uses[key] += 1
            return
        self._uses[key] = 1
        cause = incompatibility.cause
        if isinstance(cause, DerivedCause):
            self._count_uses(cause.left)
            self._count_uses(cause.right)

    def _write(
        self, incompatibility: Incompatibility, message: str, *, numbered: bool = False
    ) -> None:
        if numbered:
            number = len(self._numbers) + 1
            self._numbers[id(incompatibility)] = number
            self._lines.append((message, number))
        else:
            self._lines.append((message, None))

    def _number(self, incompatibility: Incompatibility) -> int | None:
        return self._numbers.get(id(incompatibility))

    def _visit(self, incompatibility: Incompatibility, *, conclusion: bool = False) -> None:
        numbered = conclusion or self._uses.get(id(incompatibility), 0) > 1
        so = conclusion or incompatibility is self._failure
        conjunction = "So," if so else "And"
        said = self._describe(incompatibility)
        cause = incompatibility.cause
        assert isinstance(cause, DerivedCause)
        left, right = cause.left, cause.right

        if isinstance(left.cause, DerivedCause) and isinstance(right.cause, DerivedCause):
            left_number, right_number = self._number(left), self._number(right)
            if left_number is not None and right_number is not None:
                self._write(
                    incompatibility,
                    f"Because {self._describe(left)} ({left_number}) and "
                    f"{self._describe(right)} ({right_number}), {said}.",
                    numbered=numbered,
                )
            elif left_number is not None or right_number is not None:
                with_number, without = (left, right) if left_number is not None else (right, left)
                self._visit(without)
                self._write(
                    incompatibility,
                    f"{conjunction} because {self._describe(with_number)} "
                    f"({self._number(with_number)}), {said}.",
                    numbered=numbered,
                )
            else:
                left_simple, right_simple = _is_simple(left), _is_simple(right)
                if left_simple or right_simple:
                    simple, complex_ = (left, right) if left_simple else (right, left)
                    self._visit(complex_)
                    self._visit(simple)
                    self._write(incompatibility, f"Thus, {said}.", numbered=numbered)
                else:
                    self._visit(left, conclusion=True)
                    self._lines.append(("", None))
                    self._visit(right)
                    self._write(
                        incompatibility,
                        f"{conjunction} because {self._describe(left)} "
                        f"({self._number(left)}), {said}.",
                        numbered=numbered,
                    )
        elif isinstance(left.cause, DerivedCause) or isinstance(right.cause, DerivedCause):
            derived, external = (
                (left, right) if isinstance(left.cause, DerivedCause) else (right, left)
            )
            derived_number = self._number(derived)
            if derived_number is not None:
                self._write(
                    incompatibility,
                    f"Because {self._describe(external)} and {self._describe(derived)} "
                    f"({derived_number}), {said}.",
                    numbered=numbered,
                )
            elif self._is_collapsible(derived):
                derived_cause = derived.cause
                assert isinstance(derived_cause, DerivedCause)
                prior_left, prior_right = derived_cause.left, derived_cause.right
                prior_derived, prior_external = (
                    (prior_left, prior_right)
                    if isinstance(prior_left.cause, DerivedCause)
                    else (prior_right, prior_left)
                )
                self._visit(prior_derived)
                self._write(
                    incompatibility,
                    f"{conjunction} because {self._both(prior_external, external)}, {said}.",
                    numbered=numbered,
                )
            else:
                self._visit(derived)
                self._write(
                    incompatibility,
                    f"{conjunction} because {self._describe(external)}, {said}.",
                    numbered=numbered,
                )
        else:
            self._write(
                incompatibility,
                f"Because {self._both(left, right)}, {said}.",
                numbered=numbered,
            )

    def _is_collapsible(self, incompatibility: Incompatibility) -> bool:
        """A derived step used once, with one derived and one external cause, not yet numbered."""
        if self._uses.get(id(incompatibility), 0) > 1:
            return False
        cause = incompatibility.cause
        if not isinstance(cause, DerivedCause):
            return False
        left_derived = isinstance(cause.left.cause, DerivedCause)
        right_derived = isinstance(cause.right.cause, DerivedCause)
        if left_derived == right_derived:
            return False
        prior = cause.left if left_derived else cause.right
        return self._number(prior) is None

    # -- sentences ------------------------------------------------------------------

    def _both(self, first: Incompatibility, second: Incompatibility) -> str:
        """Two external facts in one phrase, merging shared dependers and chains."""
        for no_versions, other in ((first, second), (second, first)):
            merged = self._other_versions(no_versions, other)
            if merged is not None:
                return merged
        if isinstance(first.cause, DependencyCause) and isinstance(second.cause, DependencyCause):
            first_depender, first_dependency = _dependency_terms(first)
            second_depender, second_dependency = _dependency_terms(second)
            if first_depender == second_depender:
                return (
                    f"{self._term(first_depender, every=True)} depends on both "
                    f"{self._target(first_dependency)} and {self._target(second_dependency)}"
                )
            for prior, later in ((first, second), (second, first)):
                prior_depender, prior_dependency = _dependency_terms(prior)
                later_depender, later_dependency = _dependency_terms(later)
                if prior_dependency.package == later_depender.package and (
                    prior_dependency.satisfies(later_depender)
                ):
                    return (
                        f"{self._term(prior_depender, every=True)} depends on "
                        f"{self._target(prior_dependency)} which depends on "
                        f"{self._target(later_dependency)}"
                    )
        return f"{self._describe(first)} and {self._describe(second)}"

    def _other_versions(self, no_versions: Incompatibility, other: Incompatibility) -> str | None:
        """``X==1.0 depends on …`` plus ``no versions of X match R minus 1.0`` reads better as
        ``X==1.0 depends on … and no other versions of X match R``: the solver tried 1.0,
        then found nothing else in the range it had asked about.
        """
        if not isinstance(no_versions.cause, NoVersionsCause) or other.is_external is False:
            return None
        (missing,) = no_versions.terms
        tried = other.term_for(missing.package)
        if tried is None or not tried.positive or single_version(tried.versions) is None:
            return None
        remaining = missing.versions | tried.versions
        if remaining == FULL:
            return f"{self._describe(other)} and {missing.package} has no other versions"
        return (
            f"{self._describe(other)} and no other versions of {missing.package} match "
            f"{format_range(remaining)}"
        )

    def _describe(self, incompatibility: Incompatibility) -> str:
        cause = incompatibility.cause
        terms = incompatibility.terms
        if isinstance(cause, DependencyCause):
            depender, dependency = _dependency_terms(incompatibility)
            return f"{self._term(depender, every=True)} depends on {self._target(dependency)}"
        if isinstance(cause, UnavailableCause) and len(terms) == 1:
            return f"{self._term(terms[0], every=True)} is unavailable ({cause.reason})"
        if isinstance(cause, NoVersionsCause) and len(terms) == 1:
            term = terms[0]
            if term.versions == FULL:
                return f"no versions of {term.package} are available"
            return f"no versions of {term.package} match {format_range(term.versions)}"
        if isinstance(cause, RootCause) and len(terms) == 1:
            return f"{self._term(terms[0])} is the project being resolved"
        return self._describe_terms(terms)

    def _describe_terms(self, terms: tuple[Term, ...]) -> str:
        positive = [t for t in terms if t.positive]
        negative = [t for t in terms if not t.positive]
        if not terms or (len(terms) == 1 and positive and positive[0].package == self._root):
            return _FAILURE
        if len(terms) == 1:
            term = terms[0]
            if term.positive:
                return f"{self._term(term)} cannot be used"
            return f"{self._term(term)} is required"
        if positive and negative:
            requirements = " or ".join(self._target(t) for t in negative)
            if len(positive) == 1:
                return f"{self._term(positive[0], every=True)} requires {requirements}"
            conditions = " and ".join(self._term(t) for t in positive)
            return f"if {conditions} then {requirements}"
        if positive:
            if len(positive) == 2:
                return (
                    f"{self._term(positive[0], every=True)} is incompatible with "
                    f"{self._term(positive[1], every=True)}"
                )
            return "one of " + " or ".join(self._term(t) for t in positive) + " must be false"
        if len(negative) == 2:
            return f"either {self._term(negative[0])} or {self._term(negative[1])} is required"
        return "one of " + " or ".join(self._term(t) for t in negative) + " must be selected"

    def _target(self, term: Term) -> str:
        """A term something depends on or requires: a full range is "any version of foo"."""
        if term.versions == FULL and term.package != self._root:
            return f"any version of {term.package}"
        return self._term(term)

    def _term(self, term: Term, *, every: bool = False) -> str:
        """A term's positive spelling: ``foo>=1.0``; the root by name; a full range by name."""
        if term.package == self._root:
            return term.package
        if term.versions == FULL:
            return f"every version of {term.package}" if every else term.package
        return f"{term.package}{format_range(term.versions)}"


def _dependency_terms(incompatibility: Incompatibility) -> tuple[Term, Term]:
    """The depender term and the (positive) dependency term of a dependency fact."""
    cause = incompatibility.cause
    assert isinstance(cause, DependencyCause)
    depender = next(t for t in incompatibility.terms if t.package == cause.package)
    if cause.dependency == cause.package:
        depender = Term(package=cause.package, versions=depender.versions)
    return depender, Term(package=cause.dependency, versions=cause.versions)


def _is_simple(incompatibility: Incompatibility) -> bool:
    """Derived directly from two external facts: explainable in one line."""
    cause = incompatibility.cause
    return (
        isinstance(cause, DerivedCause)
        and not isinstance(cause.left.cause, DerivedCause)
        and not isinstance(cause.right.cause, DerivedCause)
    )


def _find_root(incompatibility: Incompatibility) -> str | None:
    stack, seen = [incompatibility], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        cause = current.cause
        if isinstance(cause, RootCause):
            return current.terms[0].package
        if isinstance(cause, DerivedCause):
            stack += [cause.left, cause.right]
    # The root cause may have been resolved away; a failure names the root itself.
    if len(incompatibility.terms) == 1:
        return incompatibility.terms[0].package
    return None
