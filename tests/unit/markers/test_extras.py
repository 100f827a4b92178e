"""Requirement-level ``extra`` versus lock-level ``extras``, checked against packaging."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker

from universal_lock.markers import parse_marker

_ATOMS = (
    "extra == 'a'",
    "extra != 'b'",
    "extra == 'C'",
    "sys_platform == 'linux'",
    "sys_platform != 'win32'",
    "'a' in extras",
    "'b' not in extras",
)
_PLATFORMS = (
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    {"sys_platform": "freebsd14", "platform_system": "FreeBSD", "os_name": "posix"},
)
_NAMES = ("a", "b", "c", "d")
_EXTRA_SETS = tuple(
    frozenset(chosen) for size in range(3) for chosen in itertools.combinations(_NAMES, size)
)

markers = st.recursive(
    st.sampled_from(_ATOMS),
    lambda inner: st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map(
        lambda parts: f"({parts[0]}){parts[1]}({parts[2]})"
    ),
    max_leaves=5,
)


def _holds(text: str, platform: dict[str, str], extra: str, extras: frozenset[str]) -> bool:
    environment = {**platform, "extra": extra, "extras": extras, "dependency_groups": frozenset()}
    return Marker(text).evaluate(environment, context="lock_file")


@given(markers)
def test_extra_evaluates_like_packaging(text: str) -> None:
    tree = parse_marker(text)
    for platform, extra, extras in itertools.product(_PLATFORMS, ("", *_NAMES), _EXTRA_SETS[:4]):
        expected = _holds(text, platform, extra, extras)
        assert tree.evaluate({**platform, "extra": extra}, extras=extras) == expected
        fixed = tree.with_extra(extra.upper())
        assert "extra" not in str(fixed).replace("extras", "")
        assert fixed.evaluate(platform, extras=extras) == expected


@given(markers)
def test_lock_marker_holds_when_an_installer_would_install(text: str) -> None:
    """An installer evaluates with extra '' and with each requested extra; any hit installs."""
    lock = parse_marker(text).extra_as_lock_extras()
    assert "extra ==" not in str(lock) and "extra !=" not in str(lock)
    for platform, extras in itertools.product(_PLATFORMS, _EXTRA_SETS):
        installed = any(_holds(text, platform, extra, extras) for extra in ("", *sorted(extras)))
        assert lock.evaluate(platform, extras=extras) == installed, (platform, extras)
