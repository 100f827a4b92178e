"""A path ulock cannot use is one `error:` line naming it, exit code 1, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from universal_lock.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "torch-multiplatform"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    try:
        main(argv)
        code: object = 0
    except SystemExit as done:
        code = done.code
    return code, capsys.readouterr().err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "project"
    shutil.copytree(EXAMPLE, directory)
    monkeypatch.chdir(directory)
    return directory


@pytest.mark.parametrize("typer_path", [False, True], ids=["fast", "typer"])
def test_an_output_directory_that_is_a_file(
    project: Path,
    tmp_path: Path,
    typer_path: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / "not-a-dir").write_text("")
    before = (project / "pylock.toml").read_bytes()
    argv = ["lock", "-o", "not-a-dir/pylock.toml", "--cache-dir", str(tmp_path / "cache")]
    if typer_path:
        argv.append("--directory=.")  # a spelling only typer parses
    code, err = _run(argv, capsys)
    assert code == 1
    assert err.startswith("error: ") and "`not-a-dir/pylock.toml`" in err
    assert "Not a directory" in err and "Traceback" not in err
    assert (project / "pylock.toml").read_bytes() == before


def test_a_cache_directory_that_is_a_file(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache-file"
    cache.write_text("")
    (project / "pylock.toml").unlink()
    code, err = _run(["lock", "--cache-dir", str(cache)], capsys)
    assert code == 1
    assert err.startswith(f"error: Not a directory: `{cache}/")
    assert "hint: check that the path exists" in err and "Traceback" not in err
    assert not (project / "pylock.toml").exists()
