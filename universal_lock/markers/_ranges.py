"""Conversions between ``python_full_version`` segments and packaging's version sets.

``SpecifierSet`` (a project's ``requires-python``) converts exactly through the same rules as
marker comparisons. A ``VersionRange`` is projected onto interpreter versions (see
``_versions``) through its interval bounds; ``packaging`` exposes no public accessor for them
yet, so this module is the one place that reads ``VersionRange._bounds``.
"""

from __future__ import annotations

from typing import Any

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.markers._diagram import (
    FALSE_NODE,
    TRUE_NODE,
    Cut,
    Node,
    apply_and,
    apply_or,
    make,
)
from universal_lock.markers._variables import PYTHON, fixed_key
from universal_lock.markers._versions import (
    interpreter_version,
    normalize_cut,
    specifier_segments,
    version_of,
)

_PYTHON_KEY = fixed_key(PYTHON)


def python_node(python: VersionRange | SpecifierSet) -> Node:
    """A diagram on ``python_full_version`` (no world constraint) for a set of versions."""
    if isinstance(python, SpecifierSet):
        node = TRUE_NODE
        for specifier in python:
            segments = specifier_segments(specifier.operator, specifier.version)
            if segments is None:
                return python_node(python.to_range())
            spec_cuts, values = segments
            spec_children = [TRUE_NODE if value else FALSE_NODE for value in values]
            node = apply_and(node, make(_PYTHON_KEY, spec_cuts, spec_children))
        return node
    node = FALSE_NODE
    for lower, upper in python._bounds:
        low: Cut | str | None = None
        if lower.version is not None:
            low = _project(lower.version, exclusive=not lower.inclusive)
        high: Cut | str | None = "above"
        if upper.version is not None:
            high = _project(upper.version, exclusive=upper.inclusive)
        if isinstance(low, str):
            continue  # starts beyond every interpreter version
        cuts: list[Cut] = []
        children: list[Node] = []
        if low is not None:
            cuts.append(low)
            children.append(FALSE_NODE)
        children.append(TRUE_NODE)
        if high != "above":
            if high is None or isinstance(high, str) or (low is not None and high <= low):
                continue  # the interval holds no interpreter version
            cuts.append(high)
            children.append(FALSE_NODE)
        node = apply_or(node, make(_PYTHON_KEY, cuts, children))
    return node


def _project(bound: Any, *, exclusive: bool) -> Cut | str | None:
    """Where a packaging bound falls among interpreter versions.

    Returns the cut that starts the segment *after* the bound's position when ``exclusive``
    (the bound's version itself is left out), or at it otherwise; None means "below every
    interpreter version" and "above" beyond all of them (a later epoch).
    """
    boundary = not isinstance(bound, Version)
    version: Version = bound.version if boundary else bound
    if version.epoch > 0:
        return "above"
    if version.epoch < 0:
        return None
    exact = None if boundary else interpreter_version(str(version))
    if exact is not None:
        return normalize_cut(exact, 1 if exclusive else 0)
    # A post-release, a local label or a boundary just past a version's family: the first
    # interpreter version after it follows the version's release, pre and (without post) dev.
    dev = version.dev if version.post is None else None
    base = Version.from_parts(release=version.release, pre=version.pre, dev=dev)
    return normalize_cut(base, 1)


def inside_runs(cuts: tuple[Cut, ...], inside: list[bool]) -> list[tuple[Cut | None, Cut | None]]:
    """Maximal runs of segments marked ``inside`` as (low cut, high cut); None is unbounded.

    ``inside[0]`` is the segment below the first cut, ``inside[i + 1]`` the one above cut ``i``.
    """
    runs: list[tuple[Cut | None, Cut | None]] = []
    start: Cut | None = None
    open_run = inside[0]
    for index, cut in enumerate(cuts):
        now = inside[index + 1]
        if now and not open_run:
            start = cut
        elif open_run and not now:
            runs.append((start, cut))
        open_run = now
    if open_run:
        runs.append((start, None))
    return runs


def to_version_range(cuts: tuple[Cut, ...], inside: list[bool]) -> VersionRange:
    """The ``VersionRange`` (prereleases=True policy) of the segments marked ``inside``."""
    result = VersionRange.empty(prereleases=True)
    for low, high in inside_runs(cuts, inside):
        specifiers: list[str] = []
        if low is not None:
            specifiers.append(f"{'>' if low[1] else '>='}{version_of(low[0])}")
        if high is not None:
            version, side = version_of(high[0]), high[1]
            if side == 1:
                specifiers.append(f"<={version}")
            elif version.is_prerelease:
                specifiers.append(f"<{version}")
            else:
                specifiers.extend([f"<={version}", f"!={version}"])
        if not specifiers:
            return VersionRange.full(prereleases=True)
        result = result | SpecifierSet(",".join(specifiers), prereleases=True).to_range()
    return result
