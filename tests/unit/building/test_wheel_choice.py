"""Choosing the wheel a build environment installs, by the interpreter's tag preference."""

from __future__ import annotations

from packaging.tags import Tag, parse_tag

from universal_lock.building.wheel_choice import preferred_wheel, tag_rank, tag_ranks

# Most preferred first, as sys_tags orders them.
TAGS = [
    Tag("cp312", "cp312", "manylinux_2_17_x86_64"),
    Tag("cp312", "abi3", "manylinux_2_17_x86_64"),
    Tag("py3", "none", "any"),
]


def _tags(name: str) -> frozenset[Tag]:
    return parse_tag(name.split("-", 2)[2].removesuffix(".whl"))


def test_the_most_preferred_tag_wins_whatever_the_order_of_the_wheels():
    wheels = [
        "x-1-py3-none-any.whl",
        "x-1-cp312-abi3-manylinux_2_17_x86_64.whl",
        "x-1-cp312-cp312-manylinux_2_17_x86_64.whl",
    ]
    ranks = tag_ranks(TAGS)
    assert preferred_wheel(wheels, _tags, ranks) == wheels[2]
    assert preferred_wheel(reversed(wheels), _tags, ranks) == wheels[2]


def test_a_wheel_ranks_by_its_best_tag_and_equals_keep_the_first():
    wheels = ["a-1-py3-none-any.whl", "b-1-py2.py3-none-any.whl"]
    ranks = tag_ranks(TAGS)
    assert tag_rank(_tags(wheels[1]), ranks) == 2
    assert preferred_wheel(wheels, _tags, ranks) == wheels[0]


def test_no_supported_tag_means_no_wheel():
    ranks = tag_ranks(TAGS)
    assert tag_rank(_tags("x-1-cp311-cp311-win_amd64.whl"), ranks) is None
    assert preferred_wheel(["x-1-cp311-cp311-win_amd64.whl"], _tags, ranks) is None
    assert preferred_wheel([], _tags, ranks) is None
