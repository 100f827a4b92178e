"""``ulock lock``: resolve the project for every environment and write ``pylock.toml``.

Reads the project and the previous lock (its versions and fork markers are preferences),
resolves with the index client, turns the resolution into lock entries (markers simplified
against requires-python, wheels no environment of the entry can use pruned, paths relative
to the lock), and writes atomically only when the text changed. ``check`` is the fast path
behind ``--check``: it compares fingerprints and reads nothing else.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast

from packaging.markers import default_environment
from packaging.utils import canonicalize_name

from universal_lock.errors import InputError
from universal_lock.index import (
    Distribution,
    IndexClient,
    IndexConfig,
    IndexSettings,
    redact_url,
    resolve_cache_dir,
)
from universal_lock.lockfile import (
    ConflictMember,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    read_lock_if_present,
    render,
    write_atomic,
)
from universal_lock.markers import MarkerTree, marker_from_wheel_tags
from universal_lock.operations import check as check_module
from universal_lock.operations.build_lock import (
    LockedBuilds,
    declared_targets,
    lock_builds,
    project_builder,
    sdist_builders,
)
from universal_lock.operations.build_resolve import EnvironmentBuildResolver, environment_region
from universal_lock.operations.lowering import conflict_regions, resolver_input, root_region
from universal_lock.project import Project, load_project
from universal_lock.resolver import (
    IndexFinder,
    Resolution,
    ResolvedPackage,
    ResolverInput,
    UniversalResolver,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class LockOptions:
    """What ``ulock lock`` was asked to do."""

    directory: Path
    output: Path | None = None
    upgrade: bool = False
    upgrade_packages: frozenset[str] = frozenset()
    offline: bool = False
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LockOutcome:
    """What happened: the lock path, whether it changed, and the old and new locks."""

    path: Path
    changed: bool
    previous: Lock | None
    lock: Lock
    warnings: tuple[str, ...] = ()


def lock_path(options: LockOptions) -> Path:
    """Where the lock lives: ``-o FILE``, else ``DIR/pylock.toml``."""
    return check_module.lock_path(options.directory, options.output)


def check(options: LockOptions) -> bool:
    """True when the lock exists and was made from the current inputs (no index is asked)."""
    return check_module.is_current(options.directory, options.output)


def lock(options: LockOptions, progress: Callable[[str], None] | None = None) -> LockOutcome:
    """Resolve and write the lock; raises ``UlockError`` subclasses on failure."""
    project = load_project(options.directory)
    path = lock_path(options)
    warnings: tuple[str, ...] = ()
    try:
        previous = read_lock_if_present(path)
    except InputError as error:
        # The old lock only supplies preferences: an unreadable one must not block a relock.
        previous, warnings = None, (f"{error.message}; locking without its preferences",)
    outcome = asyncio.run(_lock(project, previous, path, options, progress))
    return replace(outcome, warnings=warnings)


async def _lock(
    project: Project,
    previous: Lock | None,
    path: Path,
    options: LockOptions,
    progress: Callable[[str], None] | None,
) -> LockOutcome:
    settings = index_settings(project, options)
    request = resolver_input(
        project,
        previous,
        upgrade=options.upgrade,
        upgrade_packages=options.upgrade_packages,
    )
    # sdists whose metadata must be built get a build environment resolved like the lock,
    # for the interpreter that runs the build (no extra or group active).
    builds_here = EnvironmentBuildResolver(
        request,
        environment_region(
            cast("dict[str, str]", default_environment()),
            extras=(),
            groups=(),
            known_extras=project.optional_dependencies,
            known_groups=project.dependency_groups,
        ),
    )
    async with IndexClient(settings, build_resolver=builds_here) as client:
        builds_here.bind(client)
        finder = IndexFinder(client)
        resolution = await UniversalResolver(request, finder, progress).resolve()
        builds = await _lock_builds(
            project, request, resolution, previous, client, options, progress
        )
        index_urls = {index.name: index.url for index in settings.ordered_indexes()}
        # Concurrently: an index that lists no hashes costs a download per file.
        packages = await _all(
            _entry(package, client, index_urls, path.parent, project, builds)
            for package in resolution.packages
        )
        build_packages = await _all(
            _entry(package, client, index_urls, path.parent, project, None)
            for package in builds.packages
        )
    if project.installable:
        assert project.name is not None
        packages.append(
            LockedPackage(
                name=project.name,
                directory=LockedDirectory(
                    path=_relative(project.directory, path.parent), editable=True
                ),
                build_requires=builds.pins.get((canonicalize_name(project.name), None), ()),
            )
        )
    # Fork markers are where the next lock starts. When this lock started from the previous
    # lock's (still a partition of the project's environments), they are written back as
    # they were: a fork split again on the way, for reasons that will recur, must not
    # change the file.
    fresh = conflict_regions(project, root_region(project))
    forks = request.regions if list(request.regions) != fresh else resolution.fork_markers
    new = _lock_model(project, forks, packages, build_packages)
    text = render(new)
    old_text = path.read_text(encoding="utf-8") if path.exists() else None
    changed = text != old_text
    if changed:
        write_atomic(path, text)
    return LockOutcome(path=path, changed=changed, previous=previous, lock=new)


def index_settings(project: Project, options: LockOptions) -> IndexSettings:
    """The index client's settings from ``[tool.ulock]`` and the command line."""
    settings = project.settings
    indexes = tuple(
        IndexConfig(
            name=definition.name or f"index-{position}",
            url=str(definition.local_path) if definition.local_path else definition.url,
            explicit=definition.explicit,
            default=definition.default,
            format=definition.format,
        )
        for position, definition in enumerate(settings.indexes, start=1)
    )
    return IndexSettings(
        indexes=indexes,
        index_strategy=settings.index_strategy,
        allow_insecure_hosts=frozenset(settings.allow_insecure_host),
        cache_dir=resolve_cache_dir(options.cache_dir),
        offline=options.offline,
        refresh_packages=options.upgrade_packages,
        project_root=project.directory,
    )


