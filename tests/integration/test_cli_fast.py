"""`ulock lock --check` and `ulock --version` answered before typer starts (`cli._fast`).

Each plain spelling runs twice in-process: as `main` runs it (the fast path) and with the fast
path turned off (typer parses the same command line); exit code, stdout and stderr must be the
same. Spellings the fast path does not know must be left to typer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from universal_lock.cli import _fast, main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "torch-multiplatform"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    try:
        main(argv)
        code: object = 0
    except SystemExit as done:
        code = done.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def projects(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name in ("current", "stale", "unlocked", "broken"):
        made[name] = tmp_path / name
        shutil.copytree(EXAMPLE, made[name])
    with (made["stale"] / "pyproject.toml").open("a") as file:
        file.write("\n# an edit\n[dependency-groups]\ndev = ['numpy']\n")
    (made["unlocked"] / "pylock.toml").unlink()
    (made["broken"] / "pyproject.toml").write_text("[project\n")
    return made


_ARGVS = [
    ["lock", "--check"],
    ["lock", "--check", "--directory", "{dir}"],
    ["lock", "--directory", "{dir}", "--check"],
    ["lock", "--check", "-o", "{dir}/pylock.toml", "--directory", "{dir}"],
    ["lock", "--check", "--output", "{dir}/elsewhere.toml", "--directory", "{dir}"],
    ["lock", "--check", "--directory", ""],
    ["--version"],
]


@pytest.mark.parametrize("argv", _ARGVS, ids=" ".join)
@pytest.mark.parametrize("project", ["current", "stale", "unlocked", "broken"])
def test_the_fast_path_answers_as_typer_does(
    argv: list[str],
    project: str,
    projects: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    directory = projects[project]
    monkeypatch.chdir(directory)
    argv = [part.replace("{dir}", str(directory)) for part in argv]
    assert _fast.fast_command(argv) is not None
    fast = _run(argv, capsys)
    monkeypatch.setattr(_fast, "fast_command", lambda _argv: None)
    assert _run(argv, capsys) == fast
    if argv[0] == "lock":
        # A missing lock is stale whatever the project; a broken pyproject.toml is an error.
        expected = {"current": 0, "stale": 1, "unlocked": 1, "broken": 2}[project]
        if "elsewhere" in " ".join(argv):
            expected = 1
        assert fast[0] == expected
        assert ("error: " in fast[2]) == (expected == 2)


@pytest.mark.parametrize(
    "argv",
    [
        ["lock"],
        ["lock", "--check", "--offline"],
        ["lock", "--check", "--directory"],
        ["lock", "--check", "--directory", "-x"],
        ["lock", "--check", "--directory=."],
        ["lock", "--check", "--directory", ".", "--directory", "."],
        ["lock", "--check", "--help"],
        ["lock", "--check", "extra"],
        ["sync", "--check"],
        ["--version", "lock"],
        ["--help"],
        [],
    ],
    ids=" ".join,
)
def test_other_command_lines_are_left_to_typer(argv: list[str]) -> None:
    assert _fast.fast_command(argv) is None
