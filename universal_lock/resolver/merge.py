"""Merge finished forks into one resolution: an entry per (name, version, source) with its marker.

In each fork, an entry's marker is where some path from the root reaches it: the root's
marker is the fork region, and following an edge narrows by the edge's marker; a fixpoint
handles cycles. Across forks, an entry's marker is the union of its per-fork markers.
Entries of one name must never be selectable together; that is proved here, before
anything is written (a failure is a bug in ulock, reported as such).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import groupby

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import UlockError
from universal_lock.index import Distribution
from universal_lock.markers import FALSE, MarkerTree
from universal_lock.resolver.fork import Fork, Node
from universal_lock.resolver.model import DEFAULT_SOURCE, Resolution, ResolvedPackage, SourceRef
from universal_lock.resolver.requirements import split_key

FilesOf = Callable[[str, SourceRef, Version], tuple[Distribution, ...]]
RequiresPythonOf = Callable[[str, SourceRef, Version], SpecifierSet | None]


class OverlappingEntries(UlockError):
    """Two entries of one package could both be installed somewhere: a resolver bug."""


def reachability(fork: Fork, solution: dict[str, Version], root: Node) -> dict[str, MarkerTree]:
    """For each solver package of the fork, where it is reached from the root."""
    reached: dict[str, MarkerTree] = {root[0]: fork.region}
    versions = dict(solution)
    versions[root[0]] = root[1]
    work = [root[0]]
    while work:
        key = work.pop()
        version = versions.get(key)
        if version is None:
            continue
        here = reached[key]
        for dependency, edge in fork.edges.get((key, version), {}).items():
            if dependency not in versions:
                continue
            before = reached.get(dependency, FALSE)
            after = before | (here & edge)
            if after != before:
                reached[dependency] = after
                work.append(dependency)
    return reached


def merge_forks(
    finished: Sequence[tuple[Fork, dict[str, Version]]],
    *,
    root: Node,
    files: FilesOf,
    requires_python: RequiresPythonOf,
) -> Resolution:
    """Union the forks' entries, then prove that entries of one name are disjoint."""
    markers: dict[tuple[str, Version, SourceRef], MarkerTree] = {}
    for fork, solution in finished:
        reached = reachability(fork, solution, root)
        for key, version in solution.items():
            name, extra = split_key(key)
            if extra is not None:
                continue
            marker = reached.get(key, FALSE)
            if marker.is_empty():
                continue
            entry = (name, version, fork.sources.get(name, DEFAULT_SOURCE))
            markers[entry] = markers.get(entry, FALSE) | marker
    packages = tuple(
        ResolvedPackage(
            name=name,
            version=version,
            source=source,
            files=files(name, source, version),
            marker=marker,
            requires_python=requires_python(name, source, version),
        )
        for (name, version, source), marker in _in_lock_order(markers)
    )
    _prove_disjoint(packages)
    return Resolution(packages=packages, fork_markers=tuple(fork.region for fork, _ in finished))


def _in_lock_order(
    markers: Mapping[tuple[str, Version, SourceRef], MarkerTree],
) -> list[tuple[tuple[str, Version, SourceRef], MarkerTree]]:
    """By name, version, then marker text; a marker is rendered only to break a tie (rare,
    and rendering is what this ordering would otherwise spend its time on)."""
    ordered: list[tuple[tuple[str, Version, SourceRef], MarkerTree]] = []
    by_version = sorted(markers.items(), key=lambda item: (item[0][0], item[0][1]))
    for _, tied in groupby(by_version, key=lambda item: (item[0][0], item[0][1])):
        group = list(tied)
        ordered += sorted(group, key=lambda item: str(item[1])) if len(group) > 1 else group
    return ordered


def _prove_disjoint(packages: Sequence[ResolvedPackage]) -> None:
    by_name: dict[str, list[ResolvedPackage]] = {}
    for package in packages:
        by_name.setdefault(package.name, []).append(package)
    for name, entries in by_name.items():
        for index, first in enumerate(entries):
            for second in entries[index + 1 :]:
                if not first.marker.is_disjoint(second.marker):
                    raise OverlappingEntries(
                        f"internal error: two entries of `{name}` ({first.version} where "
                        f"`{first.marker}`, {second.version} where `{second.marker}`) could "
                        "both be installed in one environment; the lock was not written",
                        hint="please report this with the pyproject.toml that caused it",
                    )
