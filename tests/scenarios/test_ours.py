"""Our own scenarios (`tests/scenarios/ours/`): what packse does not cover.

Per-marker sources, conflicting extras, local versions, Python-version forks, environments,
required environments, yanked and pre-release policy, exclude-newer, overrides, constraints
and dependency groups. Each is locked twice, judged in every environment of the grid, and
checked against its `[ulock.expect]` entries and selections (see `runner.py`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.runner import check_expectations, judge_outcome, load_case, lock_case
from tests.support.fixtures import IndexServerFactory

OURS = Path(__file__).parent / "ours"


@pytest.mark.parametrize("path", sorted(OURS.glob("*.toml")), ids=lambda path: path.stem)
def test_our_scenario(
    path: Path,
    index_server: IndexServerFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = load_case(path)
    outcome = lock_case(case, index_server, tmp_path, capsys)
    if case.scenario.expected.satisfiable is False:
        assert outcome.status == 1, "an unsatisfiable scenario was locked"
        for text in ["Because", *case.expect.get("error", [])]:
            assert text in outcome.stderr, outcome.stderr
        return
    assert outcome.status == 0, outcome.stderr
    assert judge_outcome(case, outcome) == []
    check_expectations(case, outcome)
