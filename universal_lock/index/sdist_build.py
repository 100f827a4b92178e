"""Preparing an sdist's metadata during a lock, and the seam through which builds get their
build requirements.

The build itself is ``universal_lock.building``'s (one frontend for lock and sync). This module
turns a ``BuildRequirementsResolver`` (which wheels make up a build environment) and a
downloader (which fetches and verifies a wheel from the project's indexes) into the
frontend's ``RequirementProvider``, and speaks of failed metadata builds in the index
client's words (``MetadataBuildFailed``).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol

from packaging.requirements import Requirement

from universal_lock.building import BuildFailed, prepare_metadata
from universal_lock.index.errors import MetadataBuildFailed
from universal_lock.index.models import Distribution


class BuildRequirementsResolver(Protocol):
    """Chooses the wheels that make up a build environment for the running interpreter.

    The index client ships ``PinningBuildResolver``, which handles the simple cases; the
    resolver implements it with locked build dependencies.
    """

    async def resolve_build_requirements(
        self, requirements: Sequence[Requirement], *, for_sdist: str
    ) -> Sequence[Distribution]:
        """Every wheel to install (transitively closed), or raise a ``UlockError`` saying why
        there is none. ``for_sdist`` names the sdist being built, for messages."""
        ...


Downloader = Callable[[Distribution, Path], Awaitable[Path]]


class ResolvingProvider:
    """A ``RequirementProvider`` that resolves with a ``BuildRequirementsResolver`` and
    downloads each chosen wheel once into ``wheel_dir``, concurrently.

    Static and dynamic requirements are resolved alike: a pinning resolver knows no lock.
    """

    def __init__(
        self,
        resolver: BuildRequirementsResolver,
        download: Downloader,
        *,
        for_sdist: str,
        wheel_dir: Path,
    ) -> None:
        self._resolver = resolver
        self._download = download
        self._for_sdist = for_sdist
        self._wheel_dir = wheel_dir
        self._fetched: dict[str, Path] = {}

    async def __call__(
        self, requirements: Sequence[Requirement], *, dynamic: bool
    ) -> Sequence[Path]:
        """The wheel files for ``requirements`` and their dependencies."""
        dists = await self._resolver.resolve_build_requirements(
            requirements, for_sdist=self._for_sdist
        )
        missing = [dist for dist in dists if dist.filename not in self._fetched]
        downloads = [
            asyncio.ensure_future(self._download(dist, self._wheel_dir)) for dist in missing
        ]
        try:
            paths = await asyncio.gather(*downloads)
        except BaseException:
            # One failed (or we were cancelled): the others must not run on unattended.
            for download in downloads:
                download.cancel()
            await asyncio.gather(*downloads, return_exceptions=True)
            raise
        self._fetched.update(zip((dist.filename for dist in missing), paths, strict=True))
        return [self._fetched[dist.filename] for dist in dists]


async def prepare_sdist_metadata(
    sdist: Path, *, resolver: BuildRequirementsResolver, download: Downloader
) -> bytes:
    """Run ``prepare_metadata_for_build_wheel`` for ``sdist`` with the running interpreter;
    return the ``METADATA`` bytes.

    Falls back to building the wheel when the backend lacks the hook (as PEP 517 allows).
    Raises ``MetadataBuildFailed`` with the backend's output when the build fails.
    """
    with tempfile.TemporaryDirectory(prefix="ulock-build-") as work:
        work_dir = Path(work)
        provide = ResolvingProvider(
            resolver, download, for_sdist=sdist.name, wheel_dir=work_dir / "wheels"
        )
        try:
            outcome = await prepare_metadata(sdist, python=None, work_dir=work_dir, provide=provide)
        except BuildFailed as error:
            raise MetadataBuildFailed(sdist.name, error.detail) from None
        return await asyncio.to_thread(outcome.path.read_bytes)
