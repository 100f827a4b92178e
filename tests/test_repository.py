"""The repository's own promises: the README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_starts_with_main_job_and_test_command() -> None:
    commands = _readme_commands()
    assert len(commands) >= 2
    main_job, test_command = commands[0], commands[1]
    assert "ulock" in main_job
    assert test_command.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    """README and CI both install `-e '.[test]'` and run `<venv python> -m pytest`."""
    test_command = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command.endswith(".venv/bin/python -m pytest")
    assert '"$venv/bin/python" -m pytest' in ci_lines
    assert "pip install -q -e '.[test]'" in test_command
    assert any(line.endswith("pip install -q -e '.[test]' || exit 1") for line in ci_lines)
