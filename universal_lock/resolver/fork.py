"""One fork: a region of environments with its own PubGrub state and what it has learned.

Forks are cheap to split: the solver state is cloned at the fork point, so a child goes on
from there instead of starting again (DESIGN.md, "Forking").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.ranges import VersionRange
from packaging.version import Version

from universal_lock.markers import FALSE, MarkerTree
from universal_lock.resolver.model import SourceRef
from universal_lock.solver import Solver

#: A solver package at a version: ``("foo[bar]", Version("1.0"))``.
Node = tuple[str, Version]


@dataclass(slots=True, kw_only=True)
class Fork:
    """A region being solved.

    ``edges`` records, for every package version whose dependencies were given in this
    fork, where each dependency applies; the merge walks them from the root to find each
    entry's marker. ``sources`` fixes one source per package name within the fork.
    """

    region: MarkerTree
    solver: Solver
    edges: dict[Node, dict[str, MarkerTree]] = field(default_factory=dict)
    sources: dict[str, SourceRef] = field(default_factory=dict)
    #: The resolver's last answer per package: (range asked, generation, version chosen).
    choices: dict[str, tuple[VersionRange, tuple[int, int], Version | None]] = field(
        default_factory=dict, repr=False
    )
    # ``needed`` kept up to date as edges arrive (edges are only ever added, so reachability
    # only grows); None until first asked, and in a fresh split whose region is smaller.
    _reached: dict[str, MarkerTree] | None = field(default=None, repr=False)
    _outgoing: dict[str, list[dict[str, MarkerTree]]] = field(default_factory=dict, repr=False)

    def add_edges(self, node: Node, dependencies: Mapping[str, MarkerTree]) -> None:
        """Record where each dependency of ``node`` applies (always use this, not ``edges``)."""
        given = dict(dependencies)
        known = node in self.edges
        self.edges[node] = given
        if self._reached is None:
            return
        if known:  # the same version given again: start over rather than un-propagate
            self._reached = None
            return
        self._outgoing.setdefault(node[0], []).append(given)
        self._flow([node[0]])

    def split(self, region: MarkerTree) -> Fork:
        """A child fork for ``region`` (a part of this one) continuing from this state."""
        return Fork(
            region=region,
            solver=self.solver.clone(),
            edges={node: dict(deps) for node, deps in self.edges.items()},
            sources=dict(self.sources),
        )

    def needed(self, root: str) -> Mapping[str, MarkerTree]:
        """Where each solver package may be needed so far: an over-approximation (read-only).

        Like the merge's reachability, but following the edges of every version whose
        dependencies were given (a backtracked one too), because the solver's current
        decisions are not visible here. Wider never hides a region that needs a package.
        Computed once per fork and then extended edge by edge (it was recomputed on every
        resolver step: half the time of a 2,000-package lock).
        """
        if self._reached is None or root not in self._reached:
            self._reached = {root: self.region}
            self._outgoing = {}
            for (key, _version), dependencies in self.edges.items():
                self._outgoing.setdefault(key, []).append(dependencies)
            self._flow([root])
        return self._reached

    def _flow(self, work: list[str]) -> None:
        reached = self._reached
        assert reached is not None
        while work:
            key = work.pop()
            here = reached.get(key)
            if here is None:
                continue
            for dependencies in self._outgoing.get(key, ()):
                for dependency, edge in dependencies.items():
                    before = reached.get(dependency, FALSE)
                    after = before | (here & edge)
                    if after != before:
                        reached[dependency] = after
                        work.append(dependency)

    def has_stale_edges(self, root: str) -> bool:
        """Whether some dependency given to the solver cannot apply anywhere in the region.

        True when an edge's marker misses every environment where its source package may be
        needed: the solver would have to satisfy that dependency here all the same.
        """
        reached = self.needed(root)
        for (key, _version), dependencies in self.edges.items():
            here = reached.get(key, FALSE)
            if any((here & edge).is_empty() for edge in dependencies.values()):
                return True
        return False
