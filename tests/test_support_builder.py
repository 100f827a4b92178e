"""The distribution builder: real, deterministic wheels and sdists, cached by content, and
sdists that build offline through the in-tree PEP 517 backend."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from pyproject_hooks import BuildBackendHookCaller, quiet_subprocess_runner

from tests.support.builder import DistributionBuilder, write_flat_directory
from tests.support.scenario import ScenarioError

UNIVERSE = {
    "packages": {
        "My.Pkg": {
            "versions": {
                "1.2.0": {
                    "requires": ["dep>=1", "other; sys_platform == 'linux'"],
                    "requires_python": ">=3.9",
                    "extras": {
                        "Fast_Mode": ["speedup==2; python_version < '3.12'", "dep[x]"],
                        "docs": ["sphinx"],
                    },
                    "wheel_tags": [
                        "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
                        "py3-none-any",
                    ],
                },
                "2.0.0": {"sdist_metadata": "dynamic", "requires": ["dep"]},
                "3.0.0": {"sdist_metadata": "legacy", "requires": ["dep"]},
            }
        },
        "dep": {"versions": {"1.0.0": {"local": ["cu128"]}}},
    }
}

METADATA = """\
Metadata-Version: 2.3
Name: My.Pkg
Version: 1.2.0
Requires-Python: >=3.9
Requires-Dist: dep>=1
Requires-Dist: other; sys_platform == 'linux'
Provides-Extra: fast-mode
Requires-Dist: speedup==2; (python_version < "3.12") and extra == "fast-mode"
Requires-Dist: dep[x]; extra == "fast-mode"
Provides-Extra: docs
Requires-Dist: sphinx; extra == "docs"
"""


@pytest.fixture
def built(tmp_path):
    return DistributionBuilder(tmp_path / "cache").build(UNIVERSE)


def test_one_wheel_per_tag_and_one_sdist_per_release(built):
    assert [f.filename for f in built.files()] == [
        "dep-1.0.0-py3-none-any.whl",
        "dep-1.0.0.tar.gz",
        "dep-1.0.0+cu128-py3-none-any.whl",
        "dep-1.0.0+cu128.tar.gz",
        "my_pkg-1.2.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "my_pkg-1.2.0-py3-none-any.whl",
        "my_pkg-1.2.0.tar.gz",
        "my_pkg-2.0.0-py3-none-any.whl",
        "my_pkg-2.0.0.tar.gz",
        "my_pkg-3.0.0-py3-none-any.whl",
        "my_pkg-3.0.0.tar.gz",
    ]


def test_wheel_layout_metadata_and_record(built):
    wheel = built.file("my_pkg-1.2.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    with zipfile.ZipFile(wheel.path) as archive:
        assert archive.namelist() == [
            "my_pkg/__init__.py",
            "my_pkg-1.2.0.dist-info/METADATA",
            "my_pkg-1.2.0.dist-info/WHEEL",
            "my_pkg-1.2.0.dist-info/RECORD",
        ]
        assert archive.read("my_pkg-1.2.0.dist-info/METADATA").decode() == METADATA
        assert wheel.metadata == METADATA.encode()
        assert archive.read("my_pkg-1.2.0.dist-info/WHEEL").decode().splitlines()[2:] == [
            "Root-Is-Purelib: true",
            "Tag: cp312-cp312-manylinux_2_17_x86_64",
            "Tag: cp312-cp312-manylinux2014_x86_64",
        ]
        assert '__version__ = "1.2.0"' in archive.read("my_pkg/__init__.py").decode()
        record = archive.read("my_pkg-1.2.0.dist-info/RECORD").decode().splitlines()
        assert record[-1] == "my_pkg-1.2.0.dist-info/RECORD,,"
        for line in record[:-1]:
            path, digest, size = line.split(",")
            data = archive.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
        assert {info.date_time for info in archive.infolist()} == {(2020, 2, 2, 0, 0, 0)}
    assert wheel.sha256 == hashlib.sha256(wheel.path.read_bytes()).hexdigest()
    assert wheel.size == wheel.path.stat().st_size


def _sdist_member(path: Path, name: str) -> str:
    with tarfile.open(path) as archive:
        member = archive.extractfile(f"{path.name.removesuffix('.tar.gz')}/{name}")
        assert member is not None
        return member.read().decode()


def test_sdist_layout_and_pkg_info_kinds(built):
    sdist = built.file("my_pkg-1.2.0.tar.gz")
    with tarfile.open(sdist.path) as archive:
        assert sorted(archive.getnames()) == [
            "my_pkg-1.2.0/PKG-INFO",
            "my_pkg-1.2.0/_backend/METADATA",
            "my_pkg-1.2.0/_backend/ulock_test_backend.py",
            "my_pkg-1.2.0/my_pkg/__init__.py",
            "my_pkg-1.2.0/pyproject.toml",
        ]
        assert {(m.mtime, m.uid, m.uname) for m in archive.getmembers()} == {(1580601600, 0, "")}
    assert _sdist_member(sdist.path, "PKG-INFO") == METADATA.replace("2.3", "2.2", 1)
    assert 'requires = []\nbuild-backend = "ulock_test_backend"\nbackend-path = ["_backend"]' in (
        _sdist_member(sdist.path, "pyproject.toml")
    )
    assert sdist.metadata is None
    dynamic = _sdist_member(built.file("my_pkg-2.0.0.tar.gz").path, "PKG-INFO")
    assert dynamic.splitlines() == [
        "Metadata-Version: 2.2",
        "Name: My.Pkg",
        "Version: 2.0.0",
        "Dynamic: Requires-Dist",
    ]
    legacy = _sdist_member(built.file("my_pkg-3.0.0.tar.gz").path, "PKG-INFO")
    assert legacy.splitlines()[0] == "Metadata-Version: 2.1"
    assert "Requires-Dist: dep" in legacy.splitlines()


def test_identical_bytes_from_separate_caches_and_one_build_per_content(tmp_path):
    first = DistributionBuilder(tmp_path / "one")
    second = DistributionBuilder(tmp_path / "two")
    a, b = first.build(UNIVERSE), second.build(UNIVERSE)
    assert [f.read() for f in a.files()] == [f.read() for f in b.files()]
    assert first.files_built == len(a.files()) == 11
    first.build(UNIVERSE)
    assert first.files_built == 11
    changed = {"packages": {"dep": {"versions": {"1.0.0": {"requires": ["new"]}}}}}
    rebuilt = first.build(changed)
    assert first.files_built == 13
    assert rebuilt.file("dep-1.0.0.tar.gz").sha256 != a.file("dep-1.0.0.tar.gz").sha256


def _unpack(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    return into / sdist.name.removesuffix(".tar.gz")


def _hooks(source: Path, python: str) -> BuildBackendHookCaller:
    return BuildBackendHookCaller(
        str(source), "ulock_test_backend", backend_path=["_backend"], python_executable=python
    )


@pytest.mark.parametrize("version", ["2.0.0", "3.0.0"])
def test_sdist_builds_offline_into_the_prebuilt_wheel(built, tmp_path, version):
    source = _unpack(built.file(f"my_pkg-{version}.tar.gz").path, tmp_path / "src")
    hooks = BuildBackendHookCaller(
        str(source),
        "ulock_test_backend",
        backend_path=["_backend"],
        python_executable=sys.executable,
    )
    assert hooks.get_requires_for_build_wheel() == []
    (tmp_path / "meta").mkdir()
    dist_info = hooks.prepare_metadata_for_build_wheel(str(tmp_path / "meta"))
    prebuilt = built.file(f"my_pkg-{version}-py3-none-any.whl")
    assert (tmp_path / "meta" / dist_info / "METADATA").read_bytes() == prebuilt.metadata
    (tmp_path / "out").mkdir()
    filename = hooks.build_wheel(str(tmp_path / "out"))
    assert filename == prebuilt.filename
    assert (tmp_path / "out" / filename).read_bytes() == prebuilt.read()
    sdist_name = hooks.build_sdist(str(tmp_path / "out"))
    assert sdist_name == f"my_pkg-{version}.tar.gz"


def test_backend_refuses_to_build_without_its_build_requirements(tmp_path):
    universe = {
        "packages": {
            "needs-tool": {"versions": {"1.0": {"build_requires": ["tool-x>=2", "packaging"]}}}
        }
    }
    built = DistributionBuilder(tmp_path / "cache").build(universe)
    sdist = built.file("needs_tool-1.0.tar.gz").path
    assert 'requires = ["tool-x>=2", "packaging"]' in _sdist_member(sdist, "pyproject.toml")
    hooks = _hooks(_unpack(sdist, tmp_path / "src"), sys.executable)
    (tmp_path / "out").mkdir()
    with (
        hooks.subprocess_runner(quiet_subprocess_runner),
        pytest.raises(subprocess.CalledProcessError) as caught,
    ):
        hooks.build_wheel(str(tmp_path / "out"))
    # packaging is importable here, tool-x is not: only the missing one is named.
    assert b"build requirements not installed: tool-x>=2\n" in caught.value.output
    assert list((tmp_path / "out").iterdir()) == []


def test_python_m_build_makes_the_wheel_without_isolation(built, tmp_path):
    source = _unpack(built.file("dep-1.0.0+cu128.tar.gz").path, tmp_path / "src")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--wheel",
            "-o",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = built.file("dep-1.0.0+cu128-py3-none-any.whl")
    assert (tmp_path / "out" / wheel.filename).read_bytes() == wheel.read()


def test_backend_runs_on_the_oldest_python(built, tmp_path):
    oldest = sorted(Path.home().glob(".pyenv/versions/3.8*/bin/python"))
    if not oldest:
        pytest.skip("no Python 3.8 here")
    source = _unpack(built.file("dep-1.0.0.tar.gz").path, tmp_path / "src")
    hooks = BuildBackendHookCaller(
        str(source),
        "ulock_test_backend",
        backend_path=["_backend"],
        python_executable=str(oldest[0]),
    )
    (tmp_path / "out").mkdir()
    filename = hooks.build_wheel(str(tmp_path / "out"))
    assert (tmp_path / "out" / filename).read_bytes() == built.file(filename).read()


def test_flat_directory_holds_every_file(built, tmp_path):
    written = write_flat_directory(built, tmp_path / "flat")
    assert sorted(p.name for p in written) == sorted(f.filename for f in built.files())
    for path in written:
        assert path.read_bytes() == built.file(path.name).read()
    # A universe (not yet built) works too, through the default builder.
    again = write_flat_directory(UNIVERSE, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


def test_flat_directory_refuses_two_different_files_of_one_name(tmp_path):
    universe = {
        "packages": {"a": {"versions": {"1.0": {}}}},
        "indexes": {"other": {"packages": {"a": {"versions": {"1.0": {"requires": ["b"]}}}}}},
    }
    with pytest.raises(
        ScenarioError, match=r"two different files are named `a-1\.0-py3-none-any\.whl`"
    ):
        write_flat_directory(universe, tmp_path / "flat")
    only_default = write_flat_directory(universe, tmp_path / "one", index="default")
    assert len(only_default) == 2


def test_zip_is_readable_by_the_standard_library(built):
    for wheel in built.files():
        if wheel.kind == "wheel":
            with zipfile.ZipFile(io.BytesIO(wheel.read())) as archive:
                assert archive.testzip() is None
