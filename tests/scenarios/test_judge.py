"""The judge must be able to fail: a broken lock, made by hand from a good one, is caught.

Guards the scenario suite against passing vacuously (a judge that never looks, a metadata
reader that returns nothing).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from packaging.version import Version

from tests.scenarios.runner import Case, Outcome, judge_outcome, load_case, lock_case
from tests.support.fixtures import IndexServerFactory
from universal_lock.lockfile import Lock

OURS = Path(__file__).parent / "ours"


@pytest.fixture
def locked(
    index_server: IndexServerFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Case, Outcome]:
    case = load_case(OURS / "python-version-fork.toml")
    outcome = lock_case(case, index_server, tmp_path, capsys)
    assert outcome.lock is not None
    assert judge_outcome(case, outcome) == []
    return case, outcome


def _with(outcome: Outcome, lock: Lock) -> Outcome:
    return replace(outcome, lock=lock)


def test_a_missing_entry_is_caught(locked: tuple[Case, Outcome]) -> None:
    case, outcome = locked
    assert outcome.lock is not None
    packages = tuple(p for p in outcome.lock.packages if p.version != Version("1.26.0"))
    problems = judge_outcome(case, _with(outcome, replace(outcome.lock, packages=packages)))
    assert problems
    assert all("python 3.8" in p or "python 3.9" in p for p in problems)
    assert any("`numpy" in p and "is not selected" in p for p in problems)


def test_overlapping_entries_are_caught(locked: tuple[Case, Outcome]) -> None:
    case, outcome = locked
    assert outcome.lock is not None
    packages = tuple(
        replace(p, marker=None) if p.version == Version("2.1.0") else p
        for p in outcome.lock.packages
    )
    problems = judge_outcome(case, _with(outcome, replace(outcome.lock, packages=packages)))
    assert any("python 3.9.18" in p for p in problems)


def test_a_version_that_breaks_a_requirement_is_caught(locked: tuple[Case, Outcome]) -> None:
    case, outcome = locked
    assert outcome.lock is not None
    # Swap the scipy entries' markers: each lands where its numpy and Python do not fit.
    scipy = {p.version: p for p in outcome.lock.packages if p.name == "scipy"}
    old, new = scipy[Version("1.10.0")], scipy[Version("1.14.0")]
    swapped = tuple(
        replace(p, marker=new.marker)
        if p is old
        else replace(p, marker=old.marker)
        if p is new
        else p
        for p in outcome.lock.packages
    )
    problems = judge_outcome(case, _with(outcome, replace(outcome.lock, packages=swapped)))
    # From 3.10 on, scipy 1.10 meets numpy 2.1; before, scipy 1.14's requires-python fails.
    assert any("python 3.12.1" in p and "is not met by numpy 2.1.0" in p for p in problems)
    assert any("python 3.9.18" in p and "scipy" in p for p in problems)
