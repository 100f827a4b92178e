"""Build requirements resolved for one machine, the way the lock resolves everything else.

``EnvironmentBuildResolver`` implements the index client's ``BuildRequirementsResolver``
with the universal resolver: the project's indexes, sources (by marker, and by extra and group:
the region it solves says which extras and groups are active), overrides, constraints and
policy, for exactly one environment (the interpreter that runs the build). It serves the
builds nothing can pin beforehand: the metadata of an sdist prepared during ``ulock lock``
(ulock's own interpreter, no extras), and what a backend asks for dynamically during
``ulock sync``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.tags import Tag, sys_tags
from packaging.utils import canonicalize_name

from universal_lock.building.wheel_choice import preferred_wheel, tag_ranks
from universal_lock.errors import UlockError
from universal_lock.index import Distribution
from universal_lock.markers import TRUE, MarkerTree, parse_marker
from universal_lock.resolver import (
    IndexFinder,
    ResolverInput,
    UniversalResolver,
    apply_overrides,
    scope_requirements,
)

if TYPE_CHECKING:
    from universal_lock.index import IndexClient

# The marker variables that pin an environment down (platform_release and platform_version
# are free text no requirement can be resolved against).
_PINNED_KEYS = (
    "implementation_name",
    "os_name",
    "platform_machine",
    "platform_python_implementation",
    "platform_system",
    "python_full_version",
    "sys_platform",
)


class BuildRequirementsUnavailable(UlockError):
    """A build requirement has no wheel for the machine that builds."""


def environment_region(
    environment: Mapping[str, str],
    *,
    extras: Collection[str],
    groups: Collection[str],
    known_extras: Collection[str],
    known_groups: Collection[str],
) -> MarkerTree:
    """The marker region of one environment with exactly these extras and groups active."""
    region = TRUE
    for key in _PINNED_KEYS:
        value = environment[key].replace("'", "")
        region = region & parse_marker(f"{key} == '{value}'")
    for extra in known_extras:
        region = region & parse_marker(f"'{extra}' {'in' if extra in extras else 'not in'} extras")
    for group in known_groups:
        where = "in" if group in groups else "not in"
        region = region & parse_marker(f"'{group}' {where} dependency_groups")
    return region


class EnvironmentBuildResolver:
    """``BuildRequirementsResolver`` for one environment; bind the index client before use."""

    def __init__(
        self, request: ResolverInput, region: MarkerTree, tags: Sequence[Tag] | None = None
    ) -> None:
        """``tags``: the build interpreter's, most preferred first; ``None`` for the running
        interpreter's, worked out only if a build happens (most locks build nothing)."""
        self._request = request
        self._region = region
        self._tags = tags
        self._client: IndexClient | None = None
        self._active: set[str] = set()

    def bind(self, client: IndexClient) -> None:
        """The client whose indexes the resolution reads (it calls this resolver back)."""
        self._client = client

    async def resolve_build_requirements(
        self, requirements: Sequence[Requirement], *, for_sdist: str
    ) -> Sequence[Distribution]:
        """A wheel per package of the resolution of ``requirements`` for this environment."""
        assert self._client is not None, "bind() the index client first"
        if for_sdist in self._active:
            raise BuildRequirementsUnavailable(
                f"building `{for_sdist}` needs `{for_sdist}` itself built first"
            )
        self._active.add(for_sdist)
        try:
            requires = apply_overrides(requirements, dict(self._request.overrides))
            scoped = scope_requirements(requires, extra=None, direct=True)
            request = replace(
                self._request,
                root_name=f"the build of {for_sdist}",
                requirements=tuple(scoped),
                regions=(self._region,),
                required_environments=(),
                direct=frozenset(item.name for item in scoped),
                explicit_prereleases=self._request.explicit_prereleases
                | {canonicalize_name(item.name) for item in requires if item.specifier.prereleases},
            )
            resolution = await UniversalResolver(request, IndexFinder(self._client)).resolve()
        finally:
            self._active.discard(for_sdist)
        ranks = tag_ranks(list(sys_tags()) if self._tags is None else self._tags)
        chosen: list[Distribution] = []
        for package in resolution.packages:
            wheels = (dist for dist in package.files if dist.kind == "wheel")
            wheel = preferred_wheel(wheels, lambda dist: dist.tags, ranks)
            if wheel is None:
                raise BuildRequirementsUnavailable(
                    f"building `{for_sdist}` needs `{package.name}` {package.version}, which "
                    "has no wheel for this machine (ulock does not build build requirements "
                    "from source)"
                )
            chosen.append(wheel)
        return chosen
