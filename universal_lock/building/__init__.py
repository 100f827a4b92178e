"""The PEP 517 build frontend ulock uses for every build: metadata of sdists during ``ulock
lock``, wheels of the project and of sdists during ``ulock sync``.

It sits below ``index`` and ``installer`` (both use it) and knows nothing of indexes or locks:
build requirements become wheel files through the caller's ``RequirementProvider``.
"""

from universal_lock.building.archive import extract_sdist
from universal_lock.building.build_system import (
    LEGACY_BACKEND,
    LEGACY_REQUIRES,
    BuildSystem,
    read_build_system,
    sdist_build_system,
)
from universal_lock.building.errors import BuildFailed, HookMissing
from universal_lock.building.frontend import (
    BuildOutcome,
    RequirementProvider,
    build_wheel,
    prepare_metadata,
)

__all__ = [
    "LEGACY_BACKEND",
    "LEGACY_REQUIRES",
    "BuildFailed",
    "BuildOutcome",
    "BuildSystem",
    "HookMissing",
    "RequirementProvider",
    "build_wheel",
    "extract_sdist",
    "prepare_metadata",
    "read_build_system",
    "sdist_build_system",
]
