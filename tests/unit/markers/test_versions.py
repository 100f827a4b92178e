"""Specifiers on interpreter versions become exact interval sets (checked against packaging)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import Version

from universal_lock.markers import parse_marker

_RELEASES = ((2,), (2, 0), (2, 1), (2, 1, 1), (2, 2), (3,), (3, 0, 1))
_SUFFIXES = ("", "a1", "a2", "b1", "rc1", "rc2", ".dev0", ".dev1", "a1.dev0", "rc1.dev2")
_GRID = (
    *(
        ".".join(map(str, release)) + suffix
        for release, suffix in itertools.product(_RELEASES, _SUFFIXES)
    ),
    *("1.9", "2.0.0.1", "2.1.0.5", "2.3", "4.0", "0.1"),
)


def _env(version: str) -> dict[str, str]:
    """A consistent python pair: python_version is X.Y of the full version."""
    parsed = Version(version)
    return {"python_full_version": version, "python_version": f"{parsed.major}.{parsed.minor}"}


literals = st.builds(
    lambda release, suffix: ".".join(map(str, release)) + suffix,
    st.sampled_from(_RELEASES),
    st.sampled_from(_SUFFIXES),
)
operators = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~=", "==*", "!=*"])


def _marker_text(variable: str, op: str, literal: str) -> str | None:
    if op.endswith("*"):
        if not literal[-1].isdigit() or "a" in literal or "rc" in literal or "dev" in literal:
            return None
        op, literal = op[:-1], f"{literal}.*"
    try:
        Specifier(f"{op}{literal}")
    except InvalidSpecifier:
        return None
    return f"{variable} {op} '{literal}'"


@given(operators, literals)
def test_python_full_version_comparisons_match_packaging(op: str, literal: str) -> None:
    text = _marker_text("python_full_version", op, literal)
    if text is None:
        return
    tree, reference = parse_marker(text), Marker(text)
    printed = Marker(str(tree)) if str(tree) else None
    for version in _GRID:
        env = _env(version)
        assert tree.evaluate(env) == reference.evaluate(env), (text, version)
        assert (printed.evaluate(env) if printed else True) == reference.evaluate(env), str(tree)


@given(operators, literals)
def test_python_version_comparisons_match_packaging(op: str, literal: str) -> None:
    text = _marker_text("python_version", op, literal)
    if text is None:
        return
    tree, reference = parse_marker(text), Marker(text)
    printed = Marker(str(tree)) if str(tree) else None
    for version in _GRID:
        env = _env(version)
        assert tree.evaluate(env) == reference.evaluate(env), (text, version)
        assert (printed.evaluate(env) if printed else True) == reference.evaluate(env), str(tree)


@given(operators, literals)
def test_implementation_version_comparisons_match_packaging(op: str, literal: str) -> None:
    text = _marker_text("implementation_version", op, literal)
    if text is None:
        return
    tree, reference = parse_marker(text), Marker(text)
    for version in _GRID:
        env = {"implementation_version": version}
        assert tree.evaluate(env) == reference.evaluate(env), (text, version)
    assert parse_marker(str(tree)) == tree
