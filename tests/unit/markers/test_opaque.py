"""Opaque atoms (substring tests, platform_release versions) evaluate exactly and round-trip."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker

from universal_lock.markers import parse_marker

_ATOMS = (
    "platform_machine in 'x86_64 AMD64'",
    "platform_machine not in 'arm64 aarch64'",
    "'inux' in sys_platform",
    "platform_release >= '5.10'",
    "platform_release < '6.1'",
    "sys_platform == 'linux'",
    "platform_machine == 'arm64'",
    "python_full_version >= '3.10.post1'",
)
_ENVS = tuple(
    {
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": "posix",
        "platform_machine": machine,
        "platform_release": release,
        "python_full_version": python,
    }
    for (sys_platform, system), machine, release, python in itertools.product(
        (("linux", "Linux"), ("darwin", "Darwin"), ("freebsd14", "FreeBSD")),
        ("x86_64", "arm64", "aarch64", "ppc64le"),
        ("5.4", "5.10", "6.1", "6.8"),
        ("3.10.0", "3.11.2"),
    )
)

markers = st.recursive(
    st.sampled_from(_ATOMS),
    lambda inner: st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map(
        lambda parts: f"({parts[0]}){parts[1]}({parts[2]})"
    ),
    max_leaves=5,
)


@given(markers)
def test_opaque_atoms_evaluate_print_and_parse_back(text: str) -> None:
    tree = parse_marker(text)
    printed = str(tree)
    assert parse_marker(printed) == tree
    original, reprinted = Marker(text), Marker(printed) if printed else None
    for env in _ENVS:
        expected = original.evaluate(env)
        assert tree.evaluate(env) == expected
        # Every platform_release here is a version, so negated comparisons are exact too.
        assert (reprinted.evaluate(env) if reprinted else True) == expected, printed


def test_opaque_atoms_are_independent_of_each_other() -> None:
    # Known limit: the algebra does not relate two version comparisons on platform_release.
    both = parse_marker("platform_release >= '5.0' and platform_release < '5.0'")
    assert not both.is_empty()
    assert not any(both.evaluate(env) for env in _ENVS)
