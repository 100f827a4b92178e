"""The build environments of ``ulock sync``: exactly the locked build requirements.

When sync builds an entry (the project's directory, or an sdist because no wheel fits), the
build environment gets the wheels its ``build-requires`` pins name for this environment and
these extras and groups (``lockfile.select_build_environment``), fetched and verified like
every other locked file. Before they are installed, the entry's static build requirements are
checked against the pins: one the pins do not satisfy means the lock is stale (or was made
without build pins), and the build stops with what to do. The exception is an entry with
wheels that the lock pins no build for: its wheels cover the environments the project
declares (or it declares none, see ``build_lock.sdist_builders``), and this machine is
outside them; its build requirements are resolved like dynamic ones. What a backend asks
for at build time (``get_requires_for_build_wheel``) and the pins do not cover is resolved
from the project's indexes, and sync says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import canonicalize_name

from universal_lock.errors import UlockError
from universal_lock.installer.fetch import FileRequest, fetch_all
from universal_lock.lockfile import (
    BuildPin,
    Lock,
    LockedFile,
    LockedPackage,
    applying_pins,
    select_build_environment,
    unmet_requirements,
)

if TYPE_CHECKING:
    from universal_lock.index import BuildRequirementsResolver, IndexClient


class StaleBuildRequirements(UlockError):
    """The lock's build pins do not satisfy what the entry's build system requires."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildContext:
    """Whom the builds are for: the lock, the target's environment and tags, extras, groups."""

    lock: Lock
    lock_dir: Path
    environment: Mapping[str, str]
    tags: tuple[Tag, ...]
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] | None = None

    def pins(self, entry: LockedPackage) -> tuple[BuildPin, ...]:
        """The pins of ``entry`` that apply here."""
        return applying_pins(
            self.lock, entry, self.environment, extras=self.extras, groups=self.groups
        )

    def digest(self, entry: LockedPackage) -> str | None:
        """Identifies the build environment of ``entry`` here (None: no pins apply)."""
        pins = self.pins(entry)
        if not pins:
            return None
        text = "\n".join(sorted(f"{pin.name}=={pin.version}" for pin in pins))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class LockedBuildRequirements:
    """Provides one build's requirements: the locked wheels first, then what the backend adds.

    ``fallback`` resolves unpinned dynamic requirements (the project's indexes) into local
    wheel files; ``report`` hears what was resolved that the lock did not pin.
    """

    def __init__(
        self,
        context: BuildContext,
        entry: LockedPackage,
        *,
        client: IndexClient | None,
        work_dir: Path,
        fallback: Callable[[Sequence[Requirement]], Awaitable[Sequence[Path]]],
        report: Callable[[str], None],
    ) -> None:
        self._context = context
        self._entry = entry
        self._client = client
        self._work_dir = work_dir
        self._fallback = fallback
        self._report = report
        self._pins = context.pins(entry)

    async def __call__(self, requirements: Sequence[Requirement], *, dynamic: bool) -> list[Path]:
        unmet = unmet_requirements(requirements, self._pins, self._context.environment)
        if dynamic:
            return await self._unpinned(unmet, "its build backend asked for") if unmet else []
        if unmet and not self._entry.build_requires and self._entry.wheels:
            # Wheels cover the environments the lock was made for; this one is outside them
            # (the lock pins builds only where the project says it runs).
            return await self._unpinned(
                unmet, "no wheel fits here and the lock pins no build of it; it needs"
            )
        if unmet:
            raise StaleBuildRequirements(
                self._stale(unmet),
                hint="run `ulock lock` to lock the build requirements again, then sync",
            )
        context = self._context
        chosen = select_build_environment(
            context.lock,
            self._entry,
            context.environment,
            tags=context.tags,
            extras=context.extras,
            groups=context.groups,
        )
        requests = [
            FileRequest(name=canonicalize_name(selected.package.name), file=selected.artifact)
            for selected in chosen
            if isinstance(selected.artifact, LockedFile)
        ]
        files = await fetch_all(
            requests, client=self._client, lock_dir=context.lock_dir, work_dir=self._work_dir
        )
        return [files[request.file.name] for request in requests]

    async def _unpinned(self, unmet: Sequence[Requirement], why: str) -> list[Path]:
        listed = ", ".join(f"`{requirement}`" for requirement in unmet)
        self._report(
            f"building {self._entry.name}: {why} {listed}, which the lock does not pin; "
            "resolving them from the project's indexes"
        )
        return list(await self._fallback(unmet))

    def _stale(self, unmet: Sequence[Requirement]) -> str:
        locked = {pin.name: pin for pin in self._pins}
        parts = []
        for requirement in unmet:
            pin = locked.get(canonicalize_name(requirement.name))
            found = f"the lock pins `{pin.name}=={pin.version}`" if pin else "the lock pins none"
            parts.append(f"`{requirement}` ({found})")
        return (
            f"the locked build requirements of `{self._entry.name}` are stale for this "
            f"environment: {'; '.join(parts)}"
        )


def dynamic_build_resolver(context: BuildContext, client: IndexClient) -> BuildRequirementsResolver:
    """Who resolves what a backend asks for that the lock does not pin: the universal resolver
    with the project's sources and settings for the target environment, extras and groups
    (when the project is beside the lock), else greedy pinning on the client's indexes."""
    pyproject = context.lock_dir / "pyproject.toml"
    if not pyproject.is_file():
        from universal_lock.index.build_pinning import PinningBuildResolver

        return PinningBuildResolver(client)
    from universal_lock.operations.build_resolve import (
        EnvironmentBuildResolver,
        environment_region,
    )
    from universal_lock.operations.lowering import resolver_input
    from universal_lock.project import load_project

    project = load_project(context.lock_dir)
    # The lock's versions are preferred: an unpinned requirement gets what the lock has.
    request = resolver_input(project, context.lock, upgrade=False, upgrade_packages=frozenset())
    groups = context.lock.default_groups if context.groups is None else context.groups
    region = environment_region(
        context.environment,
        extras=context.extras,
        groups=groups,
        known_extras=project.optional_dependencies,
        known_groups=project.dependency_groups,
    )
    resolver = EnvironmentBuildResolver(request, region, context.tags)
    resolver.bind(client)
    return resolver
