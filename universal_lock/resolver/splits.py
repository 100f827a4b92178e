"""Where to split a fork whose cloned, unconditional dependencies would mislead the solver. Pure.

Inside one fork the solver treats every dependency as holding throughout the fork's region.
That is right when the dependency's marker covers the region where its package is needed,
and misleading otherwise: ``d; sys_platform == 'linux'`` requiring ``a>=2; sys_platform !=
'linux'`` would make the solver look for ``a>=2`` anywhere, and a dependency added while a
package was needed everywhere still binds after backtracking made it needed in less. Both
functions here answer with a marker to split the fork on (the universal resolver then starts
the parts from the root), or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from universal_lock.markers import FALSE, MarkerTree
from universal_lock.resolver.fork import Fork
from universal_lock.resolver.requirements import Scoped
from universal_lock.solver import DependencyCause, DerivedCause, Incompatibility


def needed_split(fork: Fork, package: str, scoped: Sequence[Scoped]) -> MarkerTree | None:
    """Where ``package`` is needed, when one of its dependencies applies only outside that.

    Giving the dependencies only for where the package is needed now would be wrong if
    another path reached it later; splitting instead plans them, inside, for a region that
    needs the package throughout, and leaves the package out of the other side entirely.
    """
    region = fork.region
    needed = fork.needed(fork.solver.root).get(package, FALSE)
    if needed.is_empty() or needed == region:
        return None
    if any(
        not (item.marker & region).is_empty() and (item.marker & needed).is_empty()
        for item in scoped
    ):
        return needed
    return None


def failure_split(fork: Fork, failure: Incompatibility) -> MarkerTree | None:
    """A marker, covering part of the fork, that a dependency used by ``failure`` depends on.

    The candidates are the edge markers of the dependencies in the derivation, and where
    their packages are needed; the smallest by text is chosen, so the choice is stable.
    """
    region = fork.region
    reached = fork.needed(fork.solver.root)
    candidates: set[MarkerTree] = set()
    for package, dependency in _dependency_pairs(failure):
        markers = [reached.get(package, FALSE)] + [
            edges[dependency]
            for (key, _version), edges in fork.edges.items()
            if key == package and dependency in edges
        ]
        for marker in markers:
            inside = region & marker
            if not inside.is_empty() and inside != region:
                candidates.add(inside)
    return min(candidates, key=str) if candidates else None


def _dependency_pairs(root: Incompatibility) -> list[tuple[str, str]]:
    """(package, dependency) of every dependency fact a derivation tree uses."""
    pairs: list[tuple[str, str]] = []
    seen: set[int] = set()
    work = [root]
    while work:
        incompatibility = work.pop()
        if id(incompatibility) in seen:
            continue
        seen.add(id(incompatibility))
        cause = incompatibility.cause
        if isinstance(cause, DependencyCause):
            pairs.append((cause.package, cause.dependency))
        elif isinstance(cause, DerivedCause):
            work += [cause.right, cause.left]
    return pairs
