"""``load_project``: a project directory's ``pyproject.toml``, read into a checked ``Project``."""

from __future__ import annotations

from pathlib import Path

from universal_lock.project.document import read_pyproject
from universal_lock.project.fingerprint import fingerprint_data
from universal_lock.project.metadata import read_standard_tables
from universal_lock.project.model import Project
from universal_lock.project.settings import read_settings


def load_project(directory: Path) -> Project:
    """Read and check ``directory/pyproject.toml``.

    Raises :class:`~universal_lock.errors.InputError` (exit code 2) naming the
    file, the key path, the line and what to do, for any problem in the file.
    """
    document = read_pyproject(Path(directory))
    tables = read_standard_tables(document)
    return Project(
        path=document.path,
        name=tables.name,
        requires_python=tables.requires_python,
        dependencies=tables.dependencies,
        optional_dependencies=tables.optional_dependencies,
        dependency_groups=tables.dependency_groups,
        build_system=tables.build_system,
        settings=read_settings(document, tables),
        input_fingerprint=fingerprint_data(document.data),
    )
