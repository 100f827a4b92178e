"""``--python-platform`` targets: the environments they synthesize."""

from __future__ import annotations

import pytest
from packaging.markers import Marker

from universal_lock.errors import InputError
from universal_lock.installer.python_platform import known_targets, synthesize
from universal_lock.lockfile import ENVIRONMENT_KEYS


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("x86_64-pc-windows-msvc", {"sys_platform": "win32", "platform_machine": "AMD64",
                                    "os_name": "nt"}),
        ("aarch64-apple-darwin", {"sys_platform": "darwin", "platform_machine": "arm64",
                                  "platform_system": "Darwin"}),
        ("aarch64-unknown-linux-gnu", {"sys_platform": "linux", "platform_machine": "aarch64",
                                       "platform_system": "Linux"}),
        ("linux", {"sys_platform": "linux", "platform_machine": "x86_64"}),
    ],
)  # fmt: skip
def test_targets_give_complete_environments(target: str, expected: dict[str, str]) -> None:
    environment, _ = synthesize(target, python_full_version="3.12.4")
    assert set(environment) == set(ENVIRONMENT_KEYS)
    assert expected.items() <= environment.items()
    assert environment["python_version"] == "3.12"
    assert Marker("python_full_version >= '3.12.4'").evaluate(environment)


def test_every_known_target_parses_and_unknown_ones_are_input_errors() -> None:
    for target in known_targets():
        synthesize(target, python_full_version="3.11.0")
    with pytest.raises(InputError, match="sparc-sun-solaris"):
        synthesize("sparc-sun-solaris", python_full_version="3.11.0")
