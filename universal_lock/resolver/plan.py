"""Which dependencies a package has inside a fork region, or where the region must split.

Given scoped requirements and a region, either every solver key has one range that holds
across the whole region (a ``Plan``: the ranges for the solver and the edge markers for
the lock), or two requirements on one key disagree in different parts of the region, and
the region must be split on the marker of one of them (``Split``). Splitting repeats until
no disagreement is left (:func:`settle`). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.ranges import VersionRange

from universal_lock.markers import FALSE, MarkerTree
from universal_lock.resolver.requirements import Scoped


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Dependencies for the solver (key -> range) and where each applies (key -> marker)."""

    dependencies: Mapping[str, VersionRange]
    edges: Mapping[str, MarkerTree]


@dataclass(frozen=True, slots=True, kw_only=True)
class Split:
    """The region must be split on ``marker`` before the dependencies are well defined."""

    marker: MarkerTree


def plan(
    requirements: Iterable[Scoped],
    region: MarkerTree,
    constraints: Mapping[str, Sequence[Scoped]] | None = None,
) -> Plan | Split:
    """The dependencies in ``region``, or the marker to split it on.

    Requirements on one key whose markers differ inside the region are siblings: where
    their ranges agree the markers are merged, where they disagree the region forks.
    ``constraints`` (by package name) narrow a key only where it is required anyway.
    """
    by_key: dict[str, list[tuple[MarkerTree, VersionRange]]] = {}
    for requirement in requirements:
        applies = requirement.marker & region
        if applies.is_empty():
            continue
        by_key.setdefault(requirement.key, []).append((applies, requirement.versions))
    if constraints:
        for key, entries in by_key.items():
            for constraint in constraints.get(key, ()):
                applies = constraint.marker & region
                if not applies.is_empty():
                    entries.append((applies, constraint.versions))
    dependencies: dict[str, VersionRange] = {}
    edges: dict[str, MarkerTree] = {}
    for key in sorted(by_key):
        entries = by_key[key]
        versions = entries[0][1]
        where = FALSE
        for marker, wanted in entries:
            where = where | marker
            versions = versions & wanted
        disagree = _first_disagreement(entries, region)
        if disagree is not None:
            return Split(marker=disagree)
        dependencies[key] = versions
        edges[key] = where
    return Plan(dependencies=dependencies, edges=edges)


def _first_disagreement(
    entries: Sequence[tuple[MarkerTree, VersionRange]], region: MarkerTree
) -> MarkerTree | None:
    """A marker that cuts ``region`` between entries whose ranges differ, if any."""
    if len(entries) < 2:
        return None
    first_versions = entries[0][1]
    if all(versions == first_versions for _, versions in entries):
        return None  # same range everywhere: merge the markers, no fork
    for marker, _ in entries:
        if marker != region and not (region & ~marker).is_empty():
            return marker
    return None  # every entry covers the whole region: their intersection holds throughout


def settle(
    requirements: Sequence[Scoped],
    region: MarkerTree,
    constraints: Mapping[str, Sequence[Scoped]] | None = None,
) -> list[tuple[MarkerTree, Plan]]:
    """Split ``region`` until every part has a plan; parts in a stable order (inside first)."""
    result = plan(requirements, region, constraints)
    if isinstance(result, Plan):
        return [(region, result)]
    settled: list[tuple[MarkerTree, Plan]] = []
    for part in region.split_nonempty(result.marker):
        settled.extend(settle(requirements, part, constraints))
    return settled
