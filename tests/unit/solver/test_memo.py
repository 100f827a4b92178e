"""The solver's identity memos answer exactly what packaging answers, and keep spellings."""

from __future__ import annotations

import gc

from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from universal_lock.solver import _memo, contains, exact, format_range, parse_range
from universal_lock.solver.ranges import FULL

_VERSIONS = ["0.9", "1.0", "1.0.post1", "1.5", "2.0a1", "2.0", "2.1", "3.0"]


@st.composite
def _ranges(draw):
    """Ranges as the solver builds them: specifiers combined by the memoized operations."""
    result = FULL
    for _ in range(draw(st.integers(1, 3))):
        operator = draw(st.sampled_from([">=", "<", "==", "!=", ">", "<="]))
        part = parse_range("p", f"{operator}{draw(st.sampled_from(_VERSIONS))}")
        combine = draw(st.sampled_from([_memo.intersection, _memo.union, _memo.difference]))
        result = combine(result, part)
    return result


@given(_ranges(), _ranges(), st.sampled_from(_VERSIONS))
def test_memos_agree_with_packaging(first, second, text):
    version = Version(text)
    for _ in range(2):  # the second round is answered from the memos
        assert contains(first, version) == (version in first)
        assert _memo.is_subset(first, second) == first.is_subset(second)
        assert _memo.is_disjoint(first, second) == first.is_disjoint(second)
        assert _memo.intersection(first, second) == (first & second)
        assert _memo.difference(first, second) == (first - second)
        assert _memo.union(first, second) == (first | second)
        assert _memo.count_within(first, (version, Version("1.0"))) == sum(
            v in first for v in (version, Version("1.0"))
        )


def test_a_reused_id_is_never_mistaken_for_the_old_range():
    # Ask about a range, drop every reference of ours to it, build others (which may land
    # at the old address): the memo keeps the old range alive, so answers stay right.
    version = Version("1.5")
    assert contains(parse_range("p", ">=1,<2") & parse_range("p", ">=0"), version)
    gc.collect()
    for _ in range(50):
        fresh = parse_range("p", ">=2") & parse_range("p", "<9")
        assert not contains(fresh, version)
        assert not _memo.is_subset(fresh, parse_range("p", "<2"))


def test_equal_ranges_keep_their_own_spelling():
    # 2 == 2.0.0 under PEP 440, but an explanation prints what the requirement said.
    short = _memo.intersection(parse_range("p", ">=2"), parse_range("p", "<5"))
    long = _memo.intersection(parse_range("p", ">=2.0.0"), parse_range("p", "<5"))
    assert short == long
    assert format_range(short) == ">=2,<5"
    assert format_range(long) == ">=2.0.0,<5"
    assert format_range(exact(Version("2"))) == "==2"
    assert format_range(exact(Version("2.0.0"))) == "==2.0.0"


def test_operations_return_one_object_per_spelled_range():
    # The point of the memos: a summary rebuilt after a backjump is the same object.
    low, high = parse_range("p", ">=1"), parse_range("p", "<3")
    first = _memo.intersection(low, high)
    assert _memo.intersection(low, high) is first
    assert _memo.difference(first, exact(Version("2.0"))) is _memo.difference(
        first, exact(Version("2.0"))
    )
    assert exact(Version("1.0")) is exact(Version("1.0"))


def test_a_literal_range_answers_by_spelling():
    # `===1.0` admits the text 1.0 only; 1.0.0 is an equal version but another spelling.
    literal = parse_range("p", "===1.0")
    assert contains(literal, Version("1.0"))
    assert not contains(literal, Version("1.0.0"))
    assert _memo.count_within(literal, (Version("1.0"), Version("1.0.0"))) == 1
