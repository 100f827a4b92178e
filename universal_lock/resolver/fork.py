"""One fork: a region of environments with its own PubGrub state and what it has learned.

Forks are cheap to split: the solver state is cloned at the fork point, so a child goes on
from there instead of starting again (DESIGN.md, "Forking").
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def split(self, region: MarkerTree) -> Fork:
        """A child fork for ``region`` (a part of this one) continuing from this state."""
        return Fork(
            region=region,
            solver=self.solver.clone(),
            edges={node: dict(deps) for node, deps in self.edges.items()},
            sources=dict(self.sources),
        )

    def needed(self, root: str) -> dict[str, MarkerTree]:
        """Where each solver package may be needed so far: an over-approximation.

        Like the merge's reachability, but following the edges of every version whose
        dependencies were given (a backtracked one too), because the solver's current
        decisions are not visible here. Wider never hides a region that needs a package.
        """
        reached: dict[str, MarkerTree] = {root: self.region}
        by_key: dict[str, list[dict[str, MarkerTree]]] = {}
        for (key, _version), dependencies in self.edges.items():
            by_key.setdefault(key, []).append(dependencies)
        work = [root]
        while work:
            key = work.pop()
            here = reached[key]
            for dependencies in by_key.get(key, ()):
                for dependency, edge in dependencies.items():
                    before = reached.get(dependency, FALSE)
                    after = before | (here & edge)
                    if after != before:
                        reached[dependency] = after
                        work.append(dependency)
        return reached

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
