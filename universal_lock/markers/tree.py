"""``MarkerTree``: the public, canonical marker value, and parsing PEP 508 text into it.

A ``MarkerTree`` wraps one interned diagram node that already includes the world constraint
(the known ``sys_platform`` / ``platform_system`` / ``os_name`` and ``implementation_name`` /
``platform_python_implementation`` pairs, see ``_atoms.WORLD``). So
``TRUE`` is the world itself, ``~m`` is ``not m`` within the world, and two trees are equal
exactly when they admit the same real environments. One node has one wrapper, so ``==`` and
``hash`` are identity-fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from packaging._parser import Op, Value, Variable
from packaging.markers import InvalidMarker, Marker
from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from universal_lock.errors import InvalidRequirementData
from universal_lock.markers import _evaluate, _ranges
from universal_lock.markers._atoms import WORLD, AtomError, atom_node, membership
from universal_lock.markers._diagram import (
    FALSE_NODE,
    TRUE_NODE,
    Node,
    apply_and,
    apply_diff,
    apply_or,
    are_disjoint,
    is_subset,
    make,
    rebuild,
)
from universal_lock.markers._printer import render
from universal_lock.markers._variables import (
    EXTRA,
    EXTRAS,
    PYTHON,
    fixed_key,
)

_PYTHON_KEY: Final = fixed_key(PYTHON)
_EXTRA_KEY: Final = fixed_key(EXTRA)
_MAX_PARSE_CACHE: Final = 100_000
_PYTHON_MARKERS_LIMIT: Final = 4096
_PYTHON_MARKERS: dict[int, tuple[VersionRange, MarkerTree]] = {}


class InvalidMarkerError(InvalidRequirementData):
    """A marker that does not parse; the message quotes it and points at the bad spot."""

    def __init__(self, text: str, reason: str, pointer: str | None = None) -> None:
        super().__init__("marker", text, detail=reason)
        if pointer:
            self.message = f"{self.message}\n{pointer}"


class MarkerTree:
    """An environment marker in canonical form: immutable, hashable; ``==`` means equivalent."""

    __slots__ = ("_node",)

    _node: Node

    def __new__(cls, node: Node) -> MarkerTree:
        existing = node.wrapper
        if existing is not None:
            return existing  # type: ignore[no-any-return]
        tree = object.__new__(cls)
        object.__setattr__(tree, "_node", node)
        node.wrapper = tree
        return tree

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("MarkerTree is immutable")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (parse_marker, (str(self),))

    @classmethod
    def parse(cls, text: str) -> MarkerTree:
        """Parse PEP 508 marker text (same as ``parse_marker``)."""
        return parse_marker(text)

    @classmethod
    def from_python_range(cls, python: VersionRange | SpecifierSet) -> MarkerTree:
        """The marker that holds exactly for the interpreter versions in ``python``."""
        if not isinstance(python, VersionRange):
            return MarkerTree(apply_and(_ranges.python_node(python), WORLD))
        # The resolver asks this for every candidate it considers, with the same few range
        # objects (a version's Requires-Python): remembered by identity; the entry keeps
        # the range alive, so its id is not reused meanwhile. Ranges are immutable.
        found = _PYTHON_MARKERS.get(id(python))
        if found is not None:
            return found[1]
        tree = MarkerTree(apply_and(_ranges.python_node(python), WORLD))
        if len(_PYTHON_MARKERS) >= _PYTHON_MARKERS_LIMIT:
            _PYTHON_MARKERS.clear()
        _PYTHON_MARKERS[id(python)] = (python, tree)
        return tree

    # -- algebra -------------------------------------------------------------------------

    def __and__(self, other: MarkerTree) -> MarkerTree:
        return MarkerTree(apply_and(self._node, other._node))

    def __or__(self, other: MarkerTree) -> MarkerTree:
        return MarkerTree(apply_or(self._node, other._node))

    def __invert__(self) -> MarkerTree:
        return MarkerTree(apply_diff(WORLD, self._node))

    def is_empty(self) -> bool:
        """True when no environment satisfies the marker."""
        return self._node is FALSE_NODE

    def is_universal(self) -> bool:
        """True when every environment satisfies the marker."""
        return self._node is WORLD

    def is_disjoint(self, other: MarkerTree) -> bool:
        """True when no environment satisfies both markers."""
        return are_disjoint(self._node, other._node)

    def implies(self, other: MarkerTree) -> bool:
        """True when every environment satisfying ``self`` satisfies ``other``."""
        return is_subset(self._node, other._node)

    def split(self, other: MarkerTree) -> tuple[MarkerTree, MarkerTree]:
        """``(self & other, self & ~other)``; either part may be empty."""
        return self & other, MarkerTree(apply_diff(self._node, other._node))

    def split_nonempty(self, other: MarkerTree) -> tuple[MarkerTree, ...]:
        """The non-empty parts of ``split``, inside part first."""
        return tuple(part for part in self.split(other) if not part.is_empty())

    # -- python versions -----------------------------------------------------------------

    def python_range(self) -> VersionRange:
        """The ``python_full_version`` values for which some environment satisfies the marker."""
        node = self._node
        if node is FALSE_NODE:
            return VersionRange.empty(prereleases=True)
        if node.var != _PYTHON_KEY:
            return VersionRange.full(prereleases=True)
        inside = [child is not FALSE_NODE for child in node.children]
        return _ranges.to_version_range(node.cuts, inside)

    def simplify(self, requires_python: SpecifierSet | VersionRange) -> MarkerTree:
        """A marker equal to this one wherever the interpreter is within ``requires_python``.

        Comparisons that only exclude versions ``requires_python`` already excludes are
        dropped: under ``>=3.9``, ``python_full_version >= '3.9' and sys_platform == 'linux'``
        becomes ``sys_platform == 'linux'``. Only valid where ``requires_python`` holds.
        """
        node = self._node
        if node.var != _PYTHON_KEY:
            return self
        allowed = _ranges.python_node(requires_python)
        if allowed is FALSE_NODE or allowed is TRUE_NODE:
            return self
        cuts = sorted(set(node.cuts).union(allowed.cuts))
        points = [None, *cuts]
        kept: list[Node | None] = []
        for start in points:
            inside = allowed.children[0] if start is None else allowed.segment_of_cut(start)
            child = node.children[0] if start is None else node.segment_of_cut(start)
            kept.append(child if inside is TRUE_NODE else None)
        return MarkerTree(make(_PYTHON_KEY, cuts, _fill_dont_care(kept)))

    # -- extras --------------------------------------------------------------------------

    def extra_as_lock_extras(self) -> MarkerTree:
        """Rewrite requirement-level ``extra == 'x'`` into lock-level ``'x' in extras``.

        The result holds when the requirement would be installed with the lock's requested
        ``extras``: an installer evaluates a requirement with ``extra == ''`` and with each
        requested extra, so the result is ``m(extra='') or ('x' in extras and m(extra='x'))
        or ...`` over the extras ``m`` names. ``extra == 'x'`` becomes ``'x' in extras``;
        ``extra != 'x'`` holds for ``extra == ''`` and so becomes universal. A substring test
        on ``extra`` (an opaque atom) has no lock-level reading and is left as it is.
        """
        memo: dict[int, Node] = {}
        return MarkerTree(apply_and(_lift_extra(self._node, memo), WORLD))

    def with_extra(self, extra: str) -> MarkerTree:
        """The marker with the requirement-level ``extra`` fixed to this value (``''``: none)."""
        value = canonicalize_name(extra) if extra else ""

        def fix(node: Node) -> Node | None:
            # Below an `extra` node only later variables follow, so no second `extra` node.
            return node.segment_of(value) if node.var == _EXTRA_KEY else None

        return MarkerTree(rebuild(self._node, fix))

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(
        self,
        env: Mapping[str, str],
        *,
        extras: frozenset[str] = frozenset(),
        dependency_groups: frozenset[str] = frozenset(),
    ) -> bool:
        """Whether the environment satisfies the marker.

        ``env`` maps PEP 508 names to strings. Only the variables the marker actually tests
        on the way down are read; a missing one raises ``MissingEnvironmentValue``, except
        ``extra``, which defaults to ``''``, and ``python_full_version``, which falls back to
        ``python_version`` (and ``python_version`` to ``python_full_version``'s ``X.Y``).
        ``sys_platform`` / ``platform_system`` / ``os_name`` may be left out when the marker
        does not depend on them (the world constraint alone never needs them).
        """
        return _evaluate.evaluate(self._node, env, extras, dependency_groups)

    # -- text ----------------------------------------------------------------------------

    def __str__(self) -> str:
        node = self._node
        if node.text is None:
            node.text = render(node)
        return node.text

    def __repr__(self) -> str:
        return f"MarkerTree({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MarkerTree):
            return self._node is other._node
        return NotImplemented

    def __hash__(self) -> int:
        return self._node.uid

    def to_packaging(self) -> Marker | None:
        """The marker as ``packaging.markers.Marker``; None for the universal marker."""
        if self.is_universal():
            return None
        return Marker(str(self))


def _fill_dont_care(children: list[Node | None]) -> list[Node]:
    """Give segments outside requires-python the child of a neighbour, so they merge away."""
    known = [child for child in children if child is not None]
    if not known:
        return [FALSE_NODE for _ in children]
    filled: list[Node] = []
    previous: Node | None = None
    for child in children:
        chosen = child if child is not None else previous if previous is not None else known[0]
        filled.append(chosen)
        previous = chosen
    return filled


def _lift_extra(node: Node, memo: dict[int, Node]) -> Node:
    if node is TRUE_NODE or node is FALSE_NODE:
        return node
    done = memo.get(node.uid)
    if done is not None:
        return done
    children = [_lift_extra(child, memo) for child in node.children]
    if node.var != _EXTRA_KEY:
        result = make(node.var, node.cuts, children)
    else:
        # Installers evaluate a requirement once with extra == '' and once per requested
        # extra, and install it if any evaluation holds: the '' reading always applies.
        result = _lift_extra(node.segment_of(""), memo)
        for point in sorted({value for value, _ in node.cuts} - {""}):
            lifted = _lift_extra(node.segment_of(point), memo)
            result = apply_or(result, apply_and(membership(EXTRAS, point), lifted))
    memo[node.uid] = result
    return result


_parse_cache: dict[str, MarkerTree] = {}


def parse_marker(text: str) -> MarkerTree:
    """Parse PEP 508 marker text; raises ``InvalidRequirementData`` (kind "marker") if invalid.

    The empty string (or only whitespace) is the universal marker.
    """
    cached = _parse_cache.get(text)
    if cached is not None:
        return cached
    if not text.strip():
        return TRUE
    try:
        parsed = Marker(text)
    except InvalidMarker as error:
        reason, _, pointer = str(error).partition("\n")
        raise InvalidMarkerError(text, reason, pointer or None) from None
    try:
        node = apply_and(_build(parsed._markers), WORLD)
    except AtomError as error:
        raise InvalidMarkerError(text, str(error)) from None
    tree = MarkerTree(node)
    if len(_parse_cache) >= _MAX_PARSE_CACHE:
        _parse_cache.clear()
    _parse_cache[text] = tree
    return tree


def _build(items: Iterable[Any]) -> Node:
    """A packaging marker list: ``and`` binds tighter than ``or``."""
    result = FALSE_NODE
    conjunction = TRUE_NODE
    for item in items:
        if item == "or":
            result = apply_or(result, conjunction)
            conjunction = TRUE_NODE
        elif item == "and":
            continue
        elif isinstance(item, tuple):
            lhs, op, rhs = item
            assert isinstance(op, Op) and isinstance(lhs, Variable | Value)
            conjunction = apply_and(conjunction, atom_node(lhs, str(op), rhs))
        else:
            conjunction = apply_and(conjunction, _build(item))
    return apply_or(result, conjunction)


TRUE: Final = MarkerTree(WORLD)
FALSE: Final = MarkerTree(FALSE_NODE)
