"""The marker facts forking depends on, stated one by one (the traps universal resolvers hit)."""

from __future__ import annotations

import pickle

import pytest
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet

from universal_lock.errors import InputError, InvalidRequirementData, UlockError
from universal_lock.markers import (
    FALSE,
    TRUE,
    MarkerTree,
    MissingEnvironmentValue,
    parse_marker,
)

LINUX = {
    "python_full_version": "3.12.1",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
}


def test_python_full_version_patch_and_python_version_overlap() -> None:
    patch = parse_marker("python_full_version >= '3.10.1'")
    minor = parse_marker("python_version == '3.10'")
    assert not patch.is_disjoint(minor)
    assert str(patch & minor) == "python_full_version >= '3.10.1' and python_full_version < '3.11'"


def test_python_version_is_a_range_of_full_versions() -> None:
    assert parse_marker("python_version == '3.10'") == parse_marker(
        "python_full_version >= '3.10.0a0' and python_full_version < '3.11'"
    ) | parse_marker("python_full_version >= '3.10.dev0' and python_full_version < '3.10.0a0'")
    assert parse_marker("python_version > '3.10'") == parse_marker("python_version >= '3.11'")
    assert parse_marker("python_version <= '3.10'") == parse_marker("python_full_version < '3.11'")
    assert parse_marker("python_version > '3.10'").is_disjoint(
        parse_marker("python_full_version < '3.11'")
    )
    # A 3.11 release candidate has python_version '3.11', as packaging evaluates it.
    rc = {**LINUX, "python_full_version": "3.11.0rc1", "python_version": "3.11"}
    assert parse_marker("python_version >= '3.11'").evaluate(rc)
    assert Marker("python_version >= '3.11'").evaluate(rc)
    assert not parse_marker("python_full_version >= '3.11'").evaluate(rc)


def test_known_platform_pairs_exclude_each_other() -> None:
    assert parse_marker("platform_system == 'Darwin' and sys_platform == 'linux'").is_empty()
    assert parse_marker("sys_platform == 'darwin' and platform_system == 'Linux'").is_empty()
    assert parse_marker("sys_platform == 'win32' and os_name == 'posix'").is_empty()
    assert parse_marker("os_name == 'nt' and sys_platform == 'linux'").is_empty()
    assert parse_marker("platform_system == 'Windows'") == parse_marker("sys_platform == 'win32'")
    assert parse_marker("sys_platform == 'linux'").implies(parse_marker("os_name == 'posix'"))


def test_unknown_platform_values_stay_possible() -> None:
    assert not parse_marker(
        "sys_platform == 'freebsd14' and platform_system == 'FreeBSD'"
    ).is_empty()
    assert not parse_marker("os_name == 'nt' and sys_platform == 'cygwin'").is_empty()
    # Not being linux does not make a platform windows or mac.
    others = parse_marker("sys_platform != 'linux' and sys_platform != 'darwin'")
    assert not others.implies(parse_marker("sys_platform == 'win32'"))


def test_printing_drops_what_the_world_implies() -> None:
    both = parse_marker(
        "sys_platform == 'linux' and platform_system == 'Linux' and os_name == 'posix'"
    )
    assert str(both) == "sys_platform == 'linux'"
    assert str(parse_marker("platform_system == 'Linux'")) == "sys_platform == 'linux'"


def test_canonical_text_orders_variables_and_uses_single_quotes() -> None:
    marker = parse_marker(
        '"x" in extras and platform_machine == "x86_64" and sys_platform == "linux"'
        ' and python_version >= "3.10"'
    )
    assert str(marker) == (
        "python_version >= '3.10' and sys_platform == 'linux' "
        "and platform_machine == 'x86_64' and 'x' in extras"
    )


def test_true_and_false_spellings() -> None:
    assert str(TRUE) == ""
    assert str(FALSE) == "python_full_version < '0'"
    assert parse_marker("") == TRUE
    assert parse_marker(str(FALSE)) == FALSE
    assert TRUE.to_packaging() is None
    assert str(parse_marker("sys_platform == 'linux'").to_packaging()) == 'sys_platform == "linux"'
    assert (~TRUE).is_empty()
    assert (~FALSE).is_universal()


def test_not_of_a_python_bound_keeps_pre_releases_exact() -> None:
    below = ~parse_marker("python_full_version >= '3.11'")
    # 3.11.0rc1 is below 3.11: it must stay in the complement, and the text must say so.
    rc = {**LINUX, "python_full_version": "3.11.0rc1"}
    assert below.evaluate(rc)
    assert Marker(str(below)).evaluate(rc)
    assert str(below) == "python_full_version <= '3.11' and python_full_version != '3.11'"


