"""A source tree's ``[build-system]``: what to install and which backend to call.

Read from a directory's ``pyproject.toml``, or straight out of an sdist without unpacking it
(the lock reads it for every sdist whose build dependencies it locks, so that must be cheap).
Without a ``[build-system]`` table the PEP 517/518 legacy default applies: setuptools, through
its ``__legacy__`` backend (which runs ``setup.py``), as pip and build assume too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from universal_lock.building.archive import top_level_file
from universal_lock.errors import InputError, InvalidRequirementData

LEGACY_REQUIRES = ("setuptools>=40.8.0",)
LEGACY_BACKEND = "setuptools.build_meta:__legacy__"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildSystem:
    """The build requirements and backend of one source tree.

    ``declared`` is False when the tree has no ``[build-system]`` table and the legacy default
    was applied; a table without ``build-backend`` is declared, with the legacy backend.
    ``backend_path`` is relative to the source tree (PEP 517 in-tree backends).
    """

    requires: tuple[Requirement, ...]
    backend: str
    backend_path: tuple[str, ...] | None
    declared: bool


LEGACY_BUILD_SYSTEM = BuildSystem(
    requires=tuple(Requirement(text) for text in LEGACY_REQUIRES),
    backend=LEGACY_BACKEND,
    backend_path=None,
    declared=False,
)


def read_build_system(source_dir: Path, *, label: str) -> BuildSystem:
    """The build system of the source tree at ``source_dir``; ``label`` names it in errors.

    Raises ``InputError`` (``InvalidRequirementData`` for a requirement) when the table is
    malformed.
    """
    pyproject = source_dir / "pyproject.toml"
    try:
        content = pyproject.read_bytes()
    except FileNotFoundError:
        return LEGACY_BUILD_SYSTEM
    except OSError as error:
        raise InputError(f"cannot read it: {error}", path=pyproject) from None
    return parse_build_system(content, path=str(pyproject), label=label)


def sdist_build_system(sdist: Path) -> BuildSystem:
    """The build system of an sdist (tar or zip), read from ``<top>/pyproject.toml`` inside
    the archive without unpacking it.

    Raises ``BuildFailed`` for an unreadable archive and ``InputError`` for a malformed table.
    """
    top, content = top_level_file(sdist, "pyproject.toml")
    if content is None:
        return LEGACY_BUILD_SYSTEM
    return parse_build_system(content, path=f"{sdist.name}/{top}/pyproject.toml", label=sdist.name)


def parse_build_system(content: bytes, *, path: str, label: str) -> BuildSystem:
    """The build system a ``pyproject.toml``'s bytes declare; ``path`` and ``label`` (the
    source tree's name) are for errors."""
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"invalid pyproject.toml: {error}", path=path) from None
    table = data.get("build-system")
    if table is None or table == {}:
        return LEGACY_BUILD_SYSTEM
    if not isinstance(table, Mapping):
        raise InputError("must be a table", path=path, key="build-system")
    requires = table.get("requires", [])
    if not isinstance(requires, list):
        raise InputError("must be a list of strings", path=path, key="build-system.requires")
    backend = table.get("build-backend", LEGACY_BACKEND)
    if not isinstance(backend, str):
        raise InputError("must be a string", path=path, key="build-system.build-backend")
    backend_path = table.get("backend-path")
    if backend_path is not None and not (
        isinstance(backend_path, list) and all(isinstance(item, str) for item in backend_path)
    ):
        raise InputError("must be a list of strings", path=path, key="build-system.backend-path")
    return BuildSystem(
        requires=tuple(
            _requirement(text, path=path, label=label, position=position)
            for position, text in enumerate(requires)
        ),
        backend=backend,
        backend_path=tuple(backend_path) if backend_path else None,
        declared=True,
    )


def _requirement(text: object, *, path: str, label: str, position: int) -> Requirement:
    key = f"build-system.requires[{position}]"
    if not isinstance(text, str):
        raise InputError("must be a string", path=path, key=key)
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise InvalidRequirementData(
            "build requirement", text, package=label, detail=str(error), path=path, key=key
        ) from None
