"""From one PEP 508 comparison to a diagram, and the few facts about the world every marker assumes.

The semantics follow ``packaging.markers`` (the reference evaluator): on
``python_full_version``, ``python_version``, ``implementation_version`` and ``platform_release``
a literal that forms a valid specifier compares as a PEP 440 version; everything else compares
as a string, where ``==`` / ``!=`` test equality, ``<=`` / ``>=`` behave like ``==``, ``<`` /
``>`` are never true, and ``in`` / ``not in`` are substring tests. ``extra`` values and the names
in ``extras`` / ``dependency_groups`` are PEP 503-normalized.

Comparisons the interval model cannot express exactly (substring tests, ``===``, version
comparisons on ``platform_release``, versions with post or local segments, a literal on the left
of a version comparison) become *opaque atoms*: independent booleans that evaluate exactly but
whose relations to other atoms are not known to the algebra.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Final

from packaging._parser import Value, Variable
from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.utils import canonicalize_name

from universal_lock.markers._diagram import (
    FALSE_NODE,
    TRUE_NODE,
    Node,
    apply_and,
    apply_or,
    boolean_node,
    make,
    negate,
)
from universal_lock.markers._variables import (
    EXTRA,
    IMPLEMENTATION_NAME,
    OS_NAME,
    PLATFORM_PYTHON_IMPLEMENTATION,
    PLATFORM_RELEASE,
    PLATFORM_SYSTEM,
    PYTHON_VERSION,
    SET_VARIABLES,
    SYS_PLATFORM,
    VERSION_VARIABLES,
    VarKey,
    fixed_key,
    membership_key,
    opaque_key,
)
from universal_lock.markers._versions import (
    Segments,
    lift_to_minor,
    minor_substrings,
    specifier_segments,
)


class AtomError(ValueError):
    """A comparison that parses but can never be evaluated (``sys_platform ~= 'linux'``)."""


# Variables packaging compares as versions when the literal forms a valid specifier.
_VERSION_SEMANTICS: Final = VERSION_VARIABLES | {PLATFORM_RELEASE}
_NEGATED_OP: Final = {
    "==": "!=",
    "!=": "==",
    "in": "not in",
    "not in": "in",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "~=": "!=",
    "===": "!=",
}


def _from_segments(var: VarKey, segments: Segments) -> Node:
    cuts, values = segments
    return make(var, cuts, [TRUE_NODE if value else FALSE_NODE for value in values])


def string_equals(name: str, value: str) -> Node:
    """``name == 'value'`` with string semantics."""
    return make(fixed_key(name), ((value, 0), (value, 1)), (FALSE_NODE, TRUE_NODE, FALSE_NODE))


def membership(set_name: str, member: str) -> Node:
    """``'member' in extras`` (or ``dependency_groups``) as a node."""
    return boolean_node(
        membership_key(set_name, canonicalize_name(member)),
        when_false=FALSE_NODE,
        when_true=TRUE_NODE,
    )


def _opaque(name: str, op: str, value: str, *, reverse: bool) -> Node:
    if op == "not in":  # a substring test's negation is exact: one atom for both
        return negate(_opaque(name, "in", value, reverse=reverse))
    key = opaque_key(name, op, value, reverse=reverse)
    return boolean_node(key, when_false=FALSE_NODE, when_true=TRUE_NODE)


def _string_atom(name: str, op: str, value: str) -> Node | None:
    if op in ("==", "<=", ">="):
        return string_equals(name, value)
    if op == "!=":
        return negate(string_equals(name, value))
    if op in ("<", ">"):
        return FALSE_NODE
    return None


def atom_node(lhs: Variable | Value, op: str, rhs: Variable | Value) -> Node:
    """The diagram for one parsed comparison (before the world constraint is applied)."""
    reverse = isinstance(rhs, Variable)
    variable, literal = (rhs, lhs) if reverse else (lhs, rhs)
    if not isinstance(variable, Variable) or not isinstance(literal, Value):
        raise AtomError("a comparison needs one variable and one quoted value")
    name, value = str(variable), str(literal)
    if name in SET_VARIABLES:
        if not reverse or op not in ("in", "not in"):
            raise AtomError(f"`{name}` can only be used as `'name' in {name}`")
        node = membership(name, value)
        return node if op == "in" else negate(node)
    if name == EXTRA:
        value = canonicalize_name(value)
    version_valid = False
    if name in _VERSION_SEMANTICS and not reverse:
        try:
            Specifier(f"{op}{value}")
            version_valid = True
        except InvalidSpecifier:
            version_valid = False
    if version_valid:
        if name in VERSION_VARIABLES:
            segments = specifier_segments(op, value)
            if segments is not None:
                if name == PYTHON_VERSION:
                    segments = lift_to_minor(segments)
                return _from_segments(fixed_key(name), segments)
        return _opaque(name, op, value, reverse=reverse)
    if name == PYTHON_VERSION and not reverse and op in ("in", "not in"):
        minors = _from_segments(fixed_key(name), minor_substrings(value))
        return minors if op == "in" else negate(minors)
    if op in ("~=", "===") and name not in _VERSION_SEMANTICS:
        raise AtomError(f"`{op}` needs a version, and `{name}` is compared as a string")
    if (
        name in VERSION_VARIABLES
        or (reverse and name in _VERSION_SEMANTICS)
        or op in ("in", "not in", "~=", "===")
    ):
        return _opaque(name, op, value, reverse=reverse)
    string_node = _string_atom(name, op, value)
    return string_node if string_node is not None else _opaque(name, op, value, reverse=reverse)


def opaque_text(key: VarKey, *, negated: bool) -> str:
    """The PEP 508 text of an opaque atom (or of its negation, see docs/markers.md)."""
    _, name, op, tagged = key
    if negated:
        op = _NEGATED_OP[op]
    literal = _quote(tagged[1:])
    return f"{literal} {op} {name}" if tagged[0] == "<" else f"{name} {op} {literal}"


def _quote(value: str) -> str:
    return f'"{value}"' if "'" in value else f"'{value}'"


def opaque_holds(key: VarKey, environment: Mapping[str, str]) -> bool:
    """Evaluate an opaque atom exactly as ``packaging.markers`` would."""
    _, name, op, tagged = key
    value = tagged[1:]
    actual = environment[name]
    lhs, rhs = (value, actual) if tagged[0] == "<" else (actual, value)
    if name in _VERSION_SEMANTICS:
        try:
            specifier = Specifier(f"{op}{rhs}")
        except InvalidSpecifier:
            pass
        else:
            return specifier.contains(lhs, prereleases=True)
    return _string_holds(op, lhs, rhs)


def _string_holds(op: str, lhs: str, rhs: str | Set[str]) -> bool:
    if op == "in":
        return lhs in rhs
    if op == "not in":
        return lhs not in rhs
    if op in ("==", "<=", ">="):
        return lhs == rhs
    if op == "!=":
        return lhs != rhs
    return False


def _iff(a: Node, b: Node) -> Node:
    return apply_or(apply_and(a, b), apply_and(negate(a), negate(b)))


def _implies(a: Node, b: Node) -> Node:
    return apply_or(negate(a), b)


def _world() -> Node:
    """What every real interpreter satisfies: the known platform names go together.

    ``sys_platform`` 'linux' / 'darwin' / 'win32' come exactly with ``platform_system``
    'Linux' / 'Darwin' / 'Windows', and the first two with ``os_name`` 'posix', the last with
    'nt'. Other values (freebsd, cygwin, android, emscripten, ...) stay unconstrained. Likewise
    ``implementation_name`` 'cpython' / 'pypy' come exactly with
    ``platform_python_implementation`` 'CPython' / 'PyPy'.
    """
    world = TRUE_NODE
    for name, implementation in (("cpython", "CPython"), ("pypy", "PyPy")):
        world = apply_and(
            world,
            _iff(
                string_equals(IMPLEMENTATION_NAME, name),
                string_equals(PLATFORM_PYTHON_IMPLEMENTATION, implementation),
            ),
        )
    for platform, system in (("linux", "Linux"), ("darwin", "Darwin"), ("win32", "Windows")):
        sys_platform = string_equals(SYS_PLATFORM, platform)
        world = apply_and(world, _iff(sys_platform, string_equals(PLATFORM_SYSTEM, system)))
        os_name = "nt" if platform == "win32" else "posix"
        world = apply_and(world, _implies(sys_platform, string_equals(OS_NAME, os_name)))
    return world


WORLD: Final = _world()
