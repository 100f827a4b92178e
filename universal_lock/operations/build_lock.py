"""Locking build environments: the project's and every sdist's build requirements, per fork.

A *builder* is something ``ulock sync`` will have to build: the project itself (when it has
``[build-system]``), every entry that has only an sdist, and every entry whose wheels leave a
gap in the environments the project declares (see ``sdist_builders``). For each builder, the
static build requirements (``[build-system].requires``; the PEP 517 default without one) are
resolved by the universal resolver with the project's indexes, sources, overrides,
constraints and policy, starting from the lock's fork regions. So a source chosen by marker or
by extra (``torch`` from the cu124 index under ``--extra cu124``) applies to the build as it
does to the runtime, and the runtime's versions are preferred (the build sees the torch the
environment runs). Dynamic requirements (``get_requires_for_build_wheel``) are not known
before a build and are resolved by ``ulock sync`` when a backend asks (it says so).

The result is one ``BuildPin`` list per builder (``name==version; marker``) and the merged
entries they name, written under ``[[tool.ulock.build-packages]]`` unless a runtime entry
already holds the same files wherever the pins apply (then the pins name that entry).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from universal_lock.index import Distribution, IndexClient, OfflineMiss, Unavailable
from universal_lock.lockfile import BuildPin, Lock
from universal_lock.markers import FALSE, TRUE, MarkerTree, marker_from_wheel_tags, parse_marker
from universal_lock.project import Project
from universal_lock.resolver import (
    Finder,
    ResolvedPackage,
    ResolverInput,
    SourceRef,
    UniversalResolver,
    apply_overrides,
    scope_requirements,
)

#: A builder's key: ``(name, version)``; the project's version is ``None``.
BuilderKey = tuple[str, Version | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Builder:
    """Something ``ulock sync`` may build, its static build requirements, and where."""

    key: BuilderKey
    requires: tuple[Requirement, ...]
    region: MarkerTree

    @property
    def label(self) -> str:
        """``name`` for the project, ``name version`` for an sdist."""
        name, version = self.key
        return name if version is None else f"{name} {version}"


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedBuilds:
    """Pins per builder, and the entries the pins name (one per name, version and source)."""

    pins: Mapping[BuilderKey, tuple[BuildPin, ...]]
    packages: tuple[ResolvedPackage, ...]


def union(markers: Iterable[MarkerTree]) -> MarkerTree:
    """Where any of ``markers`` holds."""
    whole = FALSE
    for marker in markers:
        whole = whole | marker
    return whole


def declared_targets(project: Project) -> MarkerTree | None:
    """The machines the project says it runs on (``environments``, else required
    environments), or None when it declares none."""
    settings = project.settings
    declared = settings.environments or settings.required_environments
    return union(declared) if declared else None


def uncovered_region(package: ResolvedPackage) -> MarkerTree:
    """Where ``package`` applies but none of its wheels installs: where its sdist is built."""
    if not any(dist.kind == "sdist" for dist in package.files):
        return FALSE
    covered = FALSE
    for dist in package.files:
        if dist.kind == "wheel":
            covered = covered | marker_from_wheel_tags(dist.tags)
    return package.marker & ~covered


async def sdist_builders(
    packages: Iterable[ResolvedPackage],
    regions: Sequence[MarkerTree],
    client: IndexClient,
    *,
    targets: MarkerTree | None,
) -> list[Builder]:
    """A builder for each entry whose sdist will be built somewhere the lock is for; reads each
    such sdist's ``pyproject.toml`` (from the cache, or downloading the sdist, concurrently).

    An entry without wheels is always built. An entry with wheels is built where they leave
    a gap, but only gaps inside ``targets`` (the machines the project declares: its
    ``environments`` or required environments) count; with no declared targets the gaps are
    exotic platforms and future Pythons, and locking them would download every large sdist
    on each cold lock, so ``ulock sync`` resolves such a build when it happens (and says so).
    """
    whole = union(regions)
    wanted: list[tuple[ResolvedPackage, Distribution, MarkerTree]] = []
    for package in packages:
        has_wheels = any(dist.kind == "wheel" for dist in package.files)
        if has_wheels and targets is None:
            continue
        uncovered = uncovered_region(package) & whole
        if has_wheels and targets is not None:
            uncovered = uncovered & targets
        if uncovered.is_empty():
            continue
        sdist = next(dist for dist in package.files if dist.kind == "sdist")
        wanted.append((package, sdist, uncovered))
    if not wanted:
        return []
    from universal_lock.building.build_system import LEGACY_BUILD_SYSTEM, parse_build_system

    async def read(sdist: Distribution) -> tuple[Requirement, ...]:
        content = await client.sdist_pyproject(sdist)
        if isinstance(content, Unavailable):
            raise OfflineMiss(content.what)
        if content is None:
            return LEGACY_BUILD_SYSTEM.requires
        where = f"{sdist.filename}/pyproject.toml"
        return parse_build_system(content, path=where, label=sdist.filename).requires

    found = await asyncio.gather(*(read(sdist) for _, sdist, _ in wanted))
    return [
        Builder(key=(package.name, package.version), requires=requires, region=uncovered)
        for (package, _, uncovered), requires in zip(wanted, found, strict=True)
    ]


def project_builder(project: Project, regions: Sequence[MarkerTree]) -> Builder | None:
    """The project's own builder, when it has ``[build-system]``."""
    if not project.installable or project.name is None or project.build_system is None:
        return None
    whole = union(regions)
    return Builder(
        key=(canonicalize_name(project.name), None),
        requires=project.build_system.requires,
        region=whole,
    )


