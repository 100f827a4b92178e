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

from hypothesis import strategies as st
from packaging.markers import Marker

from universal_lock.markers import MarkerTree, parse_marker

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
PLATFORMS = tuple(
    (sys_platform, system, os_name)
    for sys_platform, system, os_name in itertools.product(
        ("linux", "darwin", "win32", "freebsd14"),
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


@cache
def atom_table(text: str) -> int:
    """The truth table of one atom, from packaging's evaluator."""
    marker = Marker(text)
    table = 0
    for index, env in enumerate(ENVS):
        environment = {**env.values, "extras": env.extras, "dependency_groups": frozenset()}
        if marker.evaluate(environment, context="lock_file"):
            table |= 1 << index
    return table


def tree_table(tree: MarkerTree, *, within: int = -1) -> int:
    """The truth table of a tree, from its own ``evaluate`` (only at the bits of ``within``)."""
    table = 0
    for index, env in enumerate(ENVS):
        if within >> index & 1 and tree.evaluate(env.values, extras=env.extras):
            table |= 1 << index
    return table


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
