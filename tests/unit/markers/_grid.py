"""Environments and random markers for checking the algebra against brute force.

The oracle is ``packaging.markers.Marker.evaluate``. Every atom in ``ATOMS`` is evaluated once
per grid environment and kept as a bit set (bit i = environment i), so a random marker's truth
table is a few integer operations. ``PYTHONS`` holds a version inside every interval the
atoms' boundaries cut the line into (``test_grid_covers_every_segment`` checks that), so
"empty on the grid" means empty.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.version import Version

from universal_lock.markers import MarkerTree, parse_marker
from universal_lock.markers._diagram import FALSE_NODE, TRUE_NODE, Node
from universal_lock.markers._variables import VarKind, is_membership, kind_of
from universal_lock.markers._versions import version_probe

PYTHON_LITERALS = ("3.8", "3.10", "3.10.1", "3.11.0rc1", "3.11", "3.12.0b2")
PYTHON_VERSION_LITERALS = ("3.8", "3.10", "3.11", "3.12")
VERSION_OPS = ("==", "!=", "<", "<=", ">", ">=")

PYTHONS = (
    "3.0.1", "3.1.5", "3.7.9", "3.8.0rc1", "3.8.0", "3.8.5", "3.8.10", "3.8.11", "3.9.0",
    "3.10.0a1", "3.10.0", "3.10.1rc1", "3.10.1", "3.10.2", "3.10.0.1",
    "3.11.0a1", "3.11.0rc1", "3.11.0rc2", "3.11.0", "3.11.4",
    "3.12.0a1", "3.12.0b2", "3.12.0b3", "3.12.0", "3.12.1",
    "3.13.0", "4.0.0", "4.0.0a1",
)  # fmt: skip
# Every consistent combination of "a value the atoms name, or some other value" for the three
# platform variables: cygwin, CYGWIN_NT-10.0 and java stand for the values no atom names.
PLATFORMS = tuple(
    (sys_platform, system, os_name)
    for sys_platform, system, os_name in itertools.product(
        ("linux", "darwin", "win32", "freebsd14", "cygwin"),
        ("Linux", "Darwin", "Windows", "FreeBSD", "CYGWIN_NT-10.0"),
        ("posix", "nt", "java"),
    )
    if (
        (sys_platform == "linux") == (system == "Linux")
        and (sys_platform == "darwin") == (system == "Darwin")
        and (sys_platform == "win32") == (system == "Windows")
        and (sys_platform not in ("linux", "darwin") or os_name == "posix")
        and (sys_platform != "win32" or os_name == "nt")
    )
)
MACHINES = ("x86_64", "aarch64", "AMD64")
EXTRA_SETS = (frozenset(), frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Env:
    """One grid point: a PEP 508 environment plus the lock-level extras."""

    values: dict[str, str]
    extras: frozenset[str]


def _environments() -> tuple[Env, ...]:
    result = []
    for python, (sys_platform, system, os_name), machine, extras in itertools.product(
        PYTHONS, PLATFORMS, MACHINES, EXTRA_SETS
    ):
        values = {
            "python_full_version": python,
            "python_version": ".".join(python.split(".")[:2]),
            "sys_platform": sys_platform,
            "platform_system": system,
            "os_name": os_name,
            "platform_machine": machine,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }
        result.append(Env(values=values, extras=extras))
    return tuple(result)


ENVS = _environments()
ALL = (1 << len(ENVS)) - 1


def _atoms() -> tuple[str, ...]:
    atoms = [
        f"python_full_version {op} '{literal}'" for op in VERSION_OPS for literal in PYTHON_LITERALS
    ]
    atoms += [
        f"python_version {op} '{literal}'"
        for op in VERSION_OPS
        for literal in PYTHON_VERSION_LITERALS
    ]
    atoms += [
        "python_full_version == '3.10.*'",
        "python_full_version != '3.11.*'",
        "python_full_version ~= '3.10.1'",
        "python_full_version ~= '3.8'",
        "python_version in '3.8 3.10'",
    ]
    for variable, values in (
        ("sys_platform", ("linux", "darwin", "win32", "freebsd14")),
        ("platform_system", ("Linux", "Darwin", "Windows", "FreeBSD")),
        ("os_name", ("posix", "nt")),
        ("platform_machine", ("x86_64", "aarch64")),
    ):
        atoms += [f"{variable} {op} '{value}'" for op in ("==", "!=") for value in values]
    atoms += ["'a' in extras", "'b' not in extras", "'a' not in extras", "'b' in extras"]
    return tuple(atoms)


ATOMS = _atoms()


def _names(items: Any) -> set[str]:
    """The variable names a packaging marker list mentions."""
    names: set[str] = set()
    for item in items:
        if isinstance(item, list):
            names |= _names(item)
        elif isinstance(item, tuple):
            names |= {str(side) for side in item if type(side).__name__ == "Variable"}
    return names


@cache
def atom_table(text: str) -> int:
    """The truth table of marker text, from packaging's evaluator.

    packaging evaluates once per distinct combination of the variables the text mentions.
    """
    marker = Marker(text)
    names = sorted(_names(marker._markers))
    seen: dict[tuple[object, ...], bool] = {}
    table = 0
    for index, env in enumerate(ENVS):
        key = tuple(env.extras if name == "extras" else env.values.get(name) for name in names)
        holds = seen.get(key)
        if holds is None:
            environment = {**env.values, "extras": env.extras, "dependency_groups": frozenset()}
            holds = seen[key] = marker.evaluate(environment, context="lock_file")
        if holds:
            table |= 1 << index
    return table


def tree_table(tree: MarkerTree) -> int:
    """The truth table of a tree, from its own ``evaluate``."""
    table = 0
    for index, env in enumerate(ENVS):
        if tree.evaluate(env.values, extras=env.extras):
            table |= 1 << index
    return table


def _value_masks(var: tuple[Any, ...]) -> list[tuple[Any, int]]:
    """For one diagram variable: each distinct grid value (as the diagram reads it) and its envs."""
    cached = _MASKS.get(var)
    if cached is not None:
        return cached
    masks: dict[Any, int] = {}
    for index, env in enumerate(ENVS):
        if is_membership(var):
            value: Any = var[2] in env.extras
        elif kind_of(var) is VarKind.VERSION:
            value = version_probe(Version(env.values[var[1]]))
        else:
            value = env.values[var[1]]
        masks[value] = masks.get(value, 0) | 1 << index
    _MASKS[var] = list(masks.items())
    return _MASKS[var]


_MASKS: dict[tuple[Any, ...], list[tuple[Any, int]]] = {}


def diagram_table(tree: MarkerTree) -> int:
    """The truth table of a tree read off its diagram, grouping environments by value.

    Much faster than ``tree_table`` (one step per distinct value, not per environment); it
    checks the algebra's diagrams, while ``tree_table`` also checks ``evaluate``.
    """
    memo: dict[int, int] = {}

    def table(node: Node) -> int:
        if node is TRUE_NODE:
            return ALL
        if node is FALSE_NODE:
            return 0
        done = memo.get(node.uid)
        if done is not None:
            return done
        result = 0
        for value, mask in _value_masks(node.var):
            if is_membership(node.var):
                child = node.children[1 if value else 0]
            elif kind_of(node.var) is VarKind.VERSION:
                child = node.segment_of_cut(value)
            else:
                child = node.segment_of(value)
            result |= mask & table(child)
        memo[node.uid] = result
        return result

    return table(tree._node)


def text_table(text: str) -> int:
    """The truth table of marker text, from packaging's evaluator ('' is everything)."""
    if not text:
        return ALL
    return atom_table(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expr:
    """A random marker: its text, the tree parsed from it, and its oracle truth table."""

    text: str
    table: int

    @property
    def tree(self) -> MarkerTree:
        return parse_marker(self.text)


def _combine(children: list[Expr], joiner: str) -> Expr:
    text = f" {joiner} ".join(f"({child.text})" for child in children)
    table = ALL if joiner == "and" else 0
    for child in children:
        table = table & child.table if joiner == "and" else table | child.table
    return Expr(text=text, table=table)


def _leaf(text: str) -> Expr:
    return Expr(text=text, table=atom_table(text))


leaves = st.sampled_from(ATOMS).map(_leaf)
exprs: st.SearchStrategy[Expr] = st.recursive(
    leaves,
    lambda inner: st.tuples(
        st.lists(inner, min_size=2, max_size=3), st.sampled_from(["and", "or"])
    ).map(lambda pair: _combine(*pair)),
    max_leaves=6,
)