async def lock_builds(
    builders: Sequence[Builder],
    request: ResolverInput,
    runtime: Sequence[ResolvedPackage],
    previous: Lock | None,
    finder: Finder,
    *,
    requires_python: SpecifierSet | None,
    keep_previous: bool,
    upgrade_packages: frozenset[str] = frozenset(),
    progress: Callable[[str], None] | None = None,
) -> LockedBuilds:
    """Resolve every distinct set of build requirements once, over the lock's regions (the
    resolutions run concurrently), and cut each builder's pins to where it may be built."""
    preferences = _preferences(runtime, previous if keep_previous else None, upgrade_packages)
    distinct: dict[tuple[str, ...], Builder] = {}
    for builder in builders:
        if builder.requires:  # `requires = []` (an in-tree backend): nothing to pin
            distinct.setdefault(_requirements_key(builder), builder)

    async def resolve(builder: Builder) -> tuple[ResolvedPackage, ...]:
        if progress is not None:
            progress(f"locking the build requirements of {builder.label}")
        build_request = _build_request(request, builder, preferences)
        return (await UniversalResolver(build_request, finder, progress).resolve()).packages

    resolved = dict(
        zip(
            distinct,
            await asyncio.gather(*(resolve(builder) for builder in distinct.values())),
            strict=True,
        )
    )
    pins: dict[BuilderKey, tuple[BuildPin, ...]] = {}
    merged: dict[tuple[str, Version, SourceRef], ResolvedPackage] = {}
    for builder in builders:
        if not builder.requires:
            continue
        builder_pins: list[BuildPin] = []
        for package in resolved[_requirements_key(builder)]:
            where = package.marker & builder.region
            if where.is_empty():
                continue
            marker = _pin_marker(where, builder.region, requires_python)
            builder_pins.append(BuildPin(name=package.name, version=package.version, marker=marker))
            node = (package.name, package.version, package.source)
            known = merged.get(node)
            merged[node] = replace(package, marker=where if known is None else known.marker | where)
        pins[builder.key] = tuple(builder_pins)
    # A build entry that a runtime entry already holds, wherever its pins apply, is not
    # written twice: the pins name the runtime entry (torch's wheel list is long).
    runtime_nodes = {
        (package.name, package.version, package.source): package for package in runtime
    }
    kept = tuple(
        package
        for node, package in merged.items()
        if node not in runtime_nodes or not package.marker.implies(runtime_nodes[node].marker)
    )
    return LockedBuilds(pins=pins, packages=kept)


def _requirements_key(builder: Builder) -> tuple[str, ...]:
    return tuple(sorted(str(requirement) for requirement in builder.requires))


def _pin_marker(
    where: MarkerTree, region: MarkerTree, requires_python: SpecifierSet | None
) -> str | None:
    """The shortest marker text equal to ``where`` inside ``region``: a pin is consulted only
    where its builder is built, so what it says outside ``region`` does not matter."""
    if region.implies(where):
        return None
    texts = [_marker_text(candidate, requires_python) for candidate in (where, where | ~region)]
    return min((text for text in texts if text is not None), key=len, default=None)


def _build_request(
    request: ResolverInput,
    builder: Builder,
    preferences: Mapping[str, tuple[tuple[Version, MarkerTree], ...]],
) -> ResolverInput:
    requires = apply_overrides(builder.requires, dict(request.overrides))
    scoped = scope_requirements(requires, extra=None, direct=True)
    return replace(
        request,
        root_name=f"the build of {builder.label}",
        requirements=tuple(scoped),
        required_environments=(),
        explicit_prereleases=request.explicit_prereleases
        | {canonicalize_name(item.name) for item in requires if item.specifier.prereleases},
        direct=frozenset(item.name for item in scoped),
        preferences=preferences,
    )


def _preferences(
    runtime: Sequence[ResolvedPackage], previous: Lock | None, upgrade_packages: frozenset[str]
) -> dict[str, tuple[tuple[Version, MarkerTree], ...]]:
    """What a build prefers: the versions the previous lock pinned for builds (stability;
    not for the packages being upgraded), then the versions the runtime resolution chose (the
    build sees what the project runs)."""
    found: dict[str, list[tuple[Version, MarkerTree]]] = {}
    if previous is not None:
        for package in previous.packages + previous.build_packages:
            for pin in package.build_requires:
                if canonicalize_name(pin.name) in upgrade_packages:
                    continue
                where = parse_marker(pin.marker) if pin.marker else TRUE
                found.setdefault(pin.name, []).append((pin.version, where))
    for resolved in runtime:
        found.setdefault(resolved.name, []).append((resolved.version, resolved.marker))
    return {name: tuple(versions) for name, versions in found.items()}


def _marker_text(marker: MarkerTree, requires_python: SpecifierSet | None) -> str | None:
    shown = marker.simplify(requires_python) if requires_python else marker
    return None if shown.is_universal() else str(shown)
