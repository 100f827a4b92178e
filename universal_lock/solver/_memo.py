"""Identity-keyed memos of the range questions and operations the solver repeats.

``VersionRange`` hashes and compares structurally, walking its intervals every time, and
membership goes through a general-purpose ``contains``. The solver asks the same questions
about the same range *objects* over and over: a dependency's range against the summaries it
meets after every backjump, a listed version against the range a package is allowed. Keyed
on object identity, a repeated question is one dict lookup.

Operations are memoized too (intersection, difference, union, the singleton of a version),
and their results interned by value, so that a summary rebuilt after a backjump from the
same assignments, or a range conflict resolution derives again, is the very same object as
before, and the questions asked about it hit the memos again.

Each entry holds its operands, so an id cannot be reused by another object while its entry
lives: a hit always means the same objects. Ranges are immutable, so an answer never goes
stale. The tables are emptied when they grow past ``_LIMIT`` entries (a bound on memory;
the answers are simply computed again).
"""

from __future__ import annotations

from typing import TypeVar

from packaging.ranges import VersionRange
from packaging.version import Version

#: Entries per table before it is emptied.
_LIMIT = 1 << 16

_K = TypeVar("_K")
_V = TypeVar("_V")

# Membership by range, then by version (a ``Version`` caches its hash; equal versions
# have the same answer), which is smaller than one entry per pair.
_members: dict[int, tuple[VersionRange, dict[Version, bool]]] = {}
_counts: dict[tuple[int, int], tuple[VersionRange, tuple[Version, ...], int]] = {}
_subsets: dict[tuple[int, int], tuple[VersionRange, VersionRange, bool]] = {}
_disjoints: dict[tuple[int, int], tuple[VersionRange, VersionRange, bool]] = {}
_intersections: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_differences: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_unions: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_singletons: dict[int, tuple[Version, VersionRange]] = {}
_interned: dict[VersionRange, VersionRange] = {}


def _store(table: dict[_K, _V], key: _K, entry: _V) -> _V:
    """Put ``entry`` in ``table`` (emptied first when it has reached ``_LIMIT``); return it."""
    if len(table) >= _LIMIT:
        table.clear()
    table[key] = entry
    return entry


def contains(versions: VersionRange, version: Version) -> bool:
    """``version in versions``, memoized by the range's identity and the version's value."""
    found = _members.get(id(versions))
    if found is not None:
        result = found[1].get(version)
        if result is not None:
            return result
    result = version in versions
    answers = _answers(versions)
    if answers is not None:
        answers[version] = result
    return result


def _answers(versions: VersionRange) -> dict[Version, bool] | None:
    """The membership answers known for ``versions`` (filled in by the callers).

    Keyed by the version's value, which is right for intervals: equal versions lie in the
    same intervals. A ``===`` literal matches by spelling (``===1.0`` admits ``1.0`` but not
    the equal ``1.0.0``), so a range with literals has no table (None): ask it directly.
    """
    found = _members.get(id(versions))
    if found is not None:
        return found[1]
    if not _by_value_is_exact(versions):
        return None
    found = _store(_members, id(versions), (versions, {}))
    return found[1]


def _by_value_is_exact(versions: VersionRange) -> bool:
    # packaging has no public view of a range's ``===`` literals; reading the private
    # sets is confined here, and anything unexpected disables the memo (never an error).
    admit = getattr(versions, "_admit", None)
    reject = getattr(versions, "_reject", None)
    return isinstance(admit, frozenset) and isinstance(reject, frozenset) and not (admit or reject)


def count_within(versions: VersionRange, candidates: tuple[Version, ...]) -> int:
    """How many of ``candidates`` lie in ``versions``, memoized by the identity of both."""
    key = (id(versions), id(candidates))
    found = _counts.get(key)
    if found is not None:
        return found[2]
    answers = _answers(versions)
    if answers is None:
        return sum(1 for version in candidates if version in versions)
    count = 0
    for version in candidates:
        inside = answers.get(version)
        if inside is None:
            inside = answers[version] = version in versions
        count += inside
    _store(_counts, key, (versions, candidates, count))
    return count


def is_subset(inner: VersionRange, outer: VersionRange) -> bool:
    """``inner ⊆ outer``, memoized by identity."""
    if inner is outer:
        return True
    key = (id(inner), id(outer))
    found = _subsets.get(key)
    if found is not None:
        return found[2]
    result = inner.is_subset(outer)
    _store(_subsets, key, (inner, outer, result))
    return result


def is_disjoint(first: VersionRange, second: VersionRange) -> bool:
    """``first ∩ second = ∅``, memoized by identity."""
    key = (id(first), id(second))
    found = _disjoints.get(key)
    if found is not None:
        return found[2]
    result = first.is_disjoint(second)
    _store(_disjoints, key, (first, second, result))
    return result


def intersection(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first & second``, memoized by identity (the same result object on a hit)."""
    if first is second:
        return first
    key = (id(first), id(second))
    found = _intersections.get(key)
    if found is not None:
        return found[2]
    result = _canonical(first & second)
    _store(_intersections, key, (first, second, result))
    return result


def difference(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first - second``, memoized by identity."""
    key = (id(first), id(second))
    found = _differences.get(key)
    if found is not None:
        return found[2]
    result = _canonical(first - second)
    _store(_differences, key, (first, second, result))
    return result


def union(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first | second``, memoized by identity."""
    if first is second:
        return first
    key = (id(first), id(second))
    found = _unions.get(key)
    if found is not None:
        return found[2]
    result = _canonical(first | second)
    _store(_unions, key, (first, second, result))
    return result


def singleton(version: Version) -> VersionRange:
    """The strict singleton ``{version}`` (pre-releases allowed), one object per version."""
    found = _singletons.get(id(version))
    if found is not None:
        return found[1]
    result = _canonical(VersionRange.singleton(version, prereleases=True))
    _store(_singletons, id(version), (version, result))
    return result


def _canonical(result: VersionRange) -> VersionRange:
    """One object per distinct range computed here (interned by value).

    Conflict resolution derives ranges equal to ones met before along other paths; as the
    same object, the identity memos answer for them too. Hashing a new result once is much
    cheaper than the interval algebra it then saves. Equal ranges may still be spelled
    differently (``>=1.0`` and ``>=1.0.0`` are equal), and explanations print the bounds
    as spelled, so only a range spelled alike is replaced by the interned one.
    """
    found = _interned.get(result)
    if found is not None and _spelled_alike(found, result):
        return found
    return _store(_interned, result, result)


def _spelled_alike(first: VersionRange, second: VersionRange) -> bool:
    """Whether two equal ranges print alike: their bounds' release segments match.

    Equal PEP 440 versions differ in text only by trailing zeros of the release.
    packaging has no public view of a range's intervals; this reads the private tuple,
    as ``ranges.py`` does, and treats anything unexpected as not alike.
    """
    first_bounds = getattr(first, "_bounds", None)
    second_bounds = getattr(second, "_bounds", None)
    if not isinstance(first_bounds, tuple) or not isinstance(second_bounds, tuple):
        return False
    for (first_lower, first_upper), (second_lower, second_upper) in zip(
        first_bounds, second_bounds, strict=True
    ):
        if _release(first_lower) != _release(second_lower):
            return False
        if _release(first_upper) != _release(second_upper):
            return False
    return True


def _release(bound: object) -> object:
    version = getattr(bound, "version", None)
    inner = getattr(version, "version", version)  # a BoundaryVersion wraps a Version
    return getattr(inner, "release", None)
