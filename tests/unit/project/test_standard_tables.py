"""[project], [build-system] and [dependency-groups]: valid shapes and every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from universal_lock.errors import InputError, InvalidRequirementData
from universal_lock.project import load_project

from .helpers import load, load_error, write


def _names(requirements: tuple[Requirement, ...]) -> list[str]:
    return [str(requirement) for requirement in requirements]


def test_pep621_project_with_extras_and_build_system(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        [build-system]
        requires = ["hatchling>=1.21", "hatch-vcs"]
        build-backend = "hatchling.build"
        backend-path = ["."]

        [project]
        name = "My_Project.Name"
        version = "1.0"
        description = "not part of the lock"
        requires-python = ">=3.10,<4"
        dependencies = ["Requests[socks] >= 2.31", "numpy>=2; python_version >= '3.12'"]

        [project.optional-dependencies]
        CUDA_12 = ["torch>=2.3"]
        docs = []
        """,
    )
    assert project.path == tmp_path / "pyproject.toml"
    assert project.directory == tmp_path
    assert project.name == "my-project-name"
    assert project.requires_python == SpecifierSet(">=3.10,<4")
    assert _names(project.dependencies) == [
        "Requests[socks]>=2.31",
        'numpy>=2; python_version >= "3.12"',
    ]
    assert {name: _names(reqs) for name, reqs in project.optional_dependencies.items()} == {
        "cuda-12": ["torch>=2.3"],
        "docs": [],
    }
    assert project.build_system is not None
    assert _names(project.build_system.requires) == ["hatchling>=1.21", "hatch-vcs"]
    assert project.build_system.build_backend == "hatchling.build"
    assert project.build_system.backend_path == (".",)
    assert project.installable
    assert project.settings.origin == "defaults"
    assert project.settings.default_groups == ()


def test_project_without_build_system_is_not_installable(tmp_path: Path) -> None:
    project = load(tmp_path, '[project]\nname = "app"\n')
    assert project.build_system is None
    assert not project.installable
    assert project.dependencies == ()
    assert project.requires_python is None


def test_groups_only_file_has_no_name(tmp_path: Path) -> None:
    project = load(tmp_path, '[dependency-groups]\ntest = ["pytest"]\n')
    assert project.name is None
    assert not project.installable
    assert {name: _names(reqs) for name, reqs in project.dependency_groups.items()} == {
        "test": ["pytest"]
    }


def test_dependency_groups_resolve_includes_and_default_to_dev(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        [project]
        name = "app"

        [dependency-groups]
        Dev = ["pytest>=8", {include-group = "lint"}, {include-group = "typing"}]
        lint = ["ruff", {include-group = "typing"}]
        typing = ["mypy"]
        """,
    )
    assert {name: _names(reqs) for name, reqs in project.dependency_groups.items()} == {
        # "mypy" reaches dev twice (directly and through lint); it is listed once.
        "dev": ["pytest>=8", "ruff", "mypy"],
        "lint": ["ruff", "mypy"],
        "typing": ["mypy"],
    }
    assert project.settings.default_groups == ("dev",)


def test_missing_pyproject(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == (
        f"no `pyproject.toml` in `{tmp_path}`\n\n"
        "hint: run ulock in a project directory, or pass `--directory DIR`"
    )


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[project]\nname = "app"\ndependencies = ["a",\n  "b" "c"]\n')
    path = tmp_path / "pyproject.toml"
    assert error.line == 4
    assert str(error) == (
        f"`{path}` line 4: invalid TOML: Unclosed array\n\n"
        "hint: fix the TOML syntax at line 4, column 7"
    )


def test_invalid_toml_at_end_of_file(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[project]\nname = "app\n')
    path = tmp_path / "pyproject.toml"
    assert str(error) == (
        f"`{path}` line 2: invalid TOML: Illegal character '\\n'\n\n"
        "hint: fix the TOML syntax at line 2, column 12"
    )


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    with pytest.raises(InputError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == (
        f"`{tmp_path / 'pyproject.toml'}` line 2: the file is not valid UTF-8\n\n"
        "hint: save it as UTF-8"
    )


def test_invalid_dependency_is_quoted_with_key_and_line(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        [project]
        name = "app"
        dependencies = [
          "ok>=1",
          "broken>=>1",
        ]
        """,
    )
    assert isinstance(error, InvalidRequirementData)
    assert error.key == "project.dependencies[1]"
    assert str(error) == (
        f"`{tmp_path / 'pyproject.toml'}` line 5, key `project.dependencies[1]`: "
        "invalid requirement: 'broken>=>1' (Expected semicolon (after name with no version "
        "specifier) or end, at character 7)\n\n"
        "hint: write a PEP 508 requirement such as `name>=1.0; sys_platform == 'linux'`"
    )


