"""Lower a project into what the resolver takes: scoped requirements, regions, sources, policy.

The project's own requirements get lock-level scopes (``'x' in extras`` for an extra's,
``'g' in dependency_groups`` for a group's); the root region is ``environments`` and
``requires-python``, cut by declared conflicts into one part per member plus one with none;
``[tool.ulock.sources]`` become marker rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.lockfile import Lock
from universal_lock.markers import FALSE, TRUE, MarkerTree, parse_marker
from universal_lock.project import Project
from universal_lock.resolver import (
    Policy,
    ResolverInput,
    Scoped,
    SourceRef,
    SourceRule,
    apply_overrides,
    scope_requirements,
)

ROOT_VERSION = Version("0")


def root_region(project: Project) -> MarkerTree:
    """``environments`` (any of them) and ``requires-python``; everything when neither is set."""
    settings = project.settings
    region = TRUE
    if settings.environments:
        region = FALSE
        for environment in settings.environments:
            region = region | environment
    if project.requires_python is not None:
        region = region & MarkerTree.from_python_range(project.requires_python)
    return region


def conflict_regions(project: Project, region: MarkerTree) -> list[MarkerTree]:
    """``region`` cut by each conflict set: one part per member, and one with none of them."""
    parts = [region]
    for conflict in project.settings.conflicts:
        members = [parse_marker(item.marker_text) for item in conflict]
        cells: list[MarkerTree] = []
        for index, member in enumerate(members):
            cell = member
            for other_index, other in enumerate(members):
                if other_index != index:
                    cell = cell & ~other
            cells.append(cell)
        none = TRUE
        for member in members:
            none = none & ~member
        cells.append(none)
        parts = [
            part & cell for part, cell in product(parts, cells) if not (part & cell).is_empty()
        ]
    return parts


def reusable_fork_markers(previous: Lock | None, regions: Sequence[MarkerTree]) -> list[MarkerTree]:
    """The previous lock's fork markers, cut to ``regions``, when they still cover them exactly.

    Starting from the same forks keeps a relock stable; when the project changed so that the
    old forks no longer partition the root region, the resolver starts afresh.
    """
    if previous is None or not previous.fork_markers:
        return list(regions)
    try:
        old = [parse_marker(text) for text in previous.fork_markers]
    except InvalidRequirementData:  # a hand-edited lock: start afresh rather than fail
        return list(regions)
    parts = [
        region & marker for region in regions for marker in old if not (region & marker).is_empty()
    ]
    whole = FALSE
    for region in regions:
        whole = whole | region
    union = FALSE
    for index, part in enumerate(parts):
        if any(not part.is_disjoint(other) for other in parts[index + 1 :]):
            return list(regions)
        union = union | part
    return parts if union == whole else list(regions)


def resolver_input(
    project: Project, previous: Lock | None, *, upgrade: bool, upgrade_packages: frozenset[str]
) -> ResolverInput:
    """Everything the resolver needs for ``project``."""
    settings = project.settings
    overrides: dict[str, list[Requirement]] = {}
    for requirement in settings.overrides:
        overrides.setdefault(canonicalize_name(requirement.name), []).append(requirement)

    def own(items: Sequence[Requirement], scope: MarkerTree = TRUE) -> list[Scoped]:
        # Overrides replace the project's own requirements as well as its dependencies'.
        replaced = apply_overrides(items, overrides)
        return scope_requirements(replaced, extra=None, scope=scope, direct=True)

    requirements: list[Scoped] = own(project.dependencies)
    for extra, extra_requirements in sorted(project.optional_dependencies.items()):
        requirements += own(extra_requirements, parse_marker(f"'{extra}' in extras"))
    for group, group_requirements in sorted(project.dependency_groups.items()):
        requirements += own(group_requirements, parse_marker(f"'{group}' in dependency_groups"))

    regions = conflict_regions(project, root_region(project))
    if not upgrade:
        regions = reusable_fork_markers(previous, regions)

    sources: dict[str, tuple[SourceRule, ...]] = {}
    for name, entries in settings.sources.items():
        rules: list[SourceRule] = []
        for source in entries:
            if source.kind == "index":
                ref = SourceRef(kind="index", index=source.index)
            elif source.kind == "path":
                ref = SourceRef(kind="path", path=source.path)
            else:
                ref = SourceRef(kind="url", url=source.url)
            rules.append(SourceRule(region=source.region, source=ref))
        sources[canonicalize_name(name)] = tuple(rules)

    constraints: dict[str, list[Scoped]] = {}
    for scoped in scope_requirements(settings.constraints, extra=None):
        constraints.setdefault(scoped.key, []).append(scoped)

    explicit = {
        canonicalize_name(requirement.name)
        for requirement in _all_direct(project)
        if requirement.specifier.prereleases
    }
    preferences: dict[str, tuple[tuple[Version, MarkerTree], ...]] = {}
    if previous is not None and not upgrade:
        found: dict[str, list[tuple[Version, MarkerTree]]] = {}
        for package in previous.packages:
            name = canonicalize_name(package.name)
            if package.version is not None and name not in upgrade_packages:
                where = parse_marker(package.marker) if package.marker else TRUE
                found.setdefault(name, []).append((package.version, where))
        preferences = {name: tuple(versions) for name, versions in found.items()}

    return ResolverInput(
        root_name=canonicalize_name(project.name) if project.name else "the project",
        root_version=ROOT_VERSION,
        requirements=tuple(requirements),
        regions=tuple(regions),
        required_environments=settings.required_environments,
        sources=sources,
        overrides={name: tuple(items) for name, items in overrides.items()},
        constraints={name: tuple(items) for name, items in constraints.items()},
        policy=Policy(
            prerelease=settings.prerelease,
            resolution=settings.resolution,
            exclude_newer=settings.exclude_newer,
        ),
        explicit_prereleases=frozenset(explicit),
        direct=frozenset(requirement.name for requirement in requirements),
        preferences=preferences,
    )


def _all_direct(project: Project) -> list[Requirement]:
    direct = list(project.dependencies)
    for requirements in project.optional_dependencies.values():
        direct += requirements
    for requirements in project.dependency_groups.values():
        direct += requirements
    return direct + list(project.settings.overrides) + list(project.settings.constraints)


__all__ = [
    "conflict_regions",
    "resolver_input",
    "reusable_fork_markers",
    "root_region",
]
