"""``diff_locks`` on hand-made locks: one test per kind of change, matching, and lock keys."""

from __future__ import annotations

from dataclasses import replace

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.lockfile import (
    BuildPin,
    ConflictMember,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockedVcs,
)
from universal_lock.lockfile.diff import diff_locks
from universal_lock.lockfile.diff_render import render_markdown, render_text

INDEX = "https://index.example.org/simple"
OLD_PY = "python_full_version < '3.10'"
NEW_PY = "python_full_version >= '3.10'"


def digest(seed: str) -> str:
    return (seed * 64)[:64]


def entry(
    name: str,
    version: str,
    *,
    marker: str | None = None,
    tags: tuple[str, ...] = ("py3-none-any",),
    seed: str = "a",
    index: str | None = INDEX,
    sdist: bool = False,
    **fields: object,
) -> LockedPackage:
    stem = f"{name.replace('-', '_')}-{version}"
    wheels = tuple(
        LockedFile(
            name=f"{stem}-{tag}.whl",
            url=f"https://files.example.org/{stem}-{tag}.whl",
            hashes={"sha256": digest(seed)},
        )
        for tag in tags
    )
    source = (
        LockedFile(
            name=f"{stem}.tar.gz",
            url=f"https://files.example.org/{stem}.tar.gz",
            hashes={"sha256": digest(seed)},
        )
        if sdist
        else None
    )
    return LockedPackage(
        name=name,
        version=Version(version),
        marker=marker,
        index=index,
        wheels=wheels,
        sdist=source,
        **fields,  # type: ignore[arg-type]
    )


def lock(*packages: LockedPackage, **fields: object) -> Lock:
    return Lock(packages=packages, **fields)  # type: ignore[arg-type]


def kinds(old: Lock, new: Lock) -> list[tuple[str, tuple[str, ...]]]:
    return [(change.name, change.kinds) for change in diff_locks(old, new).changes]


def test_identical_locks_have_no_changes() -> None:
    both = lock(entry("a", "1.0"), entry("b", "2.0", marker="sys_platform == 'linux'"))
    result = diff_locks(both, both)
    assert result.is_empty
    assert result.summary() == "no changes"
    assert render_text(result) == "no changes\n"


def test_added_removed_upgraded_downgraded() -> None:
    old = lock(entry("a", "1.0"), entry("b", "2.0"), entry("c", "1.0"))
    new = lock(entry("a", "1.1"), entry("b", "1.9"), entry("d", "0.1"))
    assert kinds(old, new) == [
        ("a", ("upgraded",)),
        ("b", ("downgraded",)),
        ("c", ("removed",)),
        ("d", ("added",)),
    ]
    assert diff_locks(old, new).summary() == "1 upgraded, 1 added, 1 removed, 1 downgraded"


def test_hash_change_without_version_change_is_flagged() -> None:
    old = lock(entry("a", "1.0", sdist=True))
    new = lock(entry("a", "1.0", sdist=True, seed="b"))
    result = diff_locks(old, new)
    (change,) = result.changes
    assert change.kinds == ("hash-changed",)
    assert change.hash_changed == ("a-1.0-py3-none-any.whl", "a-1.0.tar.gz")
    assert (
        result.summary()
        == "0 upgraded, 0 added, 0 removed; 1 hash changed without a version change"
    )
    assert "HASH CHANGED WITHOUT A VERSION CHANGE: a-1.0-py3-none-any.whl, a-1.0.tar.gz" in (
        render_text(result)
    )
    assert "> **Warning:** file hashes changed without a version change: `a`." in (
        render_markdown(result)
    )


def test_only_hash_algorithms_both_sides_have_are_compared() -> None:
    old = entry("a", "1.0")
    wheel = old.wheels[0]
    more = replace(wheel, hashes={**wheel.hashes, "sha512": "ab" * 64})
    assert diff_locks(lock(old), lock(replace(old, wheels=(more,)))).is_empty
    other = replace(wheel, hashes={"sha256": wheel.hashes["sha256"], "sha512": "cd" * 64})
    (change,) = diff_locks(
        lock(replace(old, wheels=(more,))), lock(replace(old, wheels=(other,)))
    ).changes
    assert change.kinds == ("hash-changed",)


def test_new_hashes_with_a_new_version_are_not_flagged() -> None:
    result = diff_locks(lock(entry("a", "1.0")), lock(entry("a", "1.1", seed="b")))
    assert [change.kinds for change in result.changes] == [("upgraded",)]
    assert result.changes[0].hash_changed == ()


def test_sizes_and_upload_times_alone_are_no_change() -> None:
    old = entry("a", "1.0")
    wheel = replace(old.wheels[0], size=10)
    assert diff_locks(lock(old), lock(replace(old, wheels=(wheel,)))).is_empty


def test_source_changes_index_directory_and_vcs() -> None:
    vcs = LockedVcs(type="git", url="https://git.example.org/c.git", commit_id="1" * 40)
    old = lock(
        entry("a", "1.0"),
        LockedPackage(name="b", directory=LockedDirectory(path="libs/b")),
        LockedPackage(name="c", vcs=vcs),
    )
    new = lock(
        entry("a", "1.0", index="https://mirror.example.org/simple"),
        LockedPackage(name="b", directory=LockedDirectory(path="vendor/b")),
        LockedPackage(name="c", vcs=replace(vcs, commit_id="2" * 40)),
    )
    result = diff_locks(old, new)
    assert [(c.name, c.kinds) for c in result.changes] == [
        ("a", ("source-changed",)),
        ("b", ("source-changed",)),
        ("c", ("source-changed",)),
    ]
    a, b, c = result.changes
    assert (a.old and a.old.source, a.new and a.new.source) == (
        f"index {INDEX}",
        "index https://mirror.example.org/simple",
    )
    assert b.new is not None and b.new.source == "directory vendor/b"
    assert c.new is not None and c.new.source == f"git https://git.example.org/c.git@{'2' * 40}"