def test_invalid_marker_inside_an_extra(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        [project]
        name = "app"
        [project.optional-dependencies]
        gpu = ["torch; sys_platform == linux"]
        """,
    )
    assert error.key == "project.optional-dependencies.gpu[0]"
    assert error.line == 4
    assert error.message == (
        f"`{tmp_path / 'pyproject.toml'}` line 4, key `project.optional-dependencies.gpu[0]`: "
        "invalid requirement: 'torch; sys_platform == linux' "
        "(Expected a marker variable or quoted string, at character 24)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[project]\nname = "app"\nrequires-python = ">=3.x"\n',
            "line 3, key `project.requires-python`: invalid version specifier: '>=3.x'\n\n"
            "hint: write a specifier such as `>=3.10`",
        ),
        (
            '[project]\nname = "app"\ndependencies = "requests"\n',
            "line 3, key `project.dependencies`: expected an array of requirements, "
            "got the string 'requests'",
        ),
        (
            '[project]\nname = "app"\ndependencies = [3]\n',
            "line 3, key `project.dependencies[0]`: expected a requirement string, "
            "got the number 3",
        ),
        (
            '[project]\nversion = "1"\n',
            "line 1, key `project`: missing required key `name`\n\n"
            "hint: add `name = ...` to `[project]`",
        ),
        (
            '[project]\nname = "-app"\n',
            "line 2, key `project.name`: invalid project name '-app'\n\n"
            "hint: use letters and digits, with `.`, `_` or `-` between them",
        ),
        (
            'project = "app"\n',
            "line 1, key `project`: expected a table, got the string 'app'",
        ),
        (
            '[project]\nname = "app"\ndynamic = ["dependencies"]\n',
            "line 3, key `project.dynamic`: `dependencies` is dynamic, so ulock cannot read "
            "them without building the project\n\n"
            "hint: list the dependencies in `[project] dependencies`",
        ),
        (
            '[project]\nname = "app"\n[project.optional-dependencies]\nGPU = []\ngpu = []\n',
            "line 5, key `project.optional-dependencies.gpu`: extras `GPU` and `gpu` are the "
            "same name once normalized\n\nhint: merge them into one extra",
        ),
        (
            '[build-system]\nrequires = ["setuptools>"]\n',
            "line 2, key `build-system.requires[0]`: invalid requirement: 'setuptools>' "
            "(Expected semicolon (after name with no version specifier) or end, "
            "at character 11)\n\n"
            "hint: write a PEP 508 requirement such as `name>=1.0; sys_platform == 'linux'`",
        ),
        (
            "[build-system]\nrequires = []\nbuild-backend = 1\n",
            "line 3, key `build-system.build-backend`: expected a string, got the number 1",
        ),
    ],
    ids=[
        "requires-python",
        "dependencies-not-array",
        "dependency-not-string",
        "missing-name",
        "bad-name",
        "project-not-table",
        "dynamic-dependencies",
        "duplicate-extra",
        "bad-build-requirement",
        "bad-build-backend",
    ],
)
def test_bad_standard_tables(tmp_path: Path, text: str, expected: str) -> None:
    error = load_error(tmp_path, text)
    assert str(error) == f"`{tmp_path / 'pyproject.toml'}` {expected}"


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            'dev = ["pytest", {include-group = "lint"}]\nlint = [{include-group = "dev"}]\n',
            "line 3, key `dependency-groups.lint[0].include-group`: dependency groups include "
            "each other in a cycle: `dev` -> `lint` -> `dev`\n\n"
            "hint: remove one of these `include-group` entries",
        ),
        (
            'dev = [{include-group = "dev"}]\n',
            "line 2, key `dependency-groups.dev[0].include-group`: dependency groups include "
            "each other in a cycle: `dev` -> `dev`\n\n"
            "hint: remove one of these `include-group` entries",
        ),
        (
            'dev = ["pytest", {include-group = "tset"}]\ntest = []\n',
            "line 2, key `dependency-groups.dev[1].include-group`: group `dev` includes `tset`, "
            "which is not defined\n\nhint: defined groups: `dev`, `test`",
        ),
        (
            'dev = ["pytest", {include = "lint"}]\n',
            "line 2, key `dependency-groups.dev[1]`: a table in a dependency group must be "
            '`{include-group = "NAME"}`',
        ),
        (
            'dev = "pytest"\n',
            "line 2, key `dependency-groups.dev`: expected an array, got the string 'pytest'",
        ),
        (
            'dev = ["pytest >=1 <2"]\n',
            "line 2, key `dependency-groups.dev[0]`: invalid requirement: 'pytest >=1 <2' "
            "(Expected comma (within version specifier), semicolon (after version specifier) "
            "or end, at character 12)\n\n"
            "hint: write a PEP 508 requirement such as `name>=1.0; sys_platform == 'linux'`",
        ),
        (
            "Dev = []\ndev = []\n",
            "line 3, key `dependency-groups.dev`: groups `Dev` and `dev` are the same name "
            "once normalized\n\nhint: merge them into one group",
        ),
    ],
    ids=["cycle", "self-include", "unknown-include", "bad-table", "not-array", "bad-req", "dup"],
)
def test_bad_dependency_groups(tmp_path: Path, groups: str, expected: str) -> None:
    error = load_error(tmp_path, f"[dependency-groups]\n{groups}")
    assert str(error) == f"`{tmp_path / 'pyproject.toml'}` {expected}"


def test_pyproject_file_path_is_accepted_too(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "app"\n')
    assert load_project(tmp_path / "pyproject.toml").name == "app"
