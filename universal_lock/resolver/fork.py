"""One fork: a region of environments with its own PubGrub state and what it has learned.

Forks are cheap to split: the solver state is cloned at the fork point, so a child goes on
from there instead of starting again (DESIGN.md, "Forking").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.version import Version

from universal_lock.markers import MarkerTree
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
