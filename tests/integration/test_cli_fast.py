"""`ulock lock` and `ulock --version` parsed before typer starts (`cli._fast`).

Each plain spelling runs twice in-process: as `main` runs it (the fast path) and with the fast
path turned off (typer parses the same command line); exit code, stdout and stderr must be the
same, and for any command line the fast path accepts, typer must make the same request.
Spellings the fast path does not know must be left to typer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.cli import _fast, lock_run, main

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


def test_a_lock_says_the_same_either_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = []
    for name in ("fast", "typer"):
        project = tmp_path / name
        shutil.copytree(EXAMPLE, project)
        monkeypatch.chdir(project)
        argv = ["lock", "-o", "new.toml", "--cache-dir", str(tmp_path / "cache")]
        if name == "typer":
            monkeypatch.setattr(_fast, "fast_command", lambda _argv: None)
        outcomes.append(_run(argv, capsys))
        outcomes.append(_run([*argv, "--upgrade-package", "numpy", "--offline"], capsys))
    assert outcomes[:2] == outcomes[2:]
    assert outcomes[0] == (0, "", "wrote `new.toml` (7 packages)\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["lock", "--check", "--directory"],
        ["lock", "--check", "--directory", "-x"],
        ["lock", "--check", "--directory=."],
        ["lock", "--check", "--directory", ".", "--directory", "."],
        ["lock", "--check", "--check"],
        ["lock", "--check", "--help"],
        ["lock", "--check", "extra"],
        ["lock", "--upgrade-package"],
        ["lock", "--upgrade-package", "-n"],
        ["lock", "-O", "x"],
        ["sync", "--check"],
        ["--version", "lock"],
        ["--help"],
        [],
    ],
    ids=" ".join,
)
def test_other_command_lines_are_left_to_typer(argv: list[str]) -> None:
    assert _fast.fast_command(argv) is None


_TOKENS = [
    "--check",
    "--upgrade",
    "--offline",
    "--directory",
    "-o",
    "--output",
    "--cache-dir",
    "--upgrade-package",
    "--help",
    "--directory=d",
    "-x",
    "",
    ".",
    "d",
    "a/b",
    "numpy",
]


def _request(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> object:
    """The request typer makes of ``argv``, or how it refuses."""
    made: list[lock_run.LockRequest] = []

    def record(request: lock_run.LockRequest) -> int:
        made.append(request)
        return 0

    with monkeypatch.context() as patch:
        patch.setattr(lock_run, "run_lock", record)
        patch.setattr(_fast, "fast_command", lambda _argv: None)
        try:
            main(argv)
        except SystemExit as done:
            return ("exit", done.code)
    return made


def _same_request(argv: list[str]) -> None:
    command = _fast.fast_command(argv)
    if command is None:
        return
    fast: list[lock_run.LockRequest] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lock_run, "run_lock", lambda request: fast.append(request) or 0)
        assert command() == 0
    with pytest.MonkeyPatch.context() as patch:
        assert _request(argv, patch) == fast


@given(tokens=st.lists(st.sampled_from(_TOKENS), max_size=7))
def test_typer_makes_the_same_request_of_what_the_fast_path_accepts(tokens: list[str]) -> None:
    _same_request(["lock", *tokens])


@pytest.mark.parametrize(
    "argv",
    [
        ["lock"],
        ["lock", "--upgrade-package", "b", "--offline", "--upgrade-package", "a", "--upgrade"],
        ["lock", "--cache-dir", "c", "-o", "o.toml", "--directory", "d", "--check"],
        ["lock", "--output", "", "--directory", ""],
    ],
    ids=" ".join,
)
def test_the_plain_spellings_are_fast_and_make_typers_request(argv: list[str]) -> None:
    assert _fast.fast_command(argv) is not None
    _same_request(argv)


def test_a_long_path_with_brackets_is_one_literal_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI logs are not terminals: the summary line is never wrapped, and `[` is text."""
    project = tmp_path / ("a-rather-long-directory-name-" * 3) / "proj[bold]"
    shutil.copytree(EXAMPLE, project)
    monkeypatch.chdir(project)
    output = project / "locks[1]" / "pylock.toml"
    output.parent.mkdir()
    code, out, err = _run(
        ["lock", "-o", str(output), "--cache-dir", str(tmp_path / "cache")], capsys
    )
    assert (code, out) == (0, "")
    assert err == f"wrote `{output}` (7 packages)\n"


