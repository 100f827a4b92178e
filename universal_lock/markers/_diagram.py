"""The reduced ordered decision diagram with range edges that every marker is stored as.

A node tests one variable. Its ``cuts`` split that variable's ordered domain into consecutive
segments and ``children[i]`` is the node for segment ``i``: segment 0 lies below ``cuts[0]``,
segment ``i`` runs from ``cuts[i-1]`` up to (not including) ``cuts[i]``. A cut is a pair
``(value, side)``: side 0 sits just below ``value``, side 1 just above it, so ``(v, 0)`` opens a
segment that includes ``v`` and ``(v, 1)`` one that starts right after it. Strings, interpreter
versions and booleans (``(1, 0)`` splits False from True) all use the same shape.

Nodes are hash-consed: ``make`` returns the one existing node for a (variable, cuts, children)
triple, merges neighbouring segments with the same child, and skips a node whose segments all
lead to the same child. With a fixed variable order that makes the diagram canonical, so two
equivalent markers are the same object and ``is`` is equivalence. ``apply_and`` / ``apply_or`` /
``negate`` are memoized on node ids; the caches are bounded and simply cleared when full.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any, Final

from universal_lock.markers._variables import TERMINAL_KEY, VarKey

Cut = tuple[Any, int]

_MAX_CACHE: Final = 1_000_000


class Node:
    """One interned diagram node; compare with ``is``. Build only through ``make``."""

    __slots__ = ("children", "cuts", "text", "uid", "var", "wrapper")

    var: VarKey
    cuts: tuple[Cut, ...]
    children: tuple[Node, ...]
    uid: int
    wrapper: Any  # the public MarkerTree for this node, created on first use
    text: str | None  # the canonical printed form, computed on first use

    def __repr__(self) -> str:
        if self is TRUE_NODE:
            return "<Node TRUE>"
        if self is FALSE_NODE:
            return "<Node FALSE>"
        return f"<Node {self.var[1]} {len(self.children)} segments #{self.uid}>"

    def segment_of(self, point: Any) -> Node:
        """The child whose segment holds the domain value ``point``."""
        return self.children[bisect_right(self.cuts, (point, 0))]

    def segment_of_cut(self, cut: Cut) -> Node:
        """The child of the segment that starts at ``cut`` (or contains the spot just past it)."""
        return self.children[bisect_right(self.cuts, cut)]


_table: dict[tuple[VarKey, tuple[Cut, ...], tuple[int, ...]], Node] = {}


def _new(var: VarKey, cuts: tuple[Cut, ...], children: tuple[Node, ...]) -> Node:
    node = Node.__new__(Node)
    node.var = var
    node.cuts = cuts
    node.children = children
    node.uid = len(_table) + 2
    node.wrapper = None
    node.text = None
    return node


def _terminal(uid: int) -> Node:
    node = Node.__new__(Node)
    node.var = TERMINAL_KEY
    node.cuts = ()
    node.children = ()
    node.uid = uid
    node.wrapper = None
    node.text = None
    return node


TRUE_NODE: Final = _terminal(1)
FALSE_NODE: Final = _terminal(0)


def make(
    var: VarKey, cuts: tuple[Cut, ...] | list[Cut], children: tuple[Node, ...] | list[Node]
) -> Node:
    """The canonical node for these segments (merging equal neighbours, skipping a no-op test)."""
    first = children[0]
    for index in range(1, len(children)):
        if children[index] is children[index - 1]:
            break
    else:
        if len(children) == 1:
            return first
        return _intern(var, tuple(cuts), tuple(children))
    merged_cuts: list[Cut] = []
    merged_children: list[Node] = [first]
    previous = first
    for cut, child in zip(cuts, children[1:], strict=True):
        if child is not previous:
            merged_cuts.append(cut)
            merged_children.append(child)
            previous = child
    if len(merged_children) == 1:
        return first
    return _intern(var, tuple(merged_cuts), tuple(merged_children))


def _intern(var: VarKey, cuts: tuple[Cut, ...], children: tuple[Node, ...]) -> Node:
    key = (var, cuts, tuple([child.uid for child in children]))
    node = _table.get(key)
    if node is None:
        node = _new(var, cuts, children)
        _table[key] = node
    return node


def _merge_segments(a: Node, b: Node, combine: Callable[[Node, Node], Node]) -> Node:
    """Combine two nodes on the same variable segment by segment (a merge of sorted cuts)."""
    a_cuts, b_cuts = a.cuts, b.cuts
    a_children, b_children = a.children, b.children
    if a_cuts == b_cuts:  # common: both sides came from the same atoms or the world constraint
        return make(
            a.var, a_cuts, [combine(x, y) for x, y in zip(a_children, b_children, strict=True)]
        )
    a_count, b_count = len(a_cuts), len(b_cuts)
    i = j = 0
    cuts: list[Cut] = []
    children = [combine(a_children[0], b_children[0])]
    while i < a_count or j < b_count:
        if j >= b_count or (i < a_count and a_cuts[i] < b_cuts[j]):
            cut = a_cuts[i]
            i += 1
        elif i >= a_count or b_cuts[j] < a_cuts[i]:
            cut = b_cuts[j]
            j += 1
        else:
            cut = a_cuts[i]
            i += 1
            j += 1
        cuts.append(cut)
        children.append(combine(a_children[i], b_children[j]))
    return make(a.var, cuts, children)


# Memo keys pack the two node ids into one int (smaller id first): ints hash faster than tuples.
_and_cache: dict[int, Node] = {}
_or_cache: dict[int, Node] = {}
_not_cache: dict[int, Node] = {}


def apply_and(a: Node, b: Node) -> Node:
    """The conjunction of two diagrams."""
    if a is b or b is TRUE_NODE:
        return a
    if a is TRUE_NODE:
        return b
    if a is FALSE_NODE or b is FALSE_NODE:
        return FALSE_NODE
    key = (a.uid << 32 | b.uid) if a.uid < b.uid else (b.uid << 32 | a.uid)
    result = _and_cache.get(key)
    if result is not None:
        return result
    if a.var == b.var:
        result = _merge_segments(a, b, apply_and)
    elif a.var < b.var:
        result = make(a.var, a.cuts, [apply_and(child, b) for child in a.children])
    else:
        result = make(b.var, b.cuts, [apply_and(a, child) for child in b.children])
    if len(_and_cache) >= _MAX_CACHE:
        _and_cache.clear()
    _and_cache[key] = result
    return result


def apply_or(a: Node, b: Node) -> Node:
    """The disjunction of two diagrams."""
    if a is b or b is FALSE_NODE:
        return a
    if a is FALSE_NODE:
        return b
    if a is TRUE_NODE or b is TRUE_NODE:
        return TRUE_NODE
    key = (a.uid << 32 | b.uid) if a.uid < b.uid else (b.uid << 32 | a.uid)
    result = _or_cache.get(key)
    if result is not None:
        return result
    if a.var == b.var:
        result = _merge_segments(a, b, apply_or)
    elif a.var < b.var:
        result = make(a.var, a.cuts, [apply_or(child, b) for child in a.children])
    else:
        result = make(b.var, b.cuts, [apply_or(a, child) for child in b.children])
    if len(_or_cache) >= _MAX_CACHE:
        _or_cache.clear()
    _or_cache[key] = result
    return result


_diff_cache: dict[int, Node] = {}


def apply_diff(a: Node, b: Node) -> Node:
    """``a and not b`` in one pass (no intermediate complement of ``b``)."""
    if b is TRUE_NODE or a is FALSE_NODE or a is b:
        return FALSE_NODE
    if b is FALSE_NODE:
        return a
    if a is TRUE_NODE:
        return negate(b)
    key = a.uid << 32 | b.uid
    result = _diff_cache.get(key)
    if result is not None:
        return result
    if a.var == b.var:
        result = _merge_segments(a, b, apply_diff)
    elif a.var < b.var:
        result = make(a.var, a.cuts, [apply_diff(child, b) for child in a.children])
    else:
        result = make(b.var, b.cuts, [apply_diff(a, child) for child in b.children])
    if len(_diff_cache) >= _MAX_CACHE:
        _diff_cache.clear()
    _diff_cache[key] = result
    return result


_subset_cache: dict[int, bool] = {}


def is_subset(a: Node, b: Node) -> bool:
    """Whether every point of ``a`` is in ``b``, found without building ``a and not b``."""
    if a is FALSE_NODE or b is TRUE_NODE or a is b:
        return True
    if a is TRUE_NODE or b is FALSE_NODE:
        return False
    key = a.uid << 32 | b.uid
    result = _subset_cache.get(key)
    if result is not None:
        return result
    if a.var == b.var:
        result = _segments_all(a, b, is_subset)
    elif a.var < b.var:
        result = all(is_subset(child, b) for child in a.children)
    else:
        result = all(is_subset(a, child) for child in b.children)
    if len(_subset_cache) >= _MAX_CACHE:
        _subset_cache.clear()
    _subset_cache[key] = result
    return result


_disjoint_cache: dict[int, bool] = {}


def are_disjoint(a: Node, b: Node) -> bool:
    """Whether ``a and b`` is empty, found without building the conjunction."""
    if a is FALSE_NODE or b is FALSE_NODE:
        return True
    if a is TRUE_NODE or b is TRUE_NODE or a is b:
        return False
    key = (a.uid << 32 | b.uid) if a.uid < b.uid else (b.uid << 32 | a.uid)
    known = _and_cache.get(key)
    if known is not None:
        return known is FALSE_NODE
    result = _disjoint_cache.get(key)
    if result is not None:
        return result
    if a.var == b.var:
        result = _segments_all(a, b, are_disjoint)
    elif a.var < b.var:
        result = all(are_disjoint(child, b) for child in a.children)
    else:
        result = all(are_disjoint(a, child) for child in b.children)
    if len(_disjoint_cache) >= _MAX_CACHE:
        _disjoint_cache.clear()
    _disjoint_cache[key] = result
    return result


def _segments_all(a: Node, b: Node, test: Callable[[Node, Node], bool]) -> bool:
    """Whether ``test`` holds for the children of every segment of two same-variable nodes."""
    a_cuts, b_cuts = a.cuts, b.cuts
    if a_cuts == b_cuts:
        return all(test(x, y) for x, y in zip(a.children, b.children, strict=True))
    if not test(a.children[0], b.children[0]):
        return False
    for cut in sorted(set(a_cuts).union(b_cuts)):
        left = a.children[bisect_right(a_cuts, cut)]
        right = b.children[bisect_right(b_cuts, cut)]
        if not test(left, right):
            return False
    return True


def negate(a: Node) -> Node:
    """The complement of a diagram over the whole (unconstrained) domain."""
    if a is TRUE_NODE:
        return FALSE_NODE
    if a is FALSE_NODE:
        return TRUE_NODE
    result = _not_cache.get(a.uid)
    if result is None:
        result = make(a.var, a.cuts, [negate(child) for child in a.children])
        if len(_not_cache) >= _MAX_CACHE:
            _not_cache.clear()
        _not_cache[a.uid] = result
    return result


def rebuild(node: Node, visit: Callable[[Node], Node | None]) -> Node:
    """Rebuild a diagram bottom-up; ``visit`` may replace a node (return None to recurse)."""
    memo: dict[int, Node] = {}

    def walk(current: Node) -> Node:
        done = memo.get(current.uid)
        if done is not None:
            return done
        replaced = visit(current)
        if replaced is None:
            if current is TRUE_NODE or current is FALSE_NODE:
                replaced = current
            else:
                replaced = make(current.var, current.cuts, [walk(c) for c in current.children])
        memo[current.uid] = replaced
        return replaced

    return walk(node)


def boolean_node(var: VarKey, *, when_false: Node, when_true: Node) -> Node:
    """A node on a boolean atom."""
    return make(var, ((1, 0),), (when_false, when_true))


def cache_sizes() -> dict[str, int]:
    """How many nodes and memoized results exist (for the benchmark's report)."""
    return {
        "nodes": len(_table),
        "and": len(_and_cache),
        "or": len(_or_cache),
        "not": len(_not_cache),
        "diff": len(_diff_cache),
        "disjoint": len(_disjoint_cache),
        "subset": len(_subset_cache),
    }
