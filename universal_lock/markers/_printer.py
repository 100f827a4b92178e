"""The canonical text of a marker: short, stable, single-quoted, variables in a fixed order.

The text is derived from the canonical diagram only, so equivalent markers print identically.
Every path to TRUE becomes a clause (an ``and`` of comparisons); a node's value set becomes
one comparison or a few (``sys_platform == 'darwin'`` per point of a finite set, ``!=`` for a
co-finite one, version intervals as ``>=`` / ``<`` pairs, whole minor series as
``python_version == '3.10'``). The clauses are then shortened greedily in a fixed order: a
comparison is dropped when the rest of its clause still implies the marker (under the world
constraint, so ``platform_system == 'Linux'`` next to ``sys_platform == 'linux'`` goes), and a
clause is dropped when the others already cover the marker. The empty marker prints as
``python_full_version < '0'``; the universal marker prints as the empty string.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from packaging._parser import Value, Variable
from packaging.version import Version

from universal_lock.markers._atoms import WORLD, atom_node, opaque_text
from universal_lock.markers._diagram import (
    FALSE_NODE,
    TRUE_NODE,
    Cut,
    Node,
    apply_and,
    apply_or,
    are_disjoint,
    boolean_node,
    negate,
)
from universal_lock.markers._ranges import inside_runs
from universal_lock.markers._variables import (
    PYTHON,
    PYTHON_VERSION,
    VarKind,
    is_membership,
    kind_of,
    print_key,
)
from universal_lock.markers._versions import normalize_cut, version_of

FALSE_TEXT: Final = "python_full_version < '0'"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Atom:
    """One printed comparison and the diagram it stands for."""

    sort_key: tuple[Any, ...]
    text: str
    node: Node


Clause = tuple[_Atom, ...]


def _quote(value: str) -> str:
    return f'"{value}"' if "'" in value else f"'{value}'"


@lru_cache(maxsize=16384)
def _comparison(var_key: tuple[Any, ...], name: str, op: str, value: str, rank: int) -> _Atom:
    # Build the node from the same rules the parser uses, so text and node cannot disagree.
    node = atom_node(Variable(name), op, Value(value))
    order: Any = value
    if kind_of(var_key) is VarKind.VERSION:
        order = Version(value.removesuffix(".*"))
    text = f"{name} {op} {_quote(value)}"
    return _Atom(sort_key=(print_key(var_key), rank, order, op), text=text, node=node)


def _intervals(node: Node, inside: list[bool]) -> list[tuple[Cut | None, Cut | None]]:
    """Maximal runs of segments marked ``inside`` as (low cut, high cut) pairs."""
    return inside_runs(node.cuts, inside)


def _minor_block(low: Cut | None, high: Cut | None) -> str | None:
    """``'X.Y'`` when [low, high) is exactly one minor series ``X.Y.*``."""
    if low is None or high is None or low[1] != 0 or high[1] != 0:
        return None
    version, upper = version_of(low[0]), version_of(high[0])
    if not _is_minor_dev0(version) or not _is_minor_dev0(upper):
        return None
    major, minor = version.release
    if upper.release != (major, minor + 1):
        return None
    return f"{major}.{minor}"


def _is_minor_dev0(version: Version) -> bool:
    return len(version.release) == 2 and version.dev == 0 and version.pre is None


def _is_point(low: Cut | None, high: Cut | None) -> bool:
    return low is not None and low[1] == 0 and high == normalize_cut(version_of(low[0]), 1)


def _version_interval(node: Node, low: Cut | None, high: Cut | None) -> Clause:
    name = node.var[1]
    key = node.var
    # A whole minor series is printed as two bounds here, so that shortening may drop either
    # one; ``_join_minor_series`` turns the pair back into ``python_version == 'X.Y'``.
    if _is_point(low, high):
        assert low is not None
        return (_comparison(key, name, "==", str(version_of(low[0])), 0),)
    atoms: list[_Atom] = []
    if low is not None:
        version, side = version_of(low[0]), low[1]
        if side == 1:
            atoms.append(_comparison(key, name, ">", str(version), 0))
        elif name == PYTHON and _is_minor_dev0(version):
            atoms.append(_comparison(key, PYTHON_VERSION, ">=", _release(version), 0))
        else:
            atoms.append(_comparison(key, name, ">=", str(version), 0))
    if high is not None:
        version, side = version_of(high[0]), high[1]
        if side == 1:
            atoms.append(_comparison(key, name, "<=", str(version), 1))
        elif version.dev == 0 and version.pre is None:
            atoms.append(_comparison(key, name, "<", _release(version), 1))
        elif version.pre is not None or version.dev is not None:
            atoms.append(_comparison(key, name, "<", str(version), 1))
        else:
            # Below a final version but including its pre-releases: PEP 440's `<` would drop them.
            atoms.append(_comparison(key, name, "<=", str(version), 1))
            atoms.append(_comparison(key, name, "!=", str(version), 2))
    return tuple(atoms)


def _release(version: Version) -> str:
    return ".".join(str(part) for part in version.release)


def _version_alternatives(node: Node, inside: list[bool]) -> list[Clause]:
    runs = _intervals(node, inside)
    gaps = _intervals(node, [not value for value in inside])
    name = node.var[1]
    if len(runs) >= 2 and all(_is_point(*gap) or _minor_block(*gap) for gap in gaps):
        excluded: list[_Atom] = []
        for low, high in gaps:
            block = _minor_block(low, high)
            if block is not None and name == PYTHON:
                excluded.append(_comparison(node.var, PYTHON_VERSION, "!=", block, 2))
            elif block is not None:
                excluded.append(_comparison(node.var, name, "!=", f"{block}.*", 2))
            else:
                assert low is not None
                excluded.append(_comparison(node.var, name, "!=", str(version_of(low[0])), 2))
        return [tuple(excluded)]
    return [_version_interval(node, low, high) for low, high in runs]


def _string_alternatives(node: Node, child: Node) -> list[Clause]:
    name = node.var[1]
    points = sorted({value for value, _ in node.cuts})
    others_inside = node.children[0] is child
    if others_inside:
        excluded = [p for p in points if node.segment_of(p) is not child]
        return [tuple(_comparison(node.var, name, "!=", p, 2) for p in excluded)]
    return [
        (_comparison(node.var, name, "==", p, 0),) for p in points if node.segment_of(p) is child
    ]


def _boolean_alternatives(node: Node, child: Node) -> list[Clause]:
    negated = node.children[0] is child
    key = node.var
    if is_membership(key):
        op = "not in" if negated else "in"
        text = f"{_quote(key[2])} {op} {key[1]}"
    else:
        text = opaque_text(key, negated=negated)
    atom_true = boolean_node(key, when_false=FALSE_NODE, when_true=TRUE_NODE)
    atom = negate(atom_true) if negated else atom_true
    return [(_Atom(sort_key=(print_key(key), 0, "", text), text=text, node=atom),)]


def _alternatives(node: Node, child: Node) -> list[Clause]:
    kind = kind_of(node.var)
    if kind is VarKind.BOOLEAN:
        return _boolean_alternatives(node, child)
    if kind is VarKind.STRING:
        return _string_alternatives(node, child)
    inside = [c is child for c in node.children]
    return _version_alternatives(node, inside)


def _paths(node: Node, memo: dict[int, list[Clause]]) -> list[Clause]:
    if node is TRUE_NODE:
        return [()]
    if node is FALSE_NODE:
        return []
    done = memo.get(node.uid)
    if done is not None:
        return done
    result: list[Clause] = []
    seen: list[Node] = []
    for child in node.children:
        if child is FALSE_NODE or any(child is other for other in seen):
            continue
        seen.append(child)
        below = _paths(child, memo)
        if not below:
            continue
        for alternative in _alternatives(node, child):
            result.extend(alternative + rest for rest in below)
    memo[node.uid] = result
    return result


def _conjunction(atoms: Clause) -> Node:
    result = WORLD
    for atom in atoms:
        result = apply_and(result, atom.node)
    return result


def _shorten(clause: Clause, complement: Node) -> Clause:
    kept = sorted(clause, key=lambda atom: atom.sort_key)
    for atom in reversed(list(kept)):
        trial = tuple(other for other in kept if other is not atom)
        if are_disjoint(_conjunction(trial), complement):
            kept = list(trial)
    return _join_minor_series(tuple(kept))


def _join_minor_series(clause: Clause) -> Clause:
    """Merge the two bounds of one minor series back into ``python_version == 'X.Y'``."""
    lower = next((a for a in clause if a.text.startswith(f"{PYTHON_VERSION} >= ")), None)
    upper = next((a for a in clause if a.text.startswith(f"{PYTHON} < ")), None)
    if lower is None or upper is None:
        return clause
    major, minor = (int(part) for part in lower.sort_key[2].release[:2])
    if upper.sort_key[2] != Version(f"{major}.{minor + 1}"):
        return clause
    series = _comparison(lower.sort_key[0], PYTHON_VERSION, "==", f"{major}.{minor}", 0)
    rest = tuple(a for a in clause if a is not lower and a is not upper)
    return (series, *rest)


def render(node: Node) -> str:
    """The canonical text of a (world-constrained) diagram."""
    if node is FALSE_NODE:
        return FALSE_TEXT
    if node is WORLD:
        return ""
    complement = negate(node)
    shortened = {
        tuple(a.text for a in clause): clause
        for clause in (_shorten(c, complement) for c in _paths(node, {}))
    }
    clauses = sorted(shortened.values(), key=lambda c: [a.sort_key for a in c])
    for clause in reversed(list(clauses)):
        others = [c for c in clauses if c is not clause]
        union = FALSE_NODE
        for other in others:
            union = apply_or(union, _conjunction(other))
        if union is node:
            clauses = others
    return " or ".join(" and ".join(atom.text for atom in clause) for clause in clauses)
