"""Random small universes with markers and Requires-Python, locked universally and judged.

Hypothesis draws a few packages with a few versions, each with requirements carrying
platform and Python markers; the project requires some of them. Either the lock passes the
judge in every environment of the grid (and relocking leaves its bytes alone), or locking
fails with an explanation — and then a
brute-force search must confirm that some environment of the grid has no valid install at
all (otherwise the resolver gave up on a universe every environment can install).
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.builder import DistributionBuilder, write_flat_directory
from tests.support.oracle import environment, judge, wheel_metadata
from universal_lock.errors import UlockError
from universal_lock.lockfile import read_lock, select_packages
from universal_lock.operations.lock import LockOptions, lock

NAMES = ("a", "b", "c", "d")
VERSIONS = ("1.0", "2.0", "3.0")
SPECIFIERS = ("", "", ">=2", "<2", "<3", "==1.0", "!=2.0")
MARKERS = (
    None,
    "sys_platform == 'linux'",
    "sys_platform != 'linux'",
    "python_version >= '3.11'",
    "platform_machine == 'aarch64'",
    "python_version < '3.11'",
    "sys_platform == 'win32'",
    "sys_platform == 'darwin' and python_version >= '3.12'",
)
PYTHONS_FOR_REQUIRES = (None, ">=3.10", ">=3.12", "<3.12")
#: (version, base requirements, requirements of extra `x`)
_Release = tuple[str, list[Requirement], list[Requirement]]

GRID_PYTHONS = ("3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0")
# Every class of environment the drawn markers and Requires-Python can tell apart: each
# platform the markers name (and one they do not) on aarch64 and on x86_64, and the
# pre-releases just below a Requires-Python bound.
BRUTE_PLATFORMS = tuple(
    (sys_platform, system, os_name, machine)
    for sys_platform, system, os_name in (
        ("linux", "Linux", "posix"),
        ("darwin", "Darwin", "posix"),
        ("win32", "Windows", "nt"),
        ("freebsd14", "FreeBSD", "posix"),
    )
    for machine in ("x86_64", "aarch64")
)
BRUTE_PYTHONS = (*GRID_PYTHONS, "3.10.0rc1", "3.12.0b1")


def _requirement(exclude: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda name, extra, spec, marker: name + extra + spec + (f"; {marker}" if marker else ""),
        st.sampled_from([n for n in NAMES if n != exclude]),
        st.sampled_from(["", "", "[x]"]),
        st.sampled_from(SPECIFIERS),
        st.sampled_from(MARKERS),
    )


@st.composite
def universes(draw: st.DrawFn) -> dict[str, Any]:
    packages: dict[str, Any] = {}
    for name in NAMES:
        versions = draw(st.lists(st.sampled_from(VERSIONS), min_size=1, max_size=3, unique=True))
        table: dict[str, Any] = {}
        for version in sorted(versions):
            release: dict[str, Any] = {
                "requires": draw(st.lists(_requirement(name), max_size=2)),
            }
            extra = draw(st.lists(_requirement(name), max_size=2))
            if extra:
                release["extras"] = {"x": extra}
            python = draw(st.sampled_from(PYTHONS_FOR_REQUIRES))
            if python:
                release["requires_python"] = python
            table[version] = release
        packages[name] = {"versions": table}
    root = draw(st.lists(_requirement(""), min_size=1, max_size=3))
    return {"packages": packages, "root": {"requires": root}}


def _installable(
    universe: Mapping[str, Any], env: Mapping[str, str], names: Sequence[str] = NAMES
) -> bool:
    """Whether some choice of versions is a valid install in ``env`` (brute force)."""
    packages = universe["packages"]
    python = env["python_full_version"]
    options: dict[str, list[_Release]] = {}
    for name, data in packages.items():
        options[name] = [
            (
                version,
                [Requirement(text) for text in release["requires"]],
                [Requirement(text) for text in release.get("extras", {}).get("x", [])],
            )
            for version, release in data["versions"].items()
            if SpecifierSet(release.get("requires_python", "")).contains(python, prereleases=True)
        ]
    root = [Requirement(text) for text in universe["root"]["requires"]]
    for choice in itertools.product(*[[None, *options[name]] for name in names]):
        chosen = dict(zip(names, choice, strict=True))
        if _valid(chosen, root, env):
            return True
    return False


def _valid(
    chosen: Mapping[str, _Release | None],
    root: Sequence[Requirement],
    env: Mapping[str, str],
) -> bool:
    wanted = list(root)
    reached: set[tuple[str, str]] = set()
    while wanted:
        requirement = wanted.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({**env, "extra": ""}):
            continue
        picked = chosen.get(requirement.name)
        if picked is None or not requirement.specifier.contains(Version(picked[0])):
            return False
        for extra in ["", *requirement.extras]:
            if (requirement.name, extra) not in reached:
                reached.add((requirement.name, extra))
                wanted += picked[1] if extra == "" else picked[2]
    return True


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(universe=universes(), newer=st.lists(st.tuples(st.sampled_from(NAMES), _requirement(""))))
def test_random_universe(
    universe: dict[str, Any],
    newer: list[tuple[str, str]],
    index_build_cache: DistributionBuilder,
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        requires = ", ".join(f'"{text}"' for text in universe["root"]["requires"])
        (project / "pyproject.toml").write_text(
            '[project]\nname = "root"\nversion = "0"\nrequires-python = ">=3.9"\n'
            f"dependencies = [{requires}]\n\n"
            '[[tool.ulock.index]]\nname = "flat"\nurl = "./whl"\nformat = "flat"\n'
            "default = true\n",
            encoding="utf-8",
        )
        write_flat_directory(universe, project / "whl", builder=index_build_cache)
        options = LockOptions(directory=project, cache_dir=Path(scratch) / "cache")
        try:
            lock(options)
        except UlockError as error:
            event("no lock")
            assert "Because" in str(error) or "no solution" in str(error), str(error)
            envs = [environment(p, v) for p in BRUTE_PLATFORMS for v in BRUTE_PYTHONS]
            assert not all(_installable(universe, env) for env in envs), (
                f"every environment can install {universe}, but locking failed: {error}"
            )
            return
        written = (project / "pylock.toml").read_bytes()
        lock(options)  # again, with the first lock's versions and fork markers as preferences
        relocked = (project / "pylock.toml").read_bytes()
        assert relocked == written, f"relocking changed the lock of {universe}"
        locked = read_lock(project / "pylock.toml")
        event(f"locked, {len(locked.fork_markers)} fork markers")
        requirements = {None: [Requirement(t) for t in universe["root"]["requires"]]}

        def problems() -> list[str]:
            return judge(
                read_lock(project / "pylock.toml"),
                project_requirements=requirements,
                metadata=wheel_metadata(project),
                platforms=BRUTE_PLATFORMS,
                pythons=BRUTE_PYTHONS,
            )

        assert problems() == []
        # The index gains version 4.0 of some packages; the old lock is still a valid
        # answer, so relocking with it as preference must succeed and stay valid.
        if newer:
            for name, requirement in newer:
                release = {"requires": [] if requirement.startswith(name) else [requirement]}
                universe["packages"][name]["versions"]["4.0"] = release
            write_flat_directory(universe, project / "whl", builder=index_build_cache)
            lock(replace(options, cache_dir=Path(scratch) / "fresh"))
            assert problems() == []


# -- required environments ----------------------------------------------------------------

#: Wheel tag platform -> (sys_platform, platform_machine) it installs on; "any" everywhere.
TAG_PLATFORMS = {
    "manylinux_2_17_x86_64": ("linux", "x86_64"),
    "manylinux_2_17_aarch64": ("linux", "aarch64"),
    "win_amd64": ("win32", "AMD64"),
    "macosx_11_0_arm64": ("darwin", "arm64"),
}
REQUIRED = (
    "sys_platform == 'linux' and platform_machine == 'x86_64'",
    "sys_platform == 'linux' and platform_machine == 'aarch64'",
    "sys_platform == 'win32' and platform_machine == 'AMD64'",
    "sys_platform == 'darwin' and platform_machine == 'arm64'",
)
WHEEL_PLATFORMS = (
    ("linux", "Linux", "posix", "x86_64"),
    ("linux", "Linux", "posix", "aarch64"),
    ("win32", "Windows", "nt", "AMD64"),
    ("darwin", "Darwin", "posix", "arm64"),
    ("darwin", "Darwin", "posix", "x86_64"),
)
WHEEL_PYTHONS = ("3.9.18", "3.11.7", "3.12.1")


@st.composite
def wheel_universes(draw: st.DrawFn) -> dict[str, Any]:
    packages: dict[str, Any] = {}
    for name in NAMES[:3]:
        table: dict[str, Any] = {}
        for version in sorted(draw(st.lists(st.sampled_from(VERSIONS), min_size=1, unique=True))):
            platforms = draw(st.lists(st.sampled_from(sorted(TAG_PLATFORMS)), unique=True))
            release: dict[str, Any] = {
                "requires": draw(
                    st.lists(
                        st.builds(
                            lambda n, spec, marker: n + spec + (f"; {marker}" if marker else ""),
                            st.sampled_from([n for n in NAMES[:3] if n != name]),
                            st.sampled_from(("", ">=2", "<2")),
                            st.sampled_from((None, "sys_platform == 'linux'", REQUIRED[2])),
                        ),
                        max_size=1,
                    )
                )
            }
            if platforms:  # binary-only, for those platforms; else a pure wheel and an sdist
                release["wheel_tags"] = [f"py3-none-{tag}" for tag in platforms]
                release["sdist"] = False
            table[version] = release
        packages[name] = {"versions": table}
    root = draw(
        st.lists(
            st.builds(
                lambda n, marker: n + (f"; {marker}" if marker else ""),
                st.sampled_from(NAMES[:3]),
                st.sampled_from((None, "sys_platform != 'win32'", REQUIRED[1])),
            ),
            min_size=1,
            max_size=2,
        )
    )
    required = draw(st.lists(st.sampled_from(REQUIRED), min_size=1, max_size=3, unique=True))
    return {"packages": packages, "root": {"requires": root}, "required": required}


def _has_file(release: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    if "wheel_tags" not in release:
        return True
    here = (env["sys_platform"], env["platform_machine"])
    return any(TAG_PLATFORMS[tag.split("-")[-1]] == here for tag in release["wheel_tags"])


def _installable_with_files(universe: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    """Brute force, where a required environment also needs a file of each chosen version."""
    required = any(Marker(text).evaluate(env) for text in universe["required"])
    trimmed = {
        "root": universe["root"],
        "packages": {
            name: {
                "versions": {
                    version: release
                    for version, release in data["versions"].items()
                    if not required or _has_file(release, env)
                }
            }
            for name, data in universe["packages"].items()
        },
    }
    names = tuple(universe["packages"])
    return _installable(trimmed, env, names)


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(universe=wheel_universes())
def test_random_universe_with_required_environments(
    universe: dict[str, Any], index_build_cache: DistributionBuilder
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        requires = ", ".join(f'"{text}"' for text in universe["root"]["requires"])
        required = ", ".join(f'"{text}"' for text in universe["required"])
        (project / "pyproject.toml").write_text(
            '[project]\nname = "root"\nversion = "0"\nrequires-python = ">=3.9"\n'
            f"dependencies = [{requires}]\n\n"
            f"[tool.ulock]\nrequired-environments = [{required}]\n\n"
            '[[tool.ulock.index]]\nname = "flat"\nurl = "./whl"\nformat = "flat"\n'
            "default = true\n",
            encoding="utf-8",
        )
        served = {"packages": universe["packages"], "root": universe["root"]}
        write_flat_directory(served, project / "whl", builder=index_build_cache)
        options = LockOptions(directory=project, cache_dir=Path(scratch) / "cache")
        envs = [environment(p, v) for p in WHEEL_PLATFORMS for v in WHEEL_PYTHONS]
        try:
            lock(options)
        except UlockError as error:
            event("no lock")
            assert not all(_installable_with_files(universe, env) for env in envs), (
                f"every environment can install {universe}, but locking failed: {error}"
            )
            return
        event("locked")
        locked = read_lock(project / "pylock.toml")
        assert (
            judge(
                locked,
                project_requirements={None: [Requirement(t) for t in universe["root"]["requires"]]},
                metadata=wheel_metadata(project),
                platforms=WHEEL_PLATFORMS,
                pythons=WHEEL_PYTHONS,
            )
            == []
        )
        for env in envs:
            if not any(Marker(text).evaluate(env) for text in universe["required"]):
                continue
            for package in select_packages(locked, env):
                files = [*package.wheels, *([package.sdist] if package.sdist else [])]
                names = [f.name for f in files]
                assert package.sdist is not None or any(
                    TAG_PLATFORMS.get(n[:-4].split("-")[-1])
                    == (
                        env["sys_platform"],
                        env["platform_machine"],
                    )
                    or n.endswith("-any.whl")
                    for n in names
                ), f"{package.name} {package.version} has no file for required {env}"
