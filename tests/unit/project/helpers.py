"""Helpers for the project-input tests: write a pyproject.toml into a directory, load it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from universal_lock.errors import InputError
from universal_lock.project import Project, load_project


def write(directory: Path, text: str) -> Path:
    """Write ``text`` (dedented) as ``directory/pyproject.toml``; return the directory."""
    (directory / "pyproject.toml").write_text(textwrap.dedent(text).lstrip("\n"))
    return directory


def load(directory: Path, text: str) -> Project:
    return load_project(write(directory, text))


def load_error(directory: Path, text: str) -> InputError:
    """Load ``text`` and return the InputError it must raise."""
    with pytest.raises(InputError) as caught:
        load(directory, text)
    assert caught.value.exit_code == 2
    return caught.value
