"""Selection: which entries (and files) an installer picks, and errors that say why not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.tags import compatible_tags, cpython_tags
from packaging.version import Version

from tests.support.oracle import environment as grid_environment
from tests.unit.lockfile.strategies import locks
from universal_lock.lockfile import (
    ENVIRONMENT_KEYS,
    ConflictMember,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockSelector,
    SelectionError,
    select,
    select_packages,
)

SHA = "e" * 64


def environment(sys_platform: str = "linux", python: str = "3.12.1", machine: str = "x86_64"):
    system = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[sys_platform]
    os_name = "nt" if sys_platform == "win32" else "posix"
    return grid_environment((sys_platform, system, os_name, machine), python)


def tags(python: tuple[int, int], platform: str):
    return [
        *cpython_tags(python, platforms=[platform]),
        *compatible_tags(python, platforms=[platform]),
    ]


def entry(
    name: str,
    version: str,
    marker: str | None = None,
    *,
    wheel_tags=("py3-none-any",),
    sdist=False,
    **fields,
):
    stem = f"{name}-{version}"
    wheels = tuple(
        LockedFile(
            name=f"{stem}-{tag}.whl",
            url=f"https://f.example.org/{stem}-{tag}.whl",
            hashes={"sha256": SHA},
        )
        for tag in wheel_tags
    )
    source = (
        LockedFile(
            name=f"{stem}.tar.gz",
            url=f"https://f.example.org/{stem}.tar.gz",
            hashes={"sha256": SHA},
        )
        if sdist
        else None
    )
    return LockedPackage(
        name=name, version=Version(version), marker=marker, wheels=wheels, sdist=source, **fields
    )


NEITHER_CUDA = "'cu118' not in extras and 'cu124' not in extras"
UNIVERSAL = Lock(
    environments=("sys_platform == 'linux'", "sys_platform == 'darwin'", "sys_platform == 'win32'"),
    requires_python=SpecifierSet(">=3.10"),
    extras=("cu118", "cu124"),
    dependency_groups=("dev", "docs"),
    default_groups=("dev",),
    packages=(
        LockedPackage(name="app", directory=LockedDirectory(path=".", editable=True)),
        entry("numpy", "1.26.4", "python_full_version < '3.12'"),
        entry(
            "numpy",
            "2.0.0",
            "python_full_version >= '3.12'",
            wheel_tags=(
                "cp312-cp312-manylinux_2_17_x86_64",
                "cp312-cp312-win_amd64",
                "cp312-cp312-macosx_11_0_arm64",
            ),
        ),
        entry("torch", "2.3.0+cu118", "sys_platform == 'linux' and 'cu118' in extras"),
        entry("torch", "2.3.0+cu124", "sys_platform == 'linux' and 'cu124' in extras"),
        entry("torch", "2.3.0", f"sys_platform != 'linux' or ({NEITHER_CUDA})"),
        entry("colorama", "0.4.6", "sys_platform == 'win32'"),
        entry("pytest", "8.2.0", "'dev' in dependency_groups"),
        entry("mkdocs", "1.6.0", "'docs' in dependency_groups", sdist=True),
    ),
)


def chosen(packages) -> list[str]:
    return [f"{p.name}=={p.version}" if p.version else p.name for p in packages]


@pytest.mark.parametrize(
    ("env", "extras", "groups", "expected"),
    [
        (
            environment("linux", "3.11.4"),
            (),
            None,
            ["app", "numpy==1.26.4", "pytest==8.2.0", "torch==2.3.0"],
        ),
        (
            environment("linux", "3.12.1"),
            ("cu124",),
            (),
            ["app", "numpy==2.0.0", "torch==2.3.0+cu124"],
        ),
        (
            environment("win32", "3.12.1", "AMD64"),
            ("cu118",),
            ("docs",),
            ["app", "colorama==0.4.6", "mkdocs==1.6.0", "numpy==2.0.0", "torch==2.3.0"],
        ),
        (
            environment("darwin", "3.13.0", "arm64"),
            (),
            ("dev", "docs"),
            ["app", "mkdocs==1.6.0", "numpy==2.0.0", "pytest==8.2.0", "torch==2.3.0"],
        ),
    ],
)
def test_select_packages_per_environment_extras_and_groups(env, extras, groups, expected) -> None:
    assert chosen(select_packages(UNIVERSAL, env, extras=extras, groups=groups)) == expected


def test_select_picks_the_wheel_for_the_platform_tags() -> None:
    linux = select(UNIVERSAL, environment("linux"), tags=tags((3, 12), "manylinux_2_17_x86_64"))
    by_name = {s.package.name: s.artifact for s in linux}
    numpy = by_name["numpy"]
    assert isinstance(numpy, LockedFile)
    assert numpy.name == "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl"
    (numpy_2,) = [p for p in UNIVERSAL.packages if p.version == Version("2.0.0")]
    assert any(numpy is wheel for wheel in numpy_2.wheels), "the model's own object"
    assert by_name["app"] == LockedDirectory(path=".", editable=True)
    windows = select(
        UNIVERSAL, environment("win32", machine="AMD64"), tags=tags((3, 12), "win_amd64")
    )
    assert {s.package.name: s.artifact for s in windows}["numpy"].name.endswith("win_amd64.whl")  # type: ignore[union-attr]


def test_sdist_is_the_fallback_when_no_wheel_fits() -> None:
    only_sdist = Lock(
        packages=(entry("mkdocs", "1.6.0", wheel_tags=("cp39-cp39-win32",), sdist=True),)
    )
    (selected,) = select(only_sdist, environment(), tags=tags((3, 12), "manylinux_2_17_x86_64"))
    assert (
        isinstance(selected.artifact, LockedFile)
        and selected.artifact.name == "mkdocs-1.6.0.tar.gz"
    )


def test_environment_outside_the_lock() -> None:
    lock = replace(UNIVERSAL, environments=("sys_platform == 'linux'",))
    with pytest.raises(SelectionError) as caught:
        select_packages(lock, environment("darwin", machine="arm64"))
    assert caught.value.reason == "environment"
    assert caught.value.exit_code == 1
    assert str(caught.value) == (
        "this environment (sys_platform 'darwin', platform_machine 'arm64', "
        "python_full_version '3.12.1') matches none of the lock's environments: "
        "`sys_platform == 'linux'`\n\n"
        "hint: add this environment to the project and run `ulock lock` again"
    )


def test_python_outside_requires_python() -> None:
    with pytest.raises(SelectionError) as caught:
        select_packages(UNIVERSAL, environment(python="3.9.18"))
    assert caught.value.reason == "requires-python"
    assert caught.value.message == "Python 3.9.18 is outside the lock's requires-python `>=3.10`"


def test_entry_requires_python_unmet() -> None:
    strict = entry(
        "numpy", "1.26.4", "python_full_version < '3.12'", requires_python=SpecifierSet(">=3.11")
    )
    lock = Lock(packages=(strict,))
    with pytest.raises(SelectionError) as caught:
        select_packages(lock, environment(python="3.10.2"))
    assert caught.value.reason == "requires-python"
    assert caught.value.package == "numpy"
    assert caught.value.message == (
        "`numpy` 1.26.4 requires Python `>=3.11`, and this environment has Python 3.10.2"
    )


def test_two_entries_of_one_name_are_ambiguous() -> None:
    lock = Lock(
        packages=(
            entry("torch", "2.3.0", "sys_platform == 'linux'"),
            entry("torch", "2.4.0", "platform_machine == 'x86_64'"),
        )
    )
    assert chosen(select_packages(lock, environment("darwin", machine="x86_64"))) == [
        "torch==2.4.0"
    ]
    with pytest.raises(SelectionError) as caught:
        select_packages(lock, environment("linux", machine="x86_64"))
    assert caught.value.reason == "ambiguous"
    assert caught.value.message == (
        "two entries of `torch` apply to this environment: `torch` 2.3.0 (marker "
        "`sys_platform == 'linux'`) and `torch` 2.4.0 (marker `platform_machine == 'x86_64'`)"
    )


def test_no_fitting_wheel_and_no_sdist() -> None:
    lock = Lock(packages=(entry("numpy", "2.0.0", wheel_tags=("cp312-cp312-win_amd64",)),))
    with pytest.raises(SelectionError) as caught:
        select(lock, environment(), tags=tags((3, 12), "manylinux_2_17_x86_64"))
    assert caught.value.reason == "no-wheel"
    assert "'numpy'" in caught.value.message
    # Without tags the question is only which entries apply, and that has an answer.
    assert chosen(select_packages(lock, environment())) == ["numpy==2.0.0"]


def test_unknown_extra_or_group_is_named() -> None:
    with pytest.raises(SelectionError, match="no extra `cu999`") as caught:
        select_packages(UNIVERSAL, environment(), extras=("cu999",))
    assert caught.value.hint == "the lock defines these extras: `cu118`, `cu124`"
    with pytest.raises(SelectionError, match="no dependency group `lint`"):
        select_packages(UNIVERSAL, environment(), groups=("lint",))


def test_declared_conflicts_are_refused_together_and_allowed_apart() -> None:
    lock = replace(
        UNIVERSAL,
        conflicts=(
            (ConflictMember(extra="cu118"), ConflictMember(extra="cu124")),
            (ConflictMember(group="dev"), ConflictMember(group="docs")),
        ),
    )
    assert "torch==2.3.0+cu118" in chosen(
        select_packages(lock, environment(), extras=("cu118",), groups=())
    )
    with pytest.raises(SelectionError) as caught:
        select_packages(lock, environment(), extras=("cu118", "cu124"))
    assert caught.value.reason == "conflict"
    assert caught.value.message == (
        "extra `cu118` and extra `cu124` are declared to conflict and cannot be installed together"
    )
    # The default group counts: asking for `docs` on top of the default `dev` is not needed to
    # clash, but naming both is.
    assert "mkdocs==1.6.0" in chosen(select_packages(lock, environment(), groups=("docs",)))
    with pytest.raises(SelectionError, match="group `dev` and group `docs`"):
        select_packages(lock, environment(), groups=("dev", "docs"))


def test_incomplete_environment_is_refused_rather_than_filled_from_this_machine() -> None:
    partial = {"sys_platform": "win32", "python_full_version": "3.12.1"}
    with pytest.raises(ValueError, match="lacks marker variables: implementation_name"):
        select_packages(UNIVERSAL, partial)
    assert set(ENVIRONMENT_KEYS) == set(environment())


# An independent judge: evaluate each entry's marker by hand and compare with packaging.
GRID = [
    environment(platform, python, machine)
    for platform, machine in (("linux", "x86_64"), ("darwin", "arm64"), ("win32", "AMD64"))
    for python in ("3.8.10", "3.11.4", "3.12.1", "3.13.0")
]


@given(locks(max_packages=4), st.sampled_from(GRID), st.data())
def test_selection_matches_marker_evaluation(lock: Lock, env, data) -> None:
    extras = data.draw(st.lists(st.sampled_from(lock.extras), unique=True)) if lock.extras else []
    groups = (
        data.draw(st.none() | st.lists(st.sampled_from(lock.dependency_groups), unique=True))
        if lock.dependency_groups
        else None
    )
    context = {
        **env,
        "extras": frozenset(extras),
        "dependency_groups": frozenset(lock.default_groups if groups is None else groups),
    }
    applying = [
        p
        for p in lock.packages
        if p.marker is None or Marker(p.marker).evaluate(context, context="lock_file")  # type: ignore[arg-type]
    ]
    selector = LockSelector(lock)
    try:
        result = selector.select_packages(env, extras=extras, groups=groups)
    except SelectionError as error:
        python = Version(env["python_full_version"])
        names = [p.name for p in applying]
        explained = {
            "requires-python": (
                lock.requires_python is not None and python not in lock.requires_python
            )
            or any(
                p.requires_python is not None and python not in p.requires_python for p in applying
            ),
            "environment": bool(lock.environments)
            and not any(Marker(m).evaluate(env) for m in lock.environments),
            "ambiguous": len(set(names)) != len(names),
            "conflict": any(
                sum(m.extra in extras or m.group in context["dependency_groups"] for m in members)
                >= 2
                for members in lock.conflicts
            ),
        }
        assert explained[error.reason], error
        return
    assert list(result) == applying
