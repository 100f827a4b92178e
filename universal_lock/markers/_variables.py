"""The marker variables the algebra knows, their kinds, and the fixed order they sort and print in.

A decision-diagram variable is identified by a ``VarKey``: a 4-tuple whose first item is a rank.
Tuples compare quickly and give one total order for fixed variables (PEP 508 names) and for the
variables created on demand (one boolean per ``'x' in extras``, per dependency group, per opaque
comparison). The order is also the print order, so ``python_full_version`` comes first and the
lock-level set memberships come last.

Diagram order and print order differ in one place: ``implementation_name`` and
``platform_python_implementation`` sit at the very bottom of the diagram (ranks 14 and 15) but
print right after the Python version. Few markers test them, so the part of the world
constraint about them is then a shared suffix of every diagram that operations pass through
at no cost, instead of a layer above everything that each operation rebuilds.
"""

from __future__ import annotations

import enum
from typing import Final

VarKey = tuple[int, str, str, str]


class VarKind(enum.Enum):
    """How a variable's values are partitioned on the edges of a node."""

    VERSION = "version"  # interpreter-like PEP 440 versions, cut into intervals
    STRING = "string"  # arbitrary strings, cut into finite / co-finite value sets
    BOOLEAN = "boolean"  # one atom, present or not ('x' in extras, opaque comparisons)


PYTHON: Final = "python_full_version"
PYTHON_VERSION: Final = "python_version"
IMPLEMENTATION_NAME: Final = "implementation_name"
IMPLEMENTATION_VERSION: Final = "implementation_version"
PLATFORM_PYTHON_IMPLEMENTATION: Final = "platform_python_implementation"
SYS_PLATFORM: Final = "sys_platform"
PLATFORM_SYSTEM: Final = "platform_system"
OS_NAME: Final = "os_name"
PLATFORM_MACHINE: Final = "platform_machine"
PLATFORM_RELEASE: Final = "platform_release"
EXTRA: Final = "extra"
EXTRAS: Final = "extras"
DEPENDENCY_GROUPS: Final = "dependency_groups"

# Rank of every fixed variable; python_version has none because it folds into python_full_version.
_FIXED_RANKS: Final[dict[str, int]] = {
    PYTHON: 0,
    IMPLEMENTATION_NAME: 14,
    IMPLEMENTATION_VERSION: 2,
    PLATFORM_PYTHON_IMPLEMENTATION: 15,
    SYS_PLATFORM: 4,
    PLATFORM_SYSTEM: 5,
    OS_NAME: 6,
    PLATFORM_MACHINE: 7,
    PLATFORM_RELEASE: 8,
    "platform_version": 9,
    EXTRA: 10,
}
_EXTRAS_RANK: Final = 11
_GROUPS_RANK: Final = 12
_OPAQUE_RANK: Final = 13
TERMINAL_KEY: Final[VarKey] = (99, "", "", "")

VERSION_VARIABLES: Final = frozenset({PYTHON, PYTHON_VERSION, IMPLEMENTATION_VERSION})
STRING_VARIABLES: Final = frozenset(name for name in _FIXED_RANKS if name not in VERSION_VARIABLES)
SET_VARIABLES: Final = frozenset({EXTRAS, DEPENDENCY_GROUPS})


def fixed_key(name: str) -> VarKey:
    """The key of a PEP 508 variable (``python_version`` shares ``python_full_version``'s)."""
    if name == PYTHON_VERSION:
        name = PYTHON
    return (_FIXED_RANKS[name], name, "", "")


def membership_key(set_name: str, member: str) -> VarKey:
    """The key of the boolean atom ``'member' in extras`` (or ``dependency_groups``)."""
    rank = _EXTRAS_RANK if set_name == EXTRAS else _GROUPS_RANK
    return (rank, set_name, member, "")


def opaque_key(variable: str, op: str, value: str, *, reverse: bool) -> VarKey:
    """The key of a comparison kept as an independent boolean atom (see docs/markers.md)."""
    return (_OPAQUE_RANK, variable, op, ("<" if reverse else ">") + value)


def kind_of(key: VarKey) -> VarKind:
    """The kind of values on the edges of a node for ``key``."""
    rank = key[0]
    if rank in (0, 2):
        return VarKind.VERSION
    if rank <= 10 or rank >= 14:
        return VarKind.STRING
    return VarKind.BOOLEAN


_PRINT_RANKS: Final = {14: 1, 15: 3}


def print_key(key: VarKey) -> VarKey:
    """The key that orders comparisons in printed text."""
    rank = _PRINT_RANKS.get(key[0])
    return key if rank is None else (rank, *key[1:])


def is_membership(key: VarKey) -> bool:
    """Whether ``key`` is a lock-level ``'x' in extras`` / ``dependency_groups`` atom."""
    return key[0] in (_EXTRAS_RANK, _GROUPS_RANK)


def is_opaque(key: VarKey) -> bool:
    """Whether ``key`` is an opaque comparison atom."""
    return key[0] == _OPAQUE_RANK
