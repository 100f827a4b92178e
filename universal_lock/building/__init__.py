"""The PEP 517 build frontend ulock uses for every build: metadata of sdists during ``ulock
lock``, wheels of the project and of sdists during ``ulock sync``.

It sits below ``index`` and ``installer`` (both use it) and knows nothing of indexes or locks:
build requirements become wheel files through the caller's ``RequirementProvider``.

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS = {
    "extract_sdist": "universal_lock.building.archive",
    "LEGACY_BACKEND": "universal_lock.building.build_system",
    "LEGACY_REQUIRES": "universal_lock.building.build_system",
    "BuildSystem": "universal_lock.building.build_system",
    "read_build_system": "universal_lock.building.build_system",
    "sdist_build_system": "universal_lock.building.build_system",
    "BuildFailed": "universal_lock.building.errors",
    "HookMissing": "universal_lock.building.errors",
    "BuildOutcome": "universal_lock.building.frontend",
    "RequirementProvider": "universal_lock.building.frontend",
    "build_wheel": "universal_lock.building.frontend",
    "prepare_metadata": "universal_lock.building.frontend",
}

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

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
