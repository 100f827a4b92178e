"""Version sets as the solver uses them: construction, validation and text.

Every range the solver touches is a ``packaging.ranges.VersionRange`` built with
``prereleases=True`` and without the arbitrary-string flag, so that set algebra
is exact and two ranges can always be combined (packaging refuses to combine
ranges with different pre-release policies, and treats the arbitrary-string flag
of ``full()`` as an extra member that only another flagged range contains).
Which pre-releases are *offered* is the provider's policy, not the solver's.

Text: :func:`format_range` spells a range the way PEP 440 users read it
(``>=1.0,<2.0``, ``==1.0``), falling back to a readable approximation for sets
that no single specifier set expresses.
"""

from __future__ import annotations

import functools

from packaging.ranges import VersionRange
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.solver._memo import singleton

#: Every version (pre-releases included, no arbitrary strings).
FULL: VersionRange = VersionRange.full(admit_arbitrary=False, prereleases=True)
#: No version.
EMPTY: VersionRange = VersionRange.empty(prereleases=True)

# Operator order for display: lower bounds, then upper bounds, then exclusions.
_OPERATOR_RANK = {"===": 0, "==": 1, "~=": 2, ">=": 3, ">": 4, "<=": 5, "<": 6, "!=": 7}


def exact(version: Version) -> VersionRange:
    """The set holding exactly ``version`` (not its local variants).

    The same object each time for the same ``Version`` object (see ``_memo``), so that
    the solver's identity memos recognise a decision made again after a backjump.
    """
    return singleton(version)


def parse_version(package: str, text: str) -> Version:
    """Parse a version string of ``package``; an invalid one is an ``InvalidRequirementData``."""
    try:
        return Version(text)
    except InvalidVersion as error:
        raise InvalidRequirementData("version", text, package=package, detail=str(error)) from None


def parse_range(package: str, specifier: str) -> VersionRange:
    """The exact version set of a PEP 440 specifier string (``""`` is every version).

    An unparsable string raises ``InvalidRequirementData`` naming ``package`` and
    the string.
    """
    try:
        return _parse_specifier(specifier)
    except InvalidSpecifier as error:
        raise InvalidRequirementData(
            "specifier", specifier, package=package, detail=str(error)
        ) from None


@functools.lru_cache(maxsize=4096)
def _parse_specifier(specifier: str) -> VersionRange:
    # Ranges are immutable and the same few specifiers recur across versions.
    return SpecifierSet(specifier, prereleases=True).to_range() & FULL


def coerce_version(package: str, value: Version | str) -> Version:
    """Accept a ``Version`` or a version string (validated with a clean error)."""
    if isinstance(value, Version):
        return value
    if isinstance(value, str):
        return parse_version(package, value)
    raise TypeError(f"version of {package!r} must be a Version or str, not {type(value).__name__}")


def coerce_range(package: str, value: VersionRange | SpecifierSet | str) -> VersionRange:
    """Bring a range, specifier set or specifier string into the solver's exact form.

    A ``VersionRange`` built with another pre-release policy cannot be combined
    with the solver's ranges; that is a caller bug and raises ``ValueError``.
    """
    if isinstance(value, str):
        return parse_range(package, value)
    if isinstance(value, SpecifierSet):
        return parse_range(package, str(value))
    if isinstance(value, VersionRange):
        try:
            return value & FULL
        except ValueError:
            raise ValueError(
                f"range for {package!r} must be built with prereleases=True "
                f"(SpecifierSet(s, prereleases=True).to_range()); got {value!r}"
            ) from None
    raise TypeError(
        f"range of {package!r} must be a VersionRange, SpecifierSet or str, "
        f"not {type(value).__name__}"
    )


def single_version(version_range: VersionRange) -> Version | None:
    """The one version a strict singleton range holds, else ``None``."""
    intervals = _intervals(version_range)
    if intervals is None or len(intervals) != 1:
        return None
    lower, upper = intervals[0]
    low, high = getattr(lower, "version", None), getattr(upper, "version", None)
    closed = getattr(lower, "inclusive", False) and getattr(upper, "inclusive", False)
    if closed and isinstance(low, Version) and isinstance(high, Version) and low == high:
        return low
    return None