def test_extra_is_never_written_as_extra_in_a_lock_marker() -> None:
    requirement = parse_marker("extra == 'Socks_Proxy' and sys_platform == 'linux'")
    lock = requirement.extra_as_lock_extras()
    assert str(lock) == "sys_platform == 'linux' and 'socks-proxy' in extras"
    assert "extra ==" not in str(lock)
    assert parse_marker("extra != 'x'").extra_as_lock_extras() == TRUE
    assert parse_marker("sys_platform == 'linux'").extra_as_lock_extras() == parse_marker(
        "sys_platform == 'linux'"
    )


def test_lock_level_sets_are_their_own_atoms() -> None:
    cu118, cu124 = parse_marker("'cu118' in extras"), parse_marker("'cu124' in extras")
    assert not cu118.is_disjoint(cu124)  # both extras may be requested together
    assert (cu118 & ~cu118).is_empty()
    assert parse_marker("'Dev' in dependency_groups") == parse_marker("'dev' in dependency_groups")
    assert not parse_marker("'dev' in dependency_groups").is_disjoint(cu118)
    marker = parse_marker("'cu128' in extras and 'dev' not in dependency_groups")
    assert marker.evaluate(LINUX, extras=frozenset({"CU128"}))
    assert not marker.evaluate(
        LINUX, extras=frozenset({"cu128"}), dependency_groups=frozenset({"dev"})
    )
    assert not marker.evaluate(LINUX)


def test_requirement_extra_is_read_from_the_environment() -> None:
    marker = parse_marker("extra == 'socks'")
    assert marker.evaluate({**LINUX, "extra": "Socks"})
    assert not marker.evaluate(LINUX)  # extra defaults to ''
    assert parse_marker("extra != 'socks'").evaluate(LINUX)


def test_string_variables_follow_packaging_comparisons() -> None:
    # packaging compares non-version values as strings: <= / >= mean ==, < / > never hold.
    assert parse_marker("sys_platform >= 'linux'") == parse_marker("sys_platform == 'linux'")
    assert parse_marker("sys_platform < 'linux'").is_empty()
    assert parse_marker("'linux' == sys_platform") == parse_marker("sys_platform == 'linux'")


def test_opaque_atoms_evaluate_exactly_and_round_trip() -> None:
    for text in (
        "platform_machine in 'x86_64 AMD64'",
        "platform_release >= '5.10'",
        "'linux' in sys_platform",
        "platform_version not in 'PREEMPT'",
    ):
        marker = parse_marker(text)
        assert parse_marker(str(marker)) == marker
    legacy = parse_marker("platform_machine in 'x86_64 AMD64'")
    assert legacy.evaluate(LINUX)
    assert not legacy.evaluate({**LINUX, "platform_machine": "aarch64"})
    release = parse_marker("platform_release >= '5.10'")
    assert release.evaluate({**LINUX, "platform_release": "6.1"})
    assert not release.evaluate({**LINUX, "platform_release": "6.1.0-13-amd64"})  # not a version


def test_python_version_in_a_list_is_exact() -> None:
    assert parse_marker("python_version in '3.8 3.9'") == parse_marker(
        "python_version == '3.8' or python_version == '3.9'"
    )
    # '3.1' is a substring of '3.10', which is how packaging evaluates it.
    assert parse_marker("python_version in '3.10'").evaluate(
        {**LINUX, "python_full_version": "3.1.2"}
    )


def test_simplify_drops_bounds_requires_python_implies() -> None:
    marker = parse_marker("python_full_version >= '3.9' and sys_platform == 'linux'")
    assert str(marker.simplify(SpecifierSet(">=3.9"))) == "sys_platform == 'linux'"
    kept = parse_marker("python_full_version >= '3.10' and sys_platform == 'linux'")
    assert kept.simplify(SpecifierSet(">=3.9")) == kept
    window = parse_marker("python_version >= '3.9' and python_version < '3.12'")
    assert str(window.simplify(SpecifierSet(">=3.10"))) == "python_full_version < '3.12'"
    assert parse_marker("python_version < '3.9'").simplify(SpecifierSet(">=3.9")) == FALSE


def test_python_range_round_trip() -> None:
    marker = parse_marker("python_version >= '3.9' and python_version < '3.12' and os_name == 'nt'")
    assert str(marker.python_range().to_specifier_set()) == "<3.12.dev0,>=3.9.dev0"
    assert MarkerTree.from_python_range(SpecifierSet(">=3.9,<3.12")) == parse_marker(
        "python_full_version >= '3.9' and python_full_version < '3.12'"
    )
    assert parse_marker("sys_platform == 'linux'").python_range() == TRUE.python_range()
    assert FALSE.python_range().is_empty


