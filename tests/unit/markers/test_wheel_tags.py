"""Wheel tags map to the region of environments the wheel can install into."""

from __future__ import annotations

import pytest
from packaging.tags import Tag

from universal_lock.markers import TRUE, marker_from_wheel_tags, parse_marker


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("py3-none-any", ""),
        ("py2.py3-none-any", ""),
        ("py2-none-any", "python_version >= '2.0' and python_full_version < '3.0'"),
        (
            "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
            "python_version == '3.12' and implementation_name == 'cpython'"
            " and sys_platform == 'linux' and platform_machine == 'x86_64'",
        ),
        (
            "cp310-abi3-musllinux_1_2_aarch64",
            "python_version >= '3.10' and implementation_name == 'cpython'"
            " and sys_platform == 'linux' and platform_machine == 'aarch64'",
        ),
        (
            "cp311-cp311-macosx_11_0_arm64",
            "python_version == '3.11' and implementation_name == 'cpython'"
            " and sys_platform == 'darwin' and platform_machine == 'arm64'",
        ),
        (
            "cp312-cp312-win_amd64",
            "python_version == '3.12' and implementation_name == 'cpython'"
            " and sys_platform == 'win32' and platform_machine == 'AMD64'",
        ),
        (
            "py3-none-win32",
            "sys_platform == 'win32'",
        ),
        (
            "pp310-pypy310_pp73-manylinux_2_17_x86_64",
            "python_version == '3.10' and implementation_name == 'pypy'"
            " and sys_platform == 'linux' and platform_machine == 'x86_64'",
        ),
    ],
)
def test_tags_to_markers(tags: str, expected: str) -> None:
    assert str(marker_from_wheel_tags(tags)) == expected


def test_universal2_covers_both_mac_architectures() -> None:
    region = marker_from_wheel_tags("cp312-cp312-macosx_10_13_universal2")
    arm = parse_marker(
        "python_version == '3.12' and implementation_name == 'cpython'"
        " and sys_platform == 'darwin' and platform_machine == 'arm64'"
    )
    intel = parse_marker(
        "python_version == '3.12' and implementation_name == 'cpython'"
        " and sys_platform == 'darwin' and platform_machine == 'x86_64'"
    )
    assert region == arm | intel


def test_tag_objects_and_unknown_tags() -> None:
    assert marker_from_wheel_tags([Tag("py3", "none", "any")]) == marker_from_wheel_tags(
        "py3-none-any"
    )
    # An unknown platform never shrinks the region: the wheel might install anywhere.
    assert marker_from_wheel_tags("py3-none-emscripten_3_1_58_wasm32") == marker_from_wheel_tags(
        "py3-none-any"
    )
    assert marker_from_wheel_tags("xy1-none-any") == TRUE


def test_regions_of_different_platform_wheels_are_disjoint() -> None:
    linux = marker_from_wheel_tags("cp312-cp312-manylinux_2_17_x86_64")
    mac = marker_from_wheel_tags("cp312-cp312-macosx_11_0_arm64")
    windows = marker_from_wheel_tags("cp312-cp312-win_amd64")
    older = marker_from_wheel_tags("cp311-cp311-manylinux_2_17_x86_64")
    assert linux.is_disjoint(mac) and linux.is_disjoint(windows) and mac.is_disjoint(windows)
    assert linux.is_disjoint(older)
    assert linux.implies(marker_from_wheel_tags("cp39-abi3-manylinux_2_17_x86_64"))
