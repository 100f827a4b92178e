"""Property tests: every operation agrees with brute-force evaluation over an environment grid."""

from __future__ import annotations

import itertools
from bisect import bisect_right

from hypothesis import given
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.unit.markers._grid import (
    ALL,
    ATOMS,
    ENVS,
    PYTHONS,
    Expr,
    diagram_table,
    exprs,
    text_table,
    tree_table,
)
from universal_lock.markers import FALSE, TRUE, MarkerTree, parse_marker
from universal_lock.markers._versions import version_probe

REQUIRES_PYTHON = (">=3.8", ">=3.10", ">=3.10.1,<3.12", ">=3.11.0rc1", "<3.11")


def test_grid_covers_every_segment() -> None:
    """Every interval between two python cuts the atoms make holds a grid version."""
    cuts: set[tuple[object, int]] = set()
    for atom in ATOMS:
        node = parse_marker(atom)._node
        while node.var[1] != "python_full_version" and node.children:
            node = node.children[0]
        if node.var[1] == "python_full_version":
            cuts.update(node.cuts)
    ordered = sorted(cuts)
    hit = {bisect_right(ordered, version_probe(Version(python))) for python in PYTHONS}
    assert hit == set(range(len(ordered) + 1))


def test_every_platform_combination_is_empty_exactly_when_the_grid_says_so() -> None:
    by_variable: dict[str, list[str]] = {}
    for atom in ATOMS:
        name = atom.split()[0]
        if name in ("sys_platform", "platform_system", "os_name"):
            by_variable.setdefault(name, []).append(atom)
    for combination in itertools.product(*by_variable.values()):
        table = ALL
        for atom in combination:
            table &= text_table(atom)
        text = " and ".join(combination)
        assert parse_marker(text).is_empty() == (table == 0), text


def test_every_atom_evaluates_like_packaging() -> None:
    for atom in ATOMS:
        assert tree_table(parse_marker(atom)) == text_table(atom), atom


@given(exprs)
def test_parse_evaluate_and_print_agree_with_packaging(expr: Expr) -> None:
    tree = expr.tree
    assert tree_table(tree) == expr.table
    assert tree.is_empty() == (expr.table == 0)
    assert tree.is_universal() == (expr.table == ALL)
    text = str(tree)
    # The printed text means the same to packaging and parses back to the same tree.
    assert text_table(text) == expr.table, text
    assert parse_marker(text) == tree
    assert str(parse_marker(text)) == text


@given(exprs, exprs)
def test_and_or_not_match_truth_tables(a: Expr, b: Expr) -> None:
    x, y = a.tree, b.tree
    assert diagram_table(x & y) == a.table & b.table
    assert diagram_table(x | y) == a.table | b.table
    assert diagram_table(~x) == ALL ^ a.table
    assert x.is_disjoint(y) == (a.table & b.table == 0)
    assert x.implies(y) == (a.table & ~b.table == 0)
    assert x.split(y) == (x & y, x & ~y)  # both already checked against the tables
    assert all(not part.is_empty() for part in x.split_nonempty(y))
    assert (x == y) == (a.table == b.table)


@given(exprs, exprs, exprs)
def test_equivalent_markers_are_equal_and_print_the_same(a: Expr, b: Expr, c: Expr) -> None:
    x, y, z = a.tree, b.tree, c.tree
    pairs = [
        (~(x & y), ~x | ~y),
        (x & (y | z), (x & y) | (x & z)),
        (x | (x & y), x),
        (~~x, x),
        (x & ~x, FALSE),
        (x | ~x, TRUE),
        (parse_marker(f"({b.text}) and ({a.text})"), y & x),
    ]
    for left, right in pairs:
        assert left == right
        assert hash(left) == hash(right)
        assert str(left) == str(right)


@given(exprs)
def test_simplify_keeps_the_meaning_inside_requires_python(expr: Expr) -> None:
    tree = expr.tree
    for requires in REQUIRES_PYTHON:
        inside = text_table(
            " and ".join(
                f"python_full_version {spec.operator} '{spec.version}'"
                for spec in SpecifierSet(requires)
            )
        )
        simplified = tree.simplify(SpecifierSet(requires))
        assert diagram_table(simplified) & inside == expr.table & inside, requires
        assert tree.simplify(SpecifierSet(requires).to_range()) == simplified, requires


@given(exprs)
def test_python_range_is_the_projection(expr: Expr) -> None:
    tree = expr.tree
    allowed = tree.python_range()
    for python in PYTHONS:
        some_env = any(
            expr.table >> index & 1
            for index, env in enumerate(ENVS)
            if env.values["python_full_version"] == python
        )
        assert (Version(python) in allowed) == some_env, python
    back = MarkerTree.from_python_range(allowed)
    assert tree.implies(back)
    assert MarkerTree.from_python_range(back.python_range()) == back
