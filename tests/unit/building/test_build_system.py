"""Reading ``[build-system]`` from trees and straight out of sdists, and unpacking sdists safely."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.unit.building._trees import repack_zip, tar_gz, universe
from universal_lock.building import (
    LEGACY_BACKEND,
    BuildFailed,
    extract_sdist,
    read_build_system,
    sdist_build_system,
)
from universal_lock.errors import InputError, InvalidRequirementData

PYPROJECT = b"""\
[build-system]
requires = ["helper>=1", "other; python_version < '3.9'"]
build-backend = "some.backend:api"
backend-path = ["_backend"]
"""


def test_a_tree_declares_its_build_system(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(PYPROJECT)
    system = read_build_system(tmp_path, label="demo")
    assert system.requires == (
        Requirement("helper>=1"),
        Requirement("other; python_version < '3.9'"),
    )
    assert system.backend == "some.backend:api"
    assert system.backend_path == ("_backend",)
    assert system.declared


@pytest.mark.parametrize(
    "pyproject",
    [None, b"[project]\nname = 'demo'\n", b"[build-system]\n"],
    ids=["no-pyproject", "no-table", "empty-table"],
)
def test_without_a_build_system_the_legacy_default_applies(tmp_path: Path, pyproject) -> None:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_bytes(pyproject)
    system = read_build_system(tmp_path, label="demo")
    assert system.requires == (Requirement("setuptools>=40.8.0"),)
    assert system.backend == "setuptools.build_meta:__legacy__"
    assert system.backend_path is None
    assert not system.declared


def test_a_table_without_a_backend_is_declared_with_the_legacy_backend(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools", "cython"]\n'
    )
    system = read_build_system(tmp_path, label="demo")
    assert system.declared
    assert system.backend == LEGACY_BACKEND
    assert [str(requirement) for requirement in system.requires] == ["setuptools", "cython"]


@pytest.mark.parametrize(
    ("text", "error", "key"),
    [
        ('[build-system]\nrequires = "setuptools"\n', InputError, "build-system.requires"),
        ('[build-system]\nrequires = ["ok", "not valid!!"]\n', InvalidRequirementData,
         "build-system.requires[1]"),
        ("[build-system]\nrequires = []\nbuild-backend = 3\n", InputError,
         "build-system.build-backend"),
        ('[build-system]\nrequires = []\nbackend-path = "."\n', InputError,
         "build-system.backend-path"),
    ],
)  # fmt: skip
def test_a_malformed_table_names_the_file_and_key(tmp_path: Path, text, error, key) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(error) as raised:
        read_build_system(tmp_path, label="demo")
    assert raised.value.key == key
    assert str(tmp_path / "pyproject.toml") in str(raised.value)
    assert raised.value.exit_code == 2


def test_invalid_toml_is_input_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[build-system\n")
    with pytest.raises(InputError, match=r"invalid pyproject\.toml"):
        read_build_system(tmp_path, label="demo")


# -- sdists -----------------------------------------------------------------------------------


def _needy_sdist() -> Path:
    return universe().file("needy-1.0.0.tar.gz").path


@pytest.mark.parametrize("form", ["tar.gz", "zip"])
def test_an_sdists_build_system_is_read_from_the_archive(tmp_path: Path, form: str) -> None:
    sdist = _needy_sdist()
    if form == "zip":
        sdist = repack_zip(sdist, tmp_path / "needy-1.0.0.zip")
    system = sdist_build_system(sdist)
    assert system.requires == (Requirement("helper"),)
    assert system.backend == "ulock_test_backend"
    assert system.backend_path == ("_backend",)
    assert system.declared


def test_reading_stops_at_the_pyproject(tmp_path: Path) -> None:
    # The archive is cut short after pyproject.toml: reading the build system never gets
    # there, unpacking does.
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data in [
            ("demo-1/pyproject.toml", PYPROJECT),
            ("demo-1/big.bin", b"x" * 200_000),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    sdist = tmp_path / "demo-1.tar.gz"
    sdist.write_bytes(gzip.compress(raw.getvalue()[:60_000]))
    assert sdist_build_system(sdist).backend == "some.backend:api"
    with pytest.raises(BuildFailed, match="cannot unpack"):
        extract_sdist(sdist, tmp_path / "out")


def test_an_sdist_without_pyproject_gets_the_legacy_default(tmp_path: Path) -> None:
    sdist = tar_gz(tmp_path / "old-1.tar.gz", {"old-1/setup.py": b"", "old-1/PKG-INFO": b""})
    system = sdist_build_system(sdist)
    assert not system.declared
    assert system.backend == LEGACY_BACKEND


def test_only_the_top_level_pyproject_counts(tmp_path: Path) -> None:
    sdist = tar_gz(
        tmp_path / "nested-1.tar.gz",
        {"nested-1/setup.py": b"", "nested-1/vendored/pyproject.toml": PYPROJECT},
    )
    assert not sdist_build_system(sdist).declared


def test_a_malformed_pyproject_in_an_sdist_names_the_member(tmp_path: Path) -> None:
    sdist = tar_gz(
        tmp_path / "bad-1.tar.gz",
        {"bad-1/pyproject.toml": b'[build-system]\nrequires = ["a b c"]\n'},
    )
    with pytest.raises(InvalidRequirementData) as raised:
        sdist_build_system(sdist)
    assert "bad-1.tar.gz/bad-1/pyproject.toml" in str(raised.value)
    assert raised.value.key == "build-system.requires[0]"


@pytest.mark.parametrize("name", ["junk-1.tar.gz", "junk-1.zip"])
def test_a_bad_archive_is_build_failed(tmp_path: Path, name: str) -> None:
    sdist = tmp_path / name
    sdist.write_bytes(b"this is not an archive at all")
    with pytest.raises(BuildFailed, match=f"building `{name}` failed: cannot read the archive"):
        sdist_build_system(sdist)
    with pytest.raises(BuildFailed, match="cannot unpack the archive"):
        extract_sdist(sdist, tmp_path / "out")


# -- unpacking --------------------------------------------------------------------------------


def test_extract_returns_the_one_top_level_directory(tmp_path: Path) -> None:
    tree = extract_sdist(_needy_sdist(), tmp_path / "out")
    assert tree == tmp_path / "out" / "needy-1.0.0"
    assert (tree / "pyproject.toml").is_file()
    assert (tree / "needy" / "__init__.py").is_file()


def test_two_top_level_directories_are_refused(tmp_path: Path) -> None:
    sdist = tar_gz(tmp_path / "two-1.tar.gz", {"a/setup.py": b"", "b/setup.py": b""})
    with pytest.raises(BuildFailed, match="exactly one top-level directory"):
        extract_sdist(sdist, tmp_path / "out")


def test_unsafe_tar_members_are_refused(tmp_path: Path) -> None:
    sdist = tar_gz(tmp_path / "evil-1.tar.gz", {"evil-1/setup.py": b"", "../escape.txt": b"x"})
    with pytest.raises(BuildFailed, match="unsafe member"):
        extract_sdist(sdist, tmp_path / "work" / "out")
    assert not (tmp_path / "work" / "escape.txt").exists()


def test_an_absolute_tar_member_stays_inside(tmp_path: Path) -> None:
    # The data filter makes it relative; then the archive has two top-level entries.
    absolute = str(tmp_path / "escape.txt")
    sdist = tar_gz(tmp_path / "evil-1.tar.gz", {"evil-1/setup.py": b"", absolute: b"x"})
    with pytest.raises(BuildFailed, match="exactly one top-level directory"):
        extract_sdist(sdist, tmp_path / "out")
    assert not Path(absolute).exists()


def test_a_link_out_of_the_archive_is_refused(tmp_path: Path) -> None:
    sdist = tar_gz(
        tmp_path / "evil-1.tar.gz", {"evil-1/setup.py": b""}, links={"evil-1/up": "../../.."}
    )
    with pytest.raises(BuildFailed, match="unsafe member"):
        extract_sdist(sdist, tmp_path / "out")


@pytest.mark.parametrize(
    "member", ["../escape.txt", "/escape.txt", "C:/escape.txt", "a\\..\\..\\e"]
)
def test_unsafe_zip_members_are_refused(tmp_path: Path, member: str) -> None:
    sdist = tmp_path / "evil-1.zip"
    with zipfile.ZipFile(sdist, "w") as archive:
        archive.writestr("evil-1/setup.py", b"")
        archive.writestr(member, b"gotcha")
    with pytest.raises(BuildFailed, match="unsafe member"):
        extract_sdist(sdist, tmp_path / "work" / "out")
    assert not any((tmp_path / "work" / "out").iterdir())