# -- ulock sync ---------------------------------------------------------------------------------

_SYNC_TOKENS = [
    "--directory",
    "--venv",
    "--cache-dir",
    "--python-platform",
    "--extra",
    "--group",
    "--all-extras",
    "--all-groups",
    "--no-default-groups",
    "--no-editable",
    "--dry-run",
    "--locked",
    "--frozen",
    "--offline",
    "--venv=v",
    "--help",
    "-x",
    "",
    ".",
    "d",
    "linux",
    "dev",
]


def _sync_options(argv: list[str], *, fast: bool) -> object:
    """The options the fast path (or typer) hands to ``run_sync`` for ``argv``, or how
    typer refuses the command line."""
    from universal_lock.cli import sync_run

    made: list[object] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sync_run, "run_sync", lambda options: made.append(options) or 0)
        if fast:
            command = _fast.fast_command(argv)
            assert command is not None
            assert command() == 0
            return made
        patch.setattr(_fast, "fast_command", lambda _argv: None)
        try:
            main(argv)
        except SystemExit as done:
            return ("exit", done.code)
    return made


@given(tokens=st.lists(st.sampled_from(_SYNC_TOKENS), max_size=7))
def test_typer_makes_the_same_sync_options_of_what_the_fast_path_accepts(
    tokens: list[str],
) -> None:
    argv = ["sync", *tokens]
    if _fast.fast_command(argv) is not None:
        assert _sync_options(argv, fast=False) == _sync_options(argv, fast=True)


@pytest.mark.parametrize(
    "argv",
    [
        ["sync"],
        ["sync", "--frozen", "--venv", "v", "--directory", "d", "--cache-dir", "c"],
        ["sync", "--extra", "a", "--group", "g", "--extra", "b", "--no-editable", "--offline"],
        ["sync", "--dry-run", "--python-platform", "windows", "--all-extras", "--all-groups"],
        ["sync", "--locked", "--no-default-groups"],
    ],
    ids=" ".join,
)
def test_the_plain_sync_spellings_are_fast_and_make_typers_options(argv: list[str]) -> None:
    fast = _sync_options(argv, fast=True)
    assert len(fast) == 1  # type: ignore[arg-type]
    assert _sync_options(argv, fast=False) == fast


@pytest.mark.parametrize(
    "argv",
    [
        ["sync", "--venv"],
        ["sync", "--venv", "-v"],
        ["sync", "--venv=v"],
        ["sync", "--venv", "a", "--venv", "b"],
        ["sync", "--python-platform", "linux", "--python-platform", "macos"],
        ["sync", "--frozen", "--frozen"],
        ["sync", "--help"],
        ["sync", "extra"],
        ["sync", "--check"],
    ],
    ids=" ".join,
)
def test_other_sync_command_lines_are_left_to_typer(argv: list[str]) -> None:
    assert _fast.fast_command(argv) is None


@pytest.mark.parametrize("argv_tail", [["--frozen", "--dry-run"], ["--locked", "--dry-run"]])
def test_a_dry_run_sync_says_the_same_either_way(
    argv_tail: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plan on stdout, the summary on stderr, the exit code: the same through both parsers;
    a dry run creates no venv."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    argv = ["sync", "--directory", str(project), "--venv", str(tmp_path / "v"), *argv_tail]
    fast = _run(argv, capsys)
    monkeypatch.setattr(_fast, "fast_command", lambda _argv: None)
    assert _run(argv, capsys) == fast
    code, out, err = fast
    assert (code, out.splitlines()[0]) == (0, "+ filelock==3.16.1")
    assert "would make 4 changes" in err
    assert not (tmp_path / "v").exists()
