"""Choosing an entry's build environment from its pins: by environment, extras and groups,
from build-packages or runtime entries, with clear refusals."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.version import Version

from tests.support.oracle import environment
from universal_lock.lockfile import (
    BuildPin,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    SelectionError,
    select_build_environment,
    unmet_requirements,
)

LINUX = environment(("linux", "Linux", "posix", "x86_64"), "3.12.1")
ANY = [Tag("py3", "none", "any")]


def wheel(name: str, version: str, tag: str = "py3-none-any") -> LockedFile:
    filename = f"{name}-{version}-{tag}.whl"
    return LockedFile(name=filename, path=filename, size=1, hashes={"sha256": "a" * 64})


def package(name: str, version: str, marker: str | None = None, *tags: str) -> LockedPackage:
    files = tuple(wheel(name, version, tag) for tag in tags or ("py3-none-any",))
    return LockedPackage(name=name, version=Version(version), marker=marker, wheels=files)


def project(*pins: BuildPin) -> LockedPackage:
    return LockedPackage(name="app", directory=LockedDirectory(path="."), build_requires=pins)


def pin(name: str, version: str, marker: str | None = None) -> BuildPin:
    return BuildPin(name=name, version=Version(version), marker=marker)


def lock(
    app: LockedPackage, *build: LockedPackage, runtime: tuple[LockedPackage, ...] = ()
) -> Lock:
    return Lock(extras=("cu118", "cu124"), packages=(app, *runtime), build_packages=build)


def chosen(the_lock: Lock, app: LockedPackage, **kwargs: object) -> dict[str, str]:
    picked = select_build_environment(the_lock, app, LINUX, tags=ANY, **kwargs)  # type: ignore[arg-type]
    return {s.package.name: str(s.package.version) for s in picked}


def test_pins_follow_the_chosen_extras_and_name_runtime_or_build_entries() -> None:
    app = project(
        pin("torch", "2.2.0+cu118", "'cu118' in extras"),
        pin("torch", "2.4.0+cu124", "'cu124' in extras"),
        pin("torch", "2.4.0", "'cu118' not in extras and 'cu124' not in extras"),
        pin("setuptools", "70.0"),
    )
    runtime = (package("torch", "2.4.0+cu124", "'cu124' in extras"),)
    the_lock = lock(app, package("torch", "2.2.0+cu118"), package("torch", "2.4.0"),
                    package("setuptools", "70.0"), runtime=runtime)  # fmt: skip
    assert chosen(the_lock, app) == {"torch": "2.4.0", "setuptools": "70.0"}
    assert chosen(the_lock, app, extras=["cu118"]) == {"torch": "2.2.0+cu118", "setuptools": "70.0"}
    assert chosen(the_lock, app, extras=["cu124"]) == {"torch": "2.4.0+cu124", "setuptools": "70.0"}


def test_two_pins_of_one_name_applying_at_once_are_refused() -> None:
    app = project(pin("torch", "2.2.0", "'cu118' in extras"), pin("torch", "2.4.0"))
    the_lock = lock(app, package("torch", "2.2.0"), package("torch", "2.4.0"))
    with pytest.raises(SelectionError, match="two build requirements of `app` apply"):
        chosen(the_lock, app, extras=["cu118"])


def test_a_pin_naming_no_entry_or_no_fitting_wheel_is_refused() -> None:
    app = project(pin("cython", "3.0"))
    # (A Lock refuses a pin that names no entry at all; this one names a runtime entry that
    # does not apply on linux.)
    the_lock = lock(app, runtime=(package("cython", "3.0", "sys_platform == 'win32'"),))
    with pytest.raises(SelectionError, match="names no entry of the lock that applies here"):
        chosen(the_lock, app)
    app = project(pin("cython", "3.0"))
    the_lock = lock(app, package("cython", "3.0", None, "cp312-cp312-win_amd64"))
    with pytest.raises(SelectionError, match=r"no wheel of `cython` 3\.0"):
        chosen(the_lock, app)


def test_unmet_requirements_compare_the_applying_pins() -> None:
    pins = (pin("torch", "2.2.0+cu118"), pin("setuptools", "70.0"))
    texts = ["torch>=2.3", "setuptools>=61", "tomli; python_version < '3.11'", "Wheel"]
    requirements = [Requirement(text) for text in texts]
    unmet = unmet_requirements(requirements, pins, LINUX)
    assert [str(item) for item in unmet] == ["torch>=2.3", "Wheel"]