def _lock_model(
    project: Project,
    forks: Sequence[MarkerTree],
    packages: Sequence[LockedPackage],
    build_packages: Sequence[LockedPackage],
) -> Lock:
    requires_python = project.requires_python
    return Lock(
        environments=tuple(str(environment) for environment in project.settings.environments),
        requires_python=requires_python,
        extras=tuple(sorted(project.optional_dependencies)),
        dependency_groups=tuple(sorted(project.dependency_groups)),
        default_groups=_default_groups(project),
        packages=tuple(packages),
        build_packages=tuple(build_packages),
        fork_markers=tuple(
            text
            for text in (
                str(marker.simplify(requires_python) if requires_python else marker)
                for marker in forks
            )
            if text
        )
        if len(forks) > 1
        else (),
        input_fingerprint=project.fingerprint(),
        conflicts=tuple(
            tuple(ConflictMember(extra=item.extra, group=item.group) for item in conflict)
            for conflict in project.settings.conflicts
        ),
    )


def _default_groups(project: Project) -> tuple[str, ...]:
    if project.settings.default_groups:
        return tuple(project.settings.default_groups)
    return ("dev",) if "dev" in project.dependency_groups else ()


async def _all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Await all, in order; re-raise the first failure only after every one has finished."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return cast("list[T]", results)


async def _lock_builds(  # noqa: PLR0917 - the lock's whole context
    project: Project,
    request: ResolverInput,
    resolution: Resolution,
    previous: Lock | None,
    client: IndexClient,
    options: LockOptions,
    progress: Callable[[str], None] | None,
) -> LockedBuilds:
    """Lock the build requirements of the project and of every sdist that may be built."""
    regions = request.regions
    targets = declared_targets(project)
    builders = await sdist_builders(resolution.packages, regions, client, targets=targets)
    own = project_builder(project, regions)
    if own is not None:
        builders.insert(0, own)
    return await lock_builds(
        builders,
        request,
        resolution.packages,
        previous,
        IndexFinder(client),
        requires_python=project.requires_python,
        keep_previous=not options.upgrade,
        upgrade_packages=frozenset(canonicalize_name(name) for name in options.upgrade_packages),
        progress=progress,
    )


async def _entry(  # noqa: PLR0917 - one call site
    package: ResolvedPackage,
    client: IndexClient,
    index_urls: Mapping[str, str],
    lock_dir: Path,
    project: Project,
    builds: LockedBuilds | None,
) -> LockedPackage:
    marker = package.marker
    shown = marker.simplify(project.requires_python) if project.requires_python else marker
    all_wheels = [dist for dist in package.files if dist.kind == "wheel"]
    wheels = [
        dist for dist in all_wheels if not (marker_from_wheel_tags(dist.tags) & marker).is_empty()
    ]
    sdists = [dist for dist in package.files if dist.kind == "sdist"]
    if not wheels and not sdists:
        # No file installs where the entry applies (no required environment asked for
        # one there): keep the wheels, so the lock stays valid and an installer on such a
        # platform says that no wheel fits, rather than the entry losing every file.
        wheels = all_wheels
    index_url = None
    if package.source.kind in ("default", "index") and package.files:
        raw = index_urls.get(package.files[0].index)
        if raw is not None and "://" in raw and not raw.startswith("file:"):
            index_url = redact_url(raw)
    return LockedPackage(
        name=package.name,
        version=package.version,
        marker=str(shown) if not shown.is_universal() else None,
        requires_python=package.requires_python,
        index=index_url,
        sdist=await _file(sdists[0], client, lock_dir) if sdists else None,
        wheels=tuple(await _all(_file(dist, client, lock_dir) for dist in wheels)),
        build_requires=builds.pins.get((package.name, package.version), ()) if builds else (),
    )


async def _file(dist: Distribution, client: IndexClient, lock_dir: Path) -> LockedFile:
    sha256, size = dist.sha256, dist.size
    local = dist.path
    if sha256 is None or size is None:
        with tempfile.TemporaryDirectory(prefix="ulock-hash-") as scratch:
            downloaded = local or await client.download_verified(dist, Path(scratch))
            data = downloaded.read_bytes()
            sha256, size = hashlib.sha256(data).hexdigest(), len(data)
    if local is not None:
        return LockedFile(
            name=dist.filename,
            path=_relative(local, lock_dir),
            size=size,
            hashes={"sha256": sha256},
        )
    if dist.url.startswith("file:"):
        raise InputError(
            f"`{dist.filename}` comes from a local index; ulock locks it by path",
            hint='declare the directory as an index with `format = "flat"` and a relative url',
        )
    return LockedFile(
        name=dist.filename,
        url=redact_url(dist.url),
        size=size,
        upload_time=dist.upload_time,
        hashes={"sha256": sha256},
    )


def _relative(target: Path, base: Path) -> str:
    relative = os.path.relpath(target.resolve(), base.resolve())
    return Path(relative).as_posix()
