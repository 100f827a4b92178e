"""Identity-keyed memos of the range questions and operations the solver repeats.

``VersionRange`` hashes and compares structurally, walking its intervals every time, and
membership goes through a general-purpose ``contains``. The solver asks the same questions
about the same range *objects* over and over: a dependency's range against the summaries it
meets after every backjump, a listed version against the range a package is allowed. Keyed
on object identity, a repeated question is one dict lookup.

Operations are memoized too (intersection, difference, union, the singleton of a version),
so that a summary rebuilt after a backjump from the same assignments is the very same range
object as before, and the questions asked about it hit the memos again.

Each entry holds its operands, so an id cannot be reused by another object while its entry
lives: a hit always means the same objects. Ranges are immutable, so an answer never goes
stale. The tables are emptied when they grow past ``_LIMIT`` entries (a bound on memory;
the answers are simply computed again).
"""

from __future__ import annotations

import functools

from packaging.ranges import VersionRange
from packaging.version import Version

#: Entries per table before it is emptied.
_LIMIT = 1 << 16

# Membership by range, then by version (a ``Version`` caches its hash; equal versions
# have the same answer), which is smaller than one entry per pair.
_members: dict[int, tuple[VersionRange, dict[Version, bool]]] = {}
_subsets: dict[tuple[int, int], tuple[VersionRange, VersionRange, bool]] = {}
_disjoints: dict[tuple[int, int], tuple[VersionRange, VersionRange, bool]] = {}
_intersections: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_differences: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_unions: dict[tuple[int, int], tuple[VersionRange, VersionRange, VersionRange]] = {}
_singletons: dict[int, tuple[Version, VersionRange]] = {}


def contains(versions: VersionRange, version: Version) -> bool:
    """``version in versions``, memoized by the range's identity and the version's value."""
    found = _members.get(id(versions))
    if found is None:
        if len(_members) >= _LIMIT:
            _members.clear()
        found = _members[id(versions)] = (versions, {})
    answers = found[1]
    result = answers.get(version)
    if result is None:
        result = answers[version] = version in versions
    return result


def is_subset(inner: VersionRange, outer: VersionRange) -> bool:
    """``inner ⊆ outer``, memoized by identity."""
    if inner is outer:
        return True
    key = (id(inner), id(outer))
    found = _subsets.get(key)
    if found is not None:
        return found[2]
    result = _structural_subset(inner, outer)
    if len(_subsets) >= _LIMIT:
        _subsets.clear()
    _subsets[key] = (inner, outer, result)
    return result


def is_disjoint(first: VersionRange, second: VersionRange) -> bool:
    """``first ∩ second = ∅``, memoized by identity."""
    key = (id(first), id(second))
    found = _disjoints.get(key)
    if found is not None:
        return found[2]
    result = _structural_disjoint(first, second)
    if len(_disjoints) >= _LIMIT:
        _disjoints.clear()
    _disjoints[key] = (first, second, result)
    return result


def intersection(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first & second``, memoized by identity (the same result object on a hit)."""
    if first is second:
        return first
    key = (id(first), id(second))
    found = _intersections.get(key)
    if found is not None:
        return found[2]
    result = first & second
    if len(_intersections) >= _LIMIT:
        _intersections.clear()
    _intersections[key] = (first, second, result)
    return result


def difference(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first - second``, memoized by identity."""
    key = (id(first), id(second))
    found = _differences.get(key)
    if found is not None:
        return found[2]
    result = first - second
    if len(_differences) >= _LIMIT:
        _differences.clear()
    _differences[key] = (first, second, result)
    return result


def union(first: VersionRange, second: VersionRange) -> VersionRange:
    """``first | second``, memoized by identity."""
    if first is second:
        return first
    key = (id(first), id(second))
    found = _unions.get(key)
    if found is not None:
        return found[2]
    result = first | second
    if len(_unions) >= _LIMIT:
        _unions.clear()
    _unions[key] = (first, second, result)
    return result


def singleton(version: Version) -> VersionRange:
    """The strict singleton ``{version}`` (pre-releases allowed), one object per version."""
    found = _singletons.get(id(version))
    if found is not None:
        return found[1]
    result = VersionRange.singleton(version, prereleases=True)
    if len(_singletons) >= _LIMIT:
        _singletons.clear()
    _singletons[id(version)] = (version, result)
    return result


# Behind the identity memos, a smaller one by value: conflict resolution builds new range
# objects equal to ones already compared (a term carried through several resolution steps).
@functools.lru_cache(maxsize=1 << 13)
def _structural_subset(inner: VersionRange, outer: VersionRange) -> bool:
    return inner.is_subset(outer)


@functools.lru_cache(maxsize=1 << 13)
def _structural_disjoint(first: VersionRange, second: VersionRange) -> bool:
    return first.is_disjoint(second)
