"""Project inputs: ``pyproject.toml`` (PEP 621, PEP 735, ``[build-system]``) and ``[tool.ulock]``.

Public API::

    from universal_lock.project import load_project, fingerprint_file
    project = load_project(directory)      # -> Project; raises InputError (exit code 2)
    project.fingerprint()                  # sha256 over every input that affects the lock
    fingerprint_file(directory)            # the same, cheaply, for `ulock lock --check`

Exports are loaded lazily, so that ``fingerprint_file`` (the ``lock --check``
path) does not pay for importing pydantic. See docs/configuration.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from universal_lock.project.fingerprint import fingerprint_file
    from universal_lock.project.loader import load_project
    from universal_lock.project.model import (
        BuildSystem,
        ConflictItem,
        IndexDefinition,
        Project,
        Settings,
        Source,
    )

_EXPORTS = {
    "load_project": "universal_lock.project.loader",
    "fingerprint_file": "universal_lock.project.fingerprint",
    "BuildSystem": "universal_lock.project.model",
    "ConflictItem": "universal_lock.project.model",
    "IndexDefinition": "universal_lock.project.model",
    "Project": "universal_lock.project.model",
    "Settings": "universal_lock.project.model",
    "Source": "universal_lock.project.model",
}

__all__ = [
    "BuildSystem",
    "ConflictItem",
    "IndexDefinition",
    "Project",
    "Settings",
    "Source",
    "fingerprint_file",
    "load_project",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
