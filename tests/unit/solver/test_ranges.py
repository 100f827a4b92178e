"""Range helpers: exact parsing, clean errors, and the PEP 440 text the reporter prints."""

from __future__ import annotations

import pytest
from packaging.version import Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.solver import EMPTY, FULL, exact, format_range, parse_range
from universal_lock.solver.terms import Term


@pytest.mark.parametrize(
    ("specifier", "text"),
    [
        ("<2.0,>=1.0", ">=1.0,<2.0"),
        (">=1.0", ">=1.0"),
        ("==1.0", "==1.0"),
        ("!=1.5,<2,>=1", ">=1,<2,!=1.5"),
        ("", ""),
        (">=2,<1", "(no versions)"),
    ],
)
def test_specifier_ranges_print_as_pep440(specifier, text):
    assert format_range(parse_range("p", specifier)) == text


def test_algebra_results_print_readably():
    assert format_range(exact(Version("1.0"))) == "==1.0"
    hole = parse_range("p", ">=1.0,<2.0") - exact(Version("1.5"))
    assert format_range(hole) == ">=1.0,<2.0,!=1.5"
    split = parse_range("p", "<1.0") | parse_range("p", ">=2.0")
    assert format_range(split) == "<1.0 || >=2.0"
    assert format_range(exact(Version("1.0")) | exact(Version("3.0"))) == "==1.0 || ==3.0"


def test_parse_range_is_exact_and_combinable():
    assert parse_range("p", "") == FULL
    assert (parse_range("p", ">=1") & parse_range("p", "<1")) == EMPTY
    assert Version("2.0rc1") in parse_range("p", ">=1")  # the provider decides pre-release policy


def test_invalid_specifier_names_package_and_string():
    with pytest.raises(InvalidRequirementData) as raised:
        parse_range("numpy", ">=1.0;")
    assert str(raised.value).startswith("invalid specifier of `numpy`: '>=1.0;'")


def test_term_relations():
    one_to_two = Term(package="p", versions=parse_range("p", ">=1,<2"))
    above_one = Term(package="p", versions=parse_range("p", ">=1"))
    assert one_to_two.satisfies(above_one)
    assert not above_one.satisfies(one_to_two)
    assert one_to_two.contradicts(above_one.negate())
    assert not one_to_two.negate().satisfies(above_one)  # "not selected" is allowed
    assert above_one.intersect(one_to_two.negate()).versions == parse_range("p", ">=2.dev0")
    decided = Term(package="p", versions=exact(Version("1.5")), exact_version=Version("1.5"))
    assert decided.satisfies(one_to_two) and decided.contradicts(one_to_two.negate())


def test_resolution_drops_the_root_from_derived_incompatibilities():
    from universal_lock.solver.incompatibility import (
        DependencyCause,
        Incompatibility,
        RootCause,
        resolve,
    )

    root = Term(package="root", versions=exact(Version("1")))
    needs_foo = Incompatibility.of(
        [root, Term(package="foo", versions=parse_range("foo", ">=1"), positive=False)],
        DependencyCause(package="root", dependency="foo", versions=parse_range("foo", ">=1")),
    )
    foo_needs_bar = Incompatibility.of(
        [
            Term(package="foo", versions=FULL),
            Term(package="bar", versions=parse_range("bar", ">=2"), positive=False),
        ],
        DependencyCause(package="foo", dependency="bar", versions=parse_range("bar", ">=2")),
    )
    kept = resolve(foo_needs_bar, needs_foo, "foo")
    assert str(kept) == "{not bar>=2, root==1}"
    dropped = resolve(foo_needs_bar, needs_foo, "foo", root="root")
    assert str(dropped) == "{not bar>=2}"
    assert dropped.cause.left is foo_needs_bar and dropped.cause.right is needs_foo
    # A lone root term is the failure itself and stays.
    lone = Incompatibility.of([root], RootCause())
    assert str(resolve(lone, lone, "other", root="root")) == "{root==1}"