def format_range(version_range: VersionRange) -> str:
    """PEP 440 text for a range: ``>=1.0,<2.0``, ``==1.0``, ``""`` for every version.

    An empty range is ``<0`` minus everything, spelled ``(no versions)``. Sets no
    specifier set expresses (a range with a hole at one exact version, or two
    separate intervals) get an approximate spelling: ``>=1.0,!=1.5,<2.0``,
    ``>=1.0,<1.2 || >=1.4``.
    """
    if version_range.is_empty:
        return "(no versions)"
    if version_range == FULL:
        return ""
    version = single_version(version_range)
    if version is not None:
        return f"=={version}"
    if _has_strict_upper(version_range):
        # "every version below 1.1.0, its pre-releases included" has no PEP 440
        # spelling better than ``<1.1.0`` (to_specifier_set finds ``<=1.1.0,!=1.1.0``).
        return _format_intervals(version_range)
    specifier_set = version_range.to_specifier_set()
    if specifier_set is not None:
        return _ordered(specifier_set)
    return _format_intervals(version_range)


def _has_strict_upper(version_range: VersionRange) -> bool:
    intervals = _intervals(version_range)
    if not intervals:
        return False
    upper = intervals[-1][1]
    version = getattr(upper, "version", None)
    if not isinstance(version, Version) or getattr(upper, "inclusive", True):
        return False
    return not (version.dev == 0 and version.pre is None and version.post is None)


def _ordered(specifier_set: SpecifierSet) -> str:
    parts = sorted(
        specifier_set, key=lambda spec: (_OPERATOR_RANK.get(spec.operator, 9), str(spec))
    )
    return ",".join(str(spec) for spec in parts)


def _intervals(version_range: VersionRange) -> tuple[tuple[object, object], ...] | None:
    # packaging exposes no public view of a range's intervals; reading the
    # private tuple is confined to this module and degrades to repr() text.
    intervals = getattr(version_range, "_bounds", None)
    if not isinstance(intervals, tuple):
        return None
    return intervals


def _format_intervals(version_range: VersionRange) -> str:
    intervals = _intervals(version_range)
    if not intervals:
        return repr(version_range)
    groups: list[list[str]] = []
    current: list[str] = []
    exclusions: list[str] = []
    for index, (lower, upper) in enumerate(intervals):
        hole = index > 0 and _is_point_hole(intervals[index - 1][1], lower)
        if index == 0 or not hole:
            if current:
                groups.append(current + exclusions)
            current, exclusions = [_lower_text(lower)], []
        else:
            exclusions.append(f"!={_bound_version(lower)}")
        if index == len(intervals) - 1 or not _is_point_hole(upper, intervals[index + 1][0]):
            current.append(_upper_text(upper))
    groups.append(current + exclusions)
    texts = [_point_or(",".join(sorted((p for p in group if p), key=_rank_of))) for group in groups]
    return " || ".join(text or "any" for text in texts)


def _point_or(text: str) -> str:
    """``>=1.0,<=1.0`` is the single version ``==1.0``."""
    parts = text.split(",")
    if len(parts) == 2 and parts[0].startswith(">=") and parts[1] == f"<={parts[0][2:]}":
        return f"=={parts[0][2:]}"
    return text


def _rank_of(part: str) -> int:
    for operator in ("===", "==", "~=", ">=", "<=", "!=", ">", "<"):
        if part.startswith(operator):
            return _OPERATOR_RANK[operator]
    return 9


def _bound_version(bound: object) -> str:
    version = getattr(bound, "version", None)
    inner = getattr(version, "version", version)  # a BoundaryVersion wraps a Version
    return str(inner)


def _is_point_hole(upper: object, lower: object) -> bool:
    """True when the gap between two intervals is one version (with its locals)."""
    upper_version = getattr(upper, "version", None)
    lower_version = getattr(lower, "version", None)
    if not isinstance(upper_version, Version) or getattr(upper, "inclusive", True):
        return False
    inner = getattr(lower_version, "version", lower_version)
    return inner == upper_version and not getattr(lower, "inclusive", True)


def _lower_text(lower: object) -> str:
    version = getattr(lower, "version", None)
    if version is None:
        return ""
    text = _bound_version(lower)
    if isinstance(version, Version) and getattr(lower, "inclusive", False):
        return f">={text}"
    return f">{text}"


def _upper_text(upper: object) -> str:
    version = getattr(upper, "version", None)
    if version is None:
        return ""
    if isinstance(version, Version) and not getattr(upper, "inclusive", False):
        if version.dev == 0 and version.pre is None and version.post is None:
            return f"<{version.base_version}"  # `<2.0` is stored as `< 2.0.dev0`
        return f"<{version}"
    return f"<={_bound_version(upper)}"
