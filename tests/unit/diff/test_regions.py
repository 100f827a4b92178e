"""Markers in words: known platform regions, Python ranges, complements, and the fallback."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from universal_lock.lockfile.diff import describe
from universal_lock.markers import FALSE, TRUE, parse_marker

LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
LINUX_ARM = "sys_platform == 'linux' and platform_machine == 'aarch64'"


@pytest.mark.parametrize(
    ("marker", "words"),
    [
        (LINUX_ARM, "linux aarch64"),
        (f"({LINUX_X86}) or ({LINUX_ARM})", "linux x86_64 and linux aarch64"),
        ("sys_platform == 'linux'", "linux"),
        ("sys_platform == 'darwin' and platform_machine == 'arm64'", "macOS arm64"),
        ("sys_platform == 'win32' and platform_machine == 'AMD64'", "windows AMD64"),
        (
            f"({LINUX_ARM}) or sys_platform == 'darwin' or sys_platform == 'win32'",
            "linux aarch64, macOS and windows",
        ),
        ("python_version >= '3.10'", "Python >= 3.10"),
        ("python_full_version < '3.10'", "Python < 3.10"),
        ("python_version >= '3.9' and python_version < '3.12'", "Python >= 3.9, < 3.12"),
        ("sys_platform == 'darwin' and python_version >= '3.10'", "macOS on Python >= 3.10"),
        ("sys_platform != 'win32'", "everywhere except windows"),
        ("platform_machine == 'aarch64'", "platform_machine == 'aarch64'"),
        ("'cu118' in extras", "'cu118' in extras"),
    ],
)
def test_describe(marker: str, words: str) -> None:
    assert describe(parse_marker(marker)) == words


def test_describe_trims_python_bounds_the_lock_already_has() -> None:
    below = parse_marker("python_version < '3.10' and sys_platform == 'linux'")
    assert describe(below) == "linux on Python < 3.10"
    assert describe(below, SpecifierSet(">=3.8")) == "linux on Python < 3.10"
    everywhere_supported = parse_marker("python_version >= '3.8'")
    assert describe(everywhere_supported, SpecifierSet(">=3.8")) == "everywhere"
    assert describe(everywhere_supported) == "Python >= 3.8"


def test_describe_everywhere_and_nowhere() -> None:
    assert describe(TRUE) == "everywhere"
    assert describe(FALSE) == "nowhere"