def test_split_gives_both_sides() -> None:
    region = parse_marker("sys_platform == 'linux'")
    machine = parse_marker("platform_machine == 'aarch64'")
    inside, outside = region.split(machine)
    assert str(inside) == "sys_platform == 'linux' and platform_machine == 'aarch64'"
    assert str(outside) == "sys_platform == 'linux' and platform_machine != 'aarch64'"
    assert region.split_nonempty(region) == (region,)


def test_invalid_marker_quotes_the_text_and_points_at_the_error() -> None:
    with pytest.raises(InvalidRequirementData) as caught:
        parse_marker("sys_platform = 'linux'")
    error = caught.value
    assert isinstance(error, InputError) and error.exit_code == 2
    assert error.kind == "marker"
    lines = str(error).splitlines()
    assert lines[0].startswith(
        "invalid marker: \"sys_platform = 'linux'\" (Expected marker operator"
    )
    assert lines[1] == "    sys_platform = 'linux'"
    assert lines[2] == "                 ^"


def test_comparisons_that_can_never_be_evaluated_are_input_errors() -> None:
    for text in ("sys_platform ~= 'linux'", "extras == 'x'", "dependency_groups"):
        with pytest.raises(InvalidRequirementData):
            parse_marker(text)


def test_missing_environment_values() -> None:
    marker = parse_marker("sys_platform == 'linux' and platform_machine == 'x86_64'")
    with pytest.raises(MissingEnvironmentValue) as caught:
        marker.evaluate({"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"})
    assert isinstance(caught.value, UlockError)
    assert caught.value.name == "platform_machine"
    # Variables the walk never reaches are not needed.
    assert not marker.evaluate(
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}
    )
    # python_full_version falls back to python_version.
    assert parse_marker("python_version == '3.12'").evaluate({"python_version": "3.12"})


def test_trees_are_hashable_values_that_survive_pickling() -> None:
    marker = parse_marker("python_version >= '3.10' and sys_platform == 'darwin'")
    assert {marker: 1}[parse_marker("sys_platform == 'darwin' and python_version >= '3.10'")] == 1
    assert pickle.loads(pickle.dumps(marker)) == marker
    assert MarkerTree.parse(str(marker)) is marker


def test_printing_widens_python_bounds_the_rest_of_a_clause_allows() -> None:
    # Built from disjoint python pieces, printed without the cut the marker does not need.
    marker = parse_marker(
        "python_version < '3.11' and sys_platform == 'linux'"
        " or python_version == '3.11' and (sys_platform == 'linux' or sys_platform == 'darwin')"
    )
    assert str(marker) == (
        "python_version == '3.11' and sys_platform == 'darwin'"
        " or python_full_version < '3.12' and sys_platform == 'linux'"
    )


def test_with_extra_fixes_the_requirement_extra() -> None:
    marker = parse_marker("extra == 'socks' and sys_platform == 'linux' or python_version < '3.10'")
    assert (
        str(marker.with_extra("Socks")) == "python_full_version < '3.10' or sys_platform == 'linux'"
    )
    assert str(marker.with_extra("")) == "python_full_version < '3.10'"


def test_trees_cannot_be_changed() -> None:
    marker = parse_marker("sys_platform == 'linux'")
    with pytest.raises(AttributeError):
        marker._node = FALSE._node  # type: ignore[misc]
    assert marker == parse_marker("sys_platform == 'linux'")


def test_a_substring_test_and_its_negation_are_one_atom() -> None:
    inside = parse_marker("platform_machine in 'x86_64 AMD64'")
    outside = parse_marker("platform_machine not in 'x86_64 AMD64'")
    assert outside == ~inside
    assert (inside | outside).is_universal()
    assert str(outside) == "platform_machine not in 'x86_64 AMD64'"


def test_values_with_single_quotes_print_with_double_quotes() -> None:
    marker = parse_marker("platform_version == \"it's\" and sys_platform == 'linux'")
    assert str(marker) == "sys_platform == 'linux' and platform_version == \"it's\""
    assert parse_marker(str(marker)) == marker


_BUILD = """
import sys
from universal_lock.markers import parse_marker
parts = [
    "python_version >= '3.9'", "sys_platform == 'linux'", "platform_machine != 'aarch64'",
    "'cu124' in extras", "python_full_version < '3.13'", "os_name == 'nt'",
]
if sys.argv[1] == 'reverse':
    f, e, d, c, b, a = (parse_marker(p) for p in reversed(parts))
    print(str((~f & ~e) | (d & c) | (b & a)))
else:
    a, b, c, d, e, f = (parse_marker(p) for p in parts)
    print(str((a & b) | (c & d) | ~(e | f)))
"""


def test_text_is_the_same_in_every_process_and_operation_order() -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for order, seed in (("forward", "1"), ("reverse", "2")):
        result = subprocess.run(
            [sys.executable, "-c", _BUILD, order],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