def test_files_changed_lists_wheel_tags_even_across_a_version_change() -> None:
    linux = "cp312-cp312-manylinux_2_28_x86_64"
    same_version = diff_locks(
        lock(entry("a", "1.0")), lock(entry("a", "1.0", tags=("py3-none-any", linux)))
    )
    (change,) = same_version.changes
    assert change.kinds == ("files-changed",)
    assert (change.files_added, change.files_removed) == ((linux,), ())
    upgraded = diff_locks(
        lock(entry("a", "1.0", sdist=True)), lock(entry("a", "1.1", tags=(linux,)))
    )
    (change,) = upgraded.changes
    assert change.kinds == ("upgraded", "files-changed")
    assert (change.files_added, change.files_removed) == ((linux,), ("py3-none-any", "sdist"))


def test_marker_change_in_words() -> None:
    linux_x86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
    both = f"({linux_x86}) or (sys_platform == 'linux' and platform_machine == 'aarch64')"
    (change,) = diff_locks(
        lock(entry("a", "1.0", marker=linux_x86)), lock(entry("a", "1.0", marker=both))
    ).changes
    assert change.kinds == ("marker-changed",)
    assert (change.gained, change.lost) == ("linux aarch64", None)
    (change,) = diff_locks(
        lock(entry("a", "1.0", marker=both)), lock(entry("a", "1.1", marker=linux_x86))
    ).changes
    assert change.kinds == ("upgraded", "marker-changed")
    assert (change.gained, change.lost) == (None, "linux aarch64")
    assert "no longer on linux aarch64" in render_text(
        diff_locks(lock(entry("a", "1.0", marker=both)), lock(entry("a", "1.0", marker=linux_x86)))
    )


def test_entries_of_one_name_are_matched_by_region() -> None:
    old = lock(entry("numpy", "1.26.0", marker=OLD_PY), entry("numpy", "2.0.0", marker=NEW_PY))
    new = lock(entry("numpy", "1.26.0", marker=OLD_PY), entry("numpy", "2.1.0", marker=NEW_PY))
    (change,) = diff_locks(old, new).changes
    assert change.kinds == ("upgraded",)
    assert change.region == "Python >= 3.10"
    assert "upgraded  numpy  2.0.0 -> 2.1.0  on Python >= 3.10" in render_text(diff_locks(old, new))


def test_a_new_fork_is_an_added_entry_and_a_narrower_marker() -> None:
    old = lock(entry("numpy", "1.26.0"), requires_python=SpecifierSet(">=3.8"))
    new = lock(
        entry("numpy", "1.26.0", marker=OLD_PY),
        entry("numpy", "2.1.0", marker=NEW_PY),
        requires_python=SpecifierSet(">=3.8"),
    )
    changes = diff_locks(old, new).changes
    assert [(c.name, c.kinds, c.region) for c in changes] == [
        ("numpy", ("marker-changed",), "Python < 3.10"),
        ("numpy", ("added",), "Python >= 3.10"),
    ]
    assert changes[0].lost == "Python >= 3.10"


def test_build_requirements_and_build_packages() -> None:
    tool = entry("setuptools", "69.0")
    pin = BuildPin(name="setuptools", version=Version("69.0"))
    old = lock(entry("a", "1.0", sdist=True, build_requires=(pin,)), build_packages=(tool,))
    new_tool = entry("setuptools", "70.0")
    new_pin = BuildPin(name="setuptools", version=Version("70.0"))
    new = lock(entry("a", "1.0", sdist=True, build_requires=(new_pin,)), build_packages=(new_tool,))
    result = diff_locks(old, new)
    assert [(c.name, c.section, c.kinds) for c in result.changes] == [
        ("a", "packages", ("build-requires-changed",)),
        ("setuptools", "build-packages", ("upgraded",)),
    ]
    a = result.changes[0]
    assert (a.build_requires_added, a.build_requires_removed) == (
        ("setuptools==70.0",),
        ("setuptools==69.0",),
    )
    text = render_text(result)
    assert "build requires +setuptools==70.0 -setuptools==69.0" in text
    assert "setuptools (build)" in text


def test_lock_level_changes() -> None:
    old = lock(
        requires_python=SpecifierSet(">=3.8"),
        extras=("cu118", "cu124"),
        dependency_groups=("dev",),
        default_groups=("dev",),
        environments=("sys_platform == 'linux'",),
    )
    new = lock(
        requires_python=SpecifierSet(">=3.9"),
        extras=("cu118", "cu124"),
        dependency_groups=("dev", "docs"),
        default_groups=("dev",),
        environments=("sys_platform == 'linux'", "sys_platform == 'darwin'"),
        conflicts=((ConflictMember(extra="cu118"), ConflictMember(extra="cu124")),),
    )
    result = diff_locks(old, new)
    assert [(c.key, c.old, c.new) for c in result.lock_changes] == [
        (
            "environments",
            ("sys_platform == 'linux'",),
            ("sys_platform == 'linux'", "sys_platform == 'darwin'"),
        ),
        ("requires-python", (">=3.8",), (">=3.9",)),
        ("dependency-groups", ("dev",), ("dev", "docs")),
        ("conflicts", (), ("extra `cu118` / extra `cu124`",)),
    ]
    assert result.summary() == "0 upgraded, 0 added, 0 removed, 4 lock settings changed"
    assert "lock  requires-python    >=3.8 -> >=3.9" in render_text(result)
