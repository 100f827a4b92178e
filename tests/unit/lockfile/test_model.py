"""The lock model refuses what would make an invalid or unsafe lock, and normalises the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from packaging.version import Version

from universal_lock.lockfile import (
    BuildPin,
    ConflictMember,
    Lock,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    strip_userinfo,
)

SHA = "0" * 64


def wheel(name: str = "demo-1.0-py3-none-any.whl", **fields: object) -> LockedFile:
    fields.setdefault("url", f"https://files.example.org/{name}")
    fields.setdefault("hashes", {"sha256": SHA})
    return LockedFile(name=name, **fields)  # type: ignore[arg-type]


def package(**fields: object) -> LockedPackage:
    fields.setdefault("name", "demo")
    fields.setdefault("version", Version("1.0"))
    fields.setdefault("wheels", (wheel(),))
    return LockedPackage(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:secret@example.org/simple", "https://example.org/simple"),
        ("https://__token__@example.org:8443/a/b?x=1#f", "https://example.org:8443/a/b?x=1#f"),
        ("https://u:p@[::1]:8080/simple", "https://[::1]:8080/simple"),
        ("https://example.org/a@b", "https://example.org/a@b"),
        ("https://example.org/simple", "https://example.org/simple"),
    ],
)
def test_strip_userinfo_removes_only_credentials(url: str, expected: str) -> None:
    assert strip_userinfo(url) == expected


def test_credentials_in_urls_are_dropped_on_construction() -> None:
    entry = package(
        index="https://user:secret@index.example.org/simple",
        wheels=(wheel(url="https://tok@files.example.org/demo-1.0-py3-none-any.whl"),),
    )
    assert entry.index == "https://index.example.org/simple"
    assert entry.wheels[0].url == "https://files.example.org/demo-1.0-py3-none-any.whl"


@pytest.mark.parametrize(
    "marker",
    [
        "extra == 'cu118'",
        "sys_platform == 'linux' and extra == \"cu118\"",
        "(extra=='x')",
    ],
)
def test_extra_equals_is_refused_in_lock_markers(marker: str) -> None:
    with pytest.raises(ValueError, match="uses `extra`"):
        package(marker=marker)


@pytest.mark.parametrize(
    "marker",
    [
        "'extra' in extras",
        "'cu118' in extras",
        "'dev' in dependency_groups",
        "platform_release == 'extra'",
    ],
)
def test_extras_membership_and_the_word_extra_in_values_are_fine(marker: str) -> None:
    assert package(marker=marker).marker == marker


def test_unparsable_marker_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid marker"):
        package(marker="sys_platform ==")


def test_name_must_be_normalized() -> None:
    with pytest.raises(ValueError, match="not normalized"):
        package(name="Demo_Pkg")


def test_wheel_must_belong_to_the_package_and_version() -> None:
    with pytest.raises(ValueError, match="not a file of 'other'"):
        package(name="other")
    with pytest.raises(ValueError, match=r"not version 2\.0"):
        package(version=Version("2.0"))
    with pytest.raises(ValueError, match="Invalid wheel filename"):
        package(wheels=(wheel("demo-1.0.whl"),))


def test_a_source_kind_is_required_and_exclusive() -> None:
    with pytest.raises(ValueError, match="exactly one direct source"):
        LockedPackage(name="demo")
    with pytest.raises(ValueError, match="wheels/sdist and a directory"):
        package(directory=LockedDirectory(path="."))
    assert LockedPackage(name="demo", directory=LockedDirectory(path=".")).version is None


@pytest.mark.parametrize(
    ("hashes", "message"),
    [
        ({}, "at least one hash"),
        ({"sha256": "abc"}, "64 hexadecimal"),
        ({"sha256": "A" * 64}, "lowercase hexadecimal"),
        ({"SHA256": SHA}, "invalid hash algorithm"),
    ],
)
def test_hashes_are_checked(hashes: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wheel(hashes=hashes)


def test_file_needs_a_location_and_may_have_both() -> None:
    with pytest.raises(ValueError, match="needs a `url` or a `path`"):
        wheel(url=None)
    both = wheel(path="w/demo-1.0-py3-none-any.whl")
    assert both.url is not None and both.path is not None


def test_upload_time_is_normalised_to_utc_and_must_be_aware() -> None:
    plus_two = timezone(timedelta(hours=2))
    file = wheel(upload_time=datetime(2024, 5, 1, 12, 0, tzinfo=plus_two))
    assert file.upload_time == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert file.upload_time is not None and file.upload_time.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        wheel(upload_time=datetime(2024, 5, 1, 12, 0))


def test_hashes_are_read_only_and_values_are_hashable() -> None:
    file = wheel(hashes={"sha256": SHA, "md5": "1" * 32})
    assert list(file.hashes) == ["md5", "sha256"]
    with pytest.raises(TypeError):
        file.hashes["sha256"] = "x"  # type: ignore[index]
    assert len({package(), package()}) == 1


def test_lock_sorts_what_has_no_order_and_keeps_environments_order() -> None:
    newer = package(version=Version("2.0"), wheels=(wheel("demo-2.0-py3-none-any.whl"),))
    alpha = package(name="alpha", wheels=(wheel("alpha-1.0-py3-none-any.whl"),))
    lock = Lock(
        environments=("sys_platform == 'linux'", "sys_platform == 'darwin'"),
        extras=("zeta", "alpha"),
        dependency_groups=("test", "dev"),
        packages=(newer, alpha, package()),
        fork_markers=("python_version >= '3.12'", "python_version < '3.12'"),
    )
    assert lock.environments == ("sys_platform == 'linux'", "sys_platform == 'darwin'")
    assert lock.extras == ("alpha", "zeta")
    assert lock.dependency_groups == ("dev", "test")
    assert [(p.name, str(p.version)) for p in lock.packages] == [
        ("alpha", "1.0"),
        ("demo", "1.0"),
        ("demo", "2.0"),
    ]
    assert lock.fork_markers == ("python_version < '3.12'", "python_version >= '3.12'")
    assert Lock.lock_version == "1.0"


def test_versions_sort_numerically_not_as_text() -> None:
    ten = package(version=Version("10.0"), wheels=(wheel("demo-10.0-py3-none-any.whl"),))
    nine = package(version=Version("9.0"), wheels=(wheel("demo-9.0-py3-none-any.whl"),))
    assert [str(p.version) for p in Lock(packages=(ten, nine)).packages] == ["9.0", "10.0"]


def test_duplicates_in_sets_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        Lock(extras=("a", "a"))
    with pytest.raises(ValueError, match="twice"):
        Lock(environments=("os_name == 'nt'", "os_name == 'nt'"))


def test_build_pins_must_name_a_locked_package() -> None:
    pin = BuildPin(name="setuptools", version=Version("70.0"))
    with pytest.raises(ValueError, match=r"setuptools==70\.0 names no locked package"):
        Lock(packages=(package(build_requires=(pin,)),))
    tool = package(
        name="setuptools",
        version=Version("70.0"),
        wheels=(wheel("setuptools-70.0-py3-none-any.whl"),),
    )
    lock = Lock(packages=(package(build_requires=(pin,)),), build_packages=(tool,))
    assert lock.packages[0].build_requires == (pin,)


def test_build_pin_text() -> None:
    pin = BuildPin(name="cython", version=Version("3.0.10"), marker="python_version >= '3.12'")
    assert str(pin) == "cython==3.0.10; python_version >= '3.12'"


def test_conflicts_are_sorted_deduplicated_and_must_name_known_members() -> None:
    cu118, cu124, dev = (
        ConflictMember(extra="cu118"),
        ConflictMember(extra="cu124"),
        ConflictMember(group="dev"),
    )
    lock = Lock(
        extras=("cu118", "cu124"),
        dependency_groups=("dev",),
        conflicts=((dev, cu124), (cu124, cu118), (cu118, cu124)),
    )
    assert lock.conflicts == ((cu118, cu124), (cu124, dev))
    with pytest.raises(ValueError, match="extra `cu999`, which `extras` does not list"):
        Lock(extras=("cu118",), conflicts=((cu118, ConflictMember(extra="cu999")),))
    with pytest.raises(ValueError, match="at least two different members"):
        Lock(extras=("cu118",), conflicts=((cu118, cu118),))
    with pytest.raises(ValueError, match="exactly one of an extra and a group"):
        ConflictMember(extra="a", group="b")
