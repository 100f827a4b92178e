"""``PinningBuildResolver``: build environments by greedy pinning, for the simple cases.

For each build requirement it takes the highest version that satisfies it and has a wheel for
the running interpreter, then does the same for that wheel's dependencies. It never
backtracks: when a later requirement rejects an earlier pin it stops with a clear error. A real
resolution of build requirements is the resolver's job (it will implement
``BuildRequirementsResolver`` itself); this covers backends with no or few dependencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from universal_lock.building.wheel_choice import tag_rank, tag_ranks
from universal_lock.index.errors import MetadataBuildFailed, OfflineMiss
from universal_lock.index.models import CoreMetadata, Distribution, Unavailable


class CandidateSource(Protocol):
    """The two questions pinning asks of the index client."""

    async def candidates(
        self, name: str, pinned_index: str | None = None
    ) -> list[Distribution]: ...

    async def metadata(self, dist: Distribution) -> CoreMetadata | Unavailable: ...


class PinningBuildResolver:
    """Greedy highest-version pinning against a ``CandidateSource``."""

    def __init__(self, source: CandidateSource) -> None:
        self._source = source
        self._tags = tag_ranks(list(sys_tags()))
        self._python = Version(default_environment()["python_full_version"])

    async def resolve_build_requirements(
        self, requirements: Sequence[Requirement], *, for_sdist: str
    ) -> Sequence[Distribution]:
        """Pin ``requirements`` and their dependencies; raise ``MetadataBuildFailed`` if greedy
        pinning cannot satisfy them."""
        chosen: dict[NormalizedName, Distribution] = {}
        expanded: set[tuple[NormalizedName, str]] = set()
        queue: list[Requirement] = list(requirements)
        while queue:
            requirement = queue.pop(0)
            name = canonicalize_name(requirement.name)
            pinned = chosen.get(name)
            if pinned is None:
                pinned = await self._choose(requirement, for_sdist)
                chosen[name] = pinned
            elif not requirement.specifier.contains(pinned.version, prereleases=True):
                raise MetadataBuildFailed(
                    for_sdist,
                    f"build requirement `{requirement}` conflicts with the pinned "
                    f"`{name}=={pinned.version}`; this build environment needs a real "
                    "resolution",
                )
            for extra in ("", *sorted(requirement.extras)):
                if (name, extra) in expanded:
                    continue
                expanded.add((name, extra))
                metadata = await self._source.metadata(pinned)
                if isinstance(metadata, Unavailable):
                    raise OfflineMiss(metadata.what)
                environment = {key: str(value) for key, value in default_environment().items()}
                environment["extra"] = extra
                queue.extend(
                    dependency
                    for dependency in metadata.requires_dist
                    if _applies(dependency, environment, extra)
                )
        return list(chosen.values())

    async def _choose(self, requirement: Requirement, for_sdist: str) -> Distribution:
        best: tuple[Version, int, Distribution] | None = None
        for dist in await self._source.candidates(requirement.name):
            if dist.kind != "wheel" or dist.yanked is not None:
                continue
            if not requirement.specifier.contains(dist.version):
                continue
            if dist.requires_python is not None and not dist.requires_python.contains(
                self._python, prereleases=True
            ):
                continue
            rank = tag_rank(dist.tags, self._tags)
            if rank is None:
                continue
            key = (dist.version, -rank)
            if best is None or key > (best[0], best[1]):
                best = (dist.version, -rank, dist)
        if best is None:
            raise MetadataBuildFailed(
                for_sdist,
                f"no wheel satisfies the build requirement `{requirement}` for this interpreter",
            )
        return best[2]


def _applies(requirement: Requirement, environment: dict[str, str], extra: str) -> bool:
    if requirement.marker is None:
        return extra == ""
    return requirement.marker.evaluate(environment)
