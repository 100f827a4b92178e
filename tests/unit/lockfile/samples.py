"""Concrete locks shared by the lockfile tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.lockfile import (
    BuildPin,
    ConflictMember,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
)

SHA_A = "a" * 64
SHA_B = "b" * 64


def index_entry(
    name: str, version: str, *, marker: str | None = None, sha: str = SHA_A
) -> LockedPackage:
    stem = f"{name.replace('-', '_')}-{version}"
    return LockedPackage(
        name=name,
        version=Version(version),
        marker=marker,
        index="https://index.example.org/simple",
        wheels=(
            LockedFile(
                name=f"{stem}-py3-none-any.whl",
                url=f"https://files.example.org/{stem}-py3-none-any.whl",
                size=100,
                upload_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                hashes={"sha256": sha},
            ),
        ),
    )


def sample_lock() -> Lock:
    return Lock(
        environments=("sys_platform == 'linux'", 'sys_platform == "darwin"'),
        requires_python=SpecifierSet(">=3.11"),
        extras=("cu118",),
        dependency_groups=("dev",),
        default_groups=("dev",),
        packages=(
            index_entry("pytest", "8.2.0", marker="'dev' in dependency_groups"),
            LockedPackage(name="app", directory=LockedDirectory(path=".", editable=True)),
            replace(
                index_entry("numpy", "2.0.0", marker="python_full_version >= '3.12'"),
                sdist=LockedFile(
                    name="numpy-2.0.0.tar.gz",
                    path="vendor/numpy-2.0.0.tar.gz",
                    upload_time=datetime(2024, 6, 1, 0, 0, 0, 123456, tzinfo=UTC),
                    hashes={"sha256": SHA_B},
                ),
                build_requires=(BuildPin(name="cython", version=Version("3.0.10")),),
            ),
        ),
        fork_markers=("python_full_version >= '3.12'", "python_full_version < '3.12'"),
        input_fingerprint="sha256:" + "c" * 64,
        build_packages=(index_entry("cython", "3.0.10"),),
        conflicts=((ConflictMember(group="dev"), ConflictMember(extra="cu118")),),
    )
