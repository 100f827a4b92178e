"""Interpreter versions as cut points: the domain of python_full_version and implementation_version.

The algebra reasons over *interpreter versions*: PEP 440 versions of epoch 0 with a release and
optionally a pre-release and/or dev segment, but no post-release and no local label (what
``platform.python_version()`` produces: ``3.12.4``, ``3.13.0rc2``). On that domain every
specifier in a marker is a union of intervals, which is what makes the algebra exact; literals
outside it (``3.10.post1``, ``1!3.0``, ``3.10+local``) are kept as opaque atoms instead.

Cuts are normalized so one position has one spelling: release numbers lose trailing zeros but
keep two components (``3.10.0`` -> ``3.10``, ``3`` -> ``3.0``), and "just above ``v``" becomes
"at ``v``'s successor" where the domain has one (``3.13rc1`` is followed by ``3.13rc2.dev0``,
``3.13.dev4`` by ``3.13.dev5``). The cuts of ``python_version`` (always ``X.Y``) are lifted onto
full versions here as well: ``python_version == '3.10'`` is ``[3.10.dev0, 3.11.dev0)``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from packaging.version import InvalidVersion, Version

from universal_lock.markers._diagram import Cut

# A segment list: cuts plus one truth value per segment (len(values) == len(cuts) + 1).
Segments = tuple[tuple[Cut, ...], tuple[bool, ...]]

# Cuts hold a plain tuple key per version instead of the ``Version`` itself: tuples of ints
# hash and compare in C, which is most of the cost of building and interning nodes.
VersionKey = tuple[tuple[int, ...], int, int, int]
_NO_DEV: Final = 1 << 62
_PHASES: Final = {"a": 1, "b": 2, "rc": 3}
_FINAL: Final = 4
_versions: dict[VersionKey, Version] = {}


def version_key(version: Version) -> VersionKey:
    """The sort key of an interpreter version (the release without trailing zeros first)."""
    release = list(version.release)
    while release and release[-1] == 0:
        release.pop()
    if version.pre is None:
        phase, number = (_FINAL, 0) if version.dev is None else (0, 0)
    else:
        phase, number = _PHASES[version.pre[0]], version.pre[1]
    dev = _NO_DEV if version.dev is None else version.dev
    key = (tuple(release), phase, number, dev)
    if key not in _versions:
        _versions[key] = _normalized(version)
    return key


def version_of(key: VersionKey) -> Version:
    """The normalized version a key stands for."""
    return _versions[key]


def version_probe(version: Version) -> Cut:
    """The spot of an environment's version among cuts (``bisect_right`` over the cuts).

    Versions outside the interpreter domain sit just past their base version (a post-release
    or local build of 3.10 behaves like "just above 3.10"), later epochs past everything.
    """
    if version.epoch != 0:
        return (((_NO_DEV,), 0, 0, 0), 1)
    if version.post is None and version.local is None:
        return (version_key(version), 0)
    dev = version.dev if version.post is None else None
    return (version_key(Version.from_parts(release=version.release, pre=version.pre, dev=dev)), 1)


@lru_cache(maxsize=4096)
def interpreter_version(text: str) -> Version | None:
    """``text`` as a normalized interpreter version, or None if it is not one."""
    try:
        version = Version(text)
    except InvalidVersion:
        return None
    if version.epoch != 0 or version.post is not None or version.local is not None:
        return None
    return _normalized(version)


def _normalized(version: Version) -> Version:
    release = list(version.release)
    while len(release) > 2 and release[-1] == 0:
        release.pop()
    while len(release) < 2:
        release.append(0)
    return Version.from_parts(release=tuple(release), pre=version.pre, dev=version.dev)


MIN_CUT: Final[Cut] = (version_key(Version("0.dev0")), 0)


def normalize_cut(version: Version, side: int) -> Cut | None:
    """The canonical spelling of a cut; None for a cut below every version (no cut at all)."""
    if side == 1:
        if version.dev is not None:
            version = Version.from_parts(
                release=version.release, pre=version.pre, dev=version.dev + 1
            )
            side = 0
        elif version.pre is not None:
            letter, number = version.pre
            version = Version.from_parts(release=version.release, pre=(letter, number + 1), dev=0)
            side = 0
    cut = (version_key(version), side)
    return None if cut <= MIN_CUT else cut


def _dev0(release: tuple[int, ...]) -> Version:
    return _normalized(Version.from_parts(release=release, dev=0))


def _is_prerelease(version: Version) -> bool:
    return version.pre is not None or version.dev is not None


def _segments(cuts: list[Cut | None], values: list[bool]) -> Segments:
    """Drop cuts that fell below the domain (their lower segment is empty)."""
    kept_cuts: list[Cut] = []
    kept_values = [values[0]]
    for cut, value in zip(cuts, values[1:], strict=True):
        if cut is None:
            kept_values[-1] = value
        else:
            kept_cuts.append(cut)
            kept_values.append(value)
    return tuple(kept_cuts), tuple(kept_values)


# Pure on two strings and asked again for every requires-python of every file and entry.
@lru_cache(maxsize=4096)
def specifier_segments(op: str, literal: str) -> Segments | None:
    """The interpreter versions ``var <op> literal`` admits, or None if not expressible exactly.

    Follows PEP 440 as ``packaging.specifiers.Specifier.contains(..., prereleases=True)``
    does: ``<V`` leaves out V's own pre-releases when V is final; ``==V.*`` is a prefix match;
    ``~=`` is ``>=`` plus a prefix match.
    """
    wildcard = literal.endswith(".*")
    text = literal[:-2] if wildcard else literal
    try:
        raw = Version(text)
    except InvalidVersion:
        return None
    version = interpreter_version(text)
    if version is None:
        return None
    if wildcard:
        if op not in ("==", "!=") or _is_prerelease(raw):
            return None
        prefix = raw.release
        low = normalize_cut(_dev0(prefix), 0)
        high = normalize_cut(_dev0((*prefix[:-1], prefix[-1] + 1)), 0)
        inside = op == "=="
        return _segments([low, high], [not inside, inside, not inside])
    if op == "~=":
        if len(raw.release) < 2:
            return None
        prefix = raw.release[:-1]
        high = normalize_cut(_dev0((*prefix[:-1], prefix[-1] + 1)), 0)
        return _segments([normalize_cut(version, 0), high], [False, True, False])
    if op in ("==", "!="):
        inside = op == "=="
        cuts = [normalize_cut(version, 0), normalize_cut(version, 1)]
        return _segments(cuts, [not inside, inside, not inside])
    if op == ">=":
        return _segments([normalize_cut(version, 0)], [False, True])
    if op == ">":
        return _segments([normalize_cut(version, 1)], [False, True])
    if op == "<=":
        return _segments([normalize_cut(version, 1)], [True, False])
    if op == "<":
        bound = version if _is_prerelease(version) else _dev0(version.release)
        return _segments([normalize_cut(bound, 0)], [True, False])
    return None


def _minor_at_or_above(cut: Cut) -> Cut:
    """Lift a cut onto the ``X.Y`` lattice: the first minor version the cut does not exceed."""
    version, side = version_of(cut[0]), cut[1]
    major, minor = (*version.release, 0)[:2]
    candidate = Version.from_parts(release=(major, minor))
    if candidate < version or (side == 1 and candidate == version):
        minor += 1
    lifted = normalize_cut(_dev0((major, minor)), 0)
    assert lifted is not None  # a minor's .dev0 is never below the domain
    return lifted


def lift_to_minor(segments: Segments) -> Segments:
    """Turn a set of ``python_version`` values into the full versions that have them."""
    cuts, values = segments
    if not cuts:
        return segments
    lifted = sorted({_minor_at_or_above(cut) for cut in cuts})
    new_values = [values[0]]
    for cut in lifted:
        representative = Version.from_parts(release=version_of(cut[0]).release[:2])
        new_values.append(values[_position(cuts, representative)])
    return tuple(lifted), tuple(new_values)


def _position(cuts: tuple[Cut, ...], version: Version) -> int:
    index = 0
    for cut in cuts:
        if cut <= (version_key(version), 0):
            index += 1
    return index


_MINOR: Final = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)")


def minor_substrings(literal: str) -> Segments:
    """``python_version in literal``: the ``X.Y`` strings that are substrings of ``literal``."""
    minors: set[tuple[int, int]] = set()
    for start in range(len(literal)):
        for end in range(start + 3, len(literal) + 1):
            piece = literal[start:end]
            match = _MINOR.fullmatch(piece)
            if match:
                minors.add((int(match[1]), int(match[2])))
    cuts: list[Cut | None] = []
    values = [False]
    for major, minor in sorted(minors):
        low = normalize_cut(_dev0((major, minor)), 0)
        high = normalize_cut(_dev0((major, minor + 1)), 0)
        if cuts and cuts[-1] == low:
            cuts[-1] = high  # adjacent minors: extend the previous run
            continue
        cuts.extend([low, high])
        values.extend([True, False])
    return _segments(cuts, values)
