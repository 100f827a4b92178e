"""The sync plan: one action per name whose state must change, and the dry-run lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from universal_lock.installer.installed import InstalledDistribution
from universal_lock.installer.plan import Wanted, make_plan
from universal_lock.lockfile import LockedDirectory, LockedFile, LockedPackage, Selected

SHA_A = "a" * 64
SHA_B = "b" * 64


def wanted(name: str, version: str, sha256: str = SHA_A) -> Wanted:
    wheel = LockedFile(
        name=f"{name}-{version}-py3-none-any.whl", path="x.whl", hashes={"sha256": sha256}
    )
    package = LockedPackage(name=name, version=Version(version), wheels=(wheel,))
    return Wanted(
        name=canonicalize_name(name),
        version=Version(version),
        selected=Selected(package=package, artifact=wheel),
        sha256=sha256,
    )


def project(editable: bool = True) -> Wanted:
    directory = LockedDirectory(path=".", editable=True)
    package = LockedPackage(name="demo", directory=directory)
    return Wanted(
        name=canonicalize_name("demo"),
        version=None,
        selected=Selected(package=package, artifact=directory),
        directory_url="file:///work/demo",
        directory_path=".",
        editable=editable,
    )


def installed(name: str, version: str, **fields: object) -> InstalledDistribution:
    return InstalledDistribution(
        name=canonicalize_name(name),
        version=Version(version),
        version_text=version,
        dist_info=Path(f"/venv/site/{name}-{version}.dist-info"),
        **fields,  # type: ignore[arg-type]
    )


def test_each_kind_of_change_and_its_line() -> None:
    plan = make_plan(
        [wanted("new", "1.0"), wanted("up", "2.0"), wanted("down", "1.0"), wanted("same", "1.0"),
         wanted("changed", "1.0", SHA_B)],
        [installed("up", "1.5"), installed("down", "1.0.post1"), installed("same", "1.0.0"),
         installed("changed", "1.0", source_sha256=SHA_A), installed("extra", "0.1")],
    )  # fmt: skip
    assert plan.lines() == [
        "~ changed==1.0 -> 1.0",
        "~ down==1.0.post1 -> 1.0",
        "- extra==0.1",
        "+ new==1.0",
        "~ up==1.5 -> 2.0",
    ]
    assert [action.kind for action in plan.actions] == [
        "reinstall", "downgrade", "remove", "install", "upgrade",
    ]  # fmt: skip
    assert plan.unchanged == ("same",)
    assert not plan.is_empty


def test_an_unchanged_environment_gives_an_empty_plan() -> None:
    plan = make_plan(
        [wanted("a", "1.0"), project()],
        [
            installed("a", "1.0", source_sha256=SHA_A),
            installed("demo", "0.1", directory_url="file:///work/demo", editable=True),
        ],
    )
    assert plan.is_empty and plan.lines() == []
    assert plan.unchanged == ("a", "demo")


def test_installer_tooling_stays_unless_the_lock_selects_it() -> None:
    plan = make_plan(
        [wanted("pip", "25.0")], [installed("pip", "24.0"), installed("setuptools", "70")]
    )
    assert plan.lines() == ["~ pip==24.0 -> 25.0"]
    assert plan.kept == ("setuptools",)


def test_files_from_other_installers_are_trusted_at_the_same_version() -> None:
    # No recorded hash: another tool installed it from somewhere ulock cannot check.
    assert make_plan([wanted("a", "1.0")], [installed("a", "1.0", installer="pip")]).is_empty


def test_the_project_directory() -> None:
    assert make_plan([project()], []).lines() == ["+ demo @ . (editable)"]
    not_editable = installed("demo", "0.1", directory_url="file:///work/demo", editable=False)
    assert make_plan([project()], [not_editable]).lines() == ["~ demo==0.1 -> @ . (editable)"]
    # A regular (non-editable) install is rebuilt every time: its sources may have changed.
    assert make_plan([project(editable=False)], [not_editable]).lines() == ["~ demo==0.1 -> @ ."]
    # Installed from the directory, now locked from a file at the same version: reinstall.
    from_directory = installed("a", "1.0", directory_url="file:///work/a", editable=True)
    assert make_plan([wanted("a", "1.0")], [from_directory]).lines() == ["~ a==1.0 -> 1.0"]


def test_a_name_selected_twice_is_a_bug() -> None:
    with pytest.raises(ValueError, match="selected twice"):
        make_plan([wanted("a", "1.0"), wanted("a", "2.0")], [])
