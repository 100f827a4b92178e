"""`ulock diff` end to end on locks that `ulock lock` made from flat local directories.

One project is locked, its universe and pyproject are changed so that every kind of change
happens at once, and it is locked again; the two locks are compared as paths, as git revisions
in a temporary repository, and through a git textconv driver. Outputs are golden: the test
universes are built deterministically, so the expected text is exact.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.builder import write_flat_directory
from tests.support.cli import run_ulock as run
from universal_lock.lockfile.diff_render import diff_from_json, render_json
from universal_lock.operations.diff import diff

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
LINUX_ARM = "sys_platform == 'linux' and platform_machine == 'aarch64'"


def universe(*, after: bool) -> dict[str, Any]:
    numpy: dict[str, Any] = {
        "1.26.0": {"requires_python": ">=3.8"},
        "2.1.0": {"requires_python": ">=3.10"},
    }
    torch_tags = ["py3-none-any"]
    pyyaml: dict[str, Any] = {"6.0.0": {}}
    click: dict[str, Any] = {}
    if after:
        pyyaml["6.0.1"] = {}
        torch_tags.append("cp312-cp312-manylinux_2_28_x86_64")
        # Same name and version, different bytes: what a tampered file looks like.
        click = {"requires_python": ">=3.7"}
    return {
        "packages": {
            "numpy": {"versions": numpy},
            "pyyaml": {"versions": pyyaml},
            "torch": {"versions": {"2.4.0": {"requires": ["numpy"], "wheel_tags": torch_tags}}},
            "requests": {"versions": {"2.0.0": {}}},
            "idna": {"versions": {"3.0": {}}},
            "six": {"versions": {"1.16.0": {}}},
            "attrs": {"versions": {"1.0.0": {}, "2.0.0": {}}},
            "click": {"versions": {"8.0.0": click}},
            "tqdm": {"versions": {"4.0.0": {}}},
        }
    }


def pyproject(*, after: bool) -> str:
    if after:
        dependencies = [
            "torch",
            f"requests; ({LINUX_X86}) or ({LINUX_ARM})",
            "idna",
            "attrs<2",
            "click",
            "tqdm",
            "pyyaml",
        ]
    else:
        dependencies = [
            "torch",
            f"requests; {LINUX_X86}",
            "six",
            "attrs",
            "click",
            "tqdm",
            "pyyaml",
        ]
    listed = ", ".join(json.dumps(item) for item in dependencies)
    extras = '\n[project.optional-dependencies]\nfast = ["idna"]\n' if after else ""
    sources = '\n[tool.ulock.sources]\ntqdm = { index = "mirror" }\n' if after else ""
    return f"""
[project]
name = "demo"
version = "0.1"
requires-python = ">=3.8"
dependencies = [{listed}]
{extras}
[[tool.ulock.index]]
name = "mirror"
url = "./mirror"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "local"
url = "./whl"
format = "flat"
default = true
{sources}"""


@dataclass(frozen=True)
class Locks:
    project: Path
    old: Path
    new: Path
    relock_messages: str


def make_project(directory: Path, cache: Path, *, after: bool) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(pyproject(after=after))
    shutil.rmtree(directory / "whl", ignore_errors=True)
    write_flat_directory(universe(after=after), directory / "whl")
    write_flat_directory({"packages": {"tqdm": {"versions": {"4.0.0": {}}}}}, directory / "mirror")


@pytest.fixture(scope="module")
def locks(tmp_path_factory: pytest.TempPathFactory) -> Locks:
    root = tmp_path_factory.mktemp("diff")
    project = root / "project"
    make_project(project, root / "cache-1", after=False)
    common = ("--directory", str(project))
    assert run("lock", *common, "--cache-dir", str(root / "cache-1")) == 0
    old = root / "old.toml"
    shutil.copyfile(project / "pylock.toml", old)
    make_project(project, root / "cache-2", after=True)
    # A fresh cache: the relock must see the rebuilt files; --upgrade-package lets pyyaml move.
    with pytest.MonkeyPatch.context() as patch:
        captured = _Capture()
        patch.setattr(sys, "stderr", captured)
        status = run(
            "lock", *common, "--cache-dir", str(root / "cache-2"), "--upgrade-package", "pyyaml"
        )
    assert status == 0
    new = root / "new.toml"
    shutil.copyfile(project / "pylock.toml", new)
    return Locks(project=project, old=old, new=new, relock_messages=captured.text)


class _Capture:
    """A stand-in stderr for a module-scoped fixture (capsys is function-scoped)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "".join(self.parts)


EXPECTED_TEXT = """\
lock            extras    (none) -> fast
downgraded      attrs     2.0.0 -> 1.0.0
hash-changed    click     8.0.0           HASH CHANGED WITHOUT A VERSION CHANGE: \
click-8.0.0-py3-none-any.whl, click-8.0.0.tar.gz
added           idna      3.0
upgraded        pyyaml    6.0.0 -> 6.0.1
marker-changed  requests  2.0.0           now also on linux aarch64
removed         six       1.16.0
files-changed   torch     2.4.0           files +cp312-cp312-manylinux_2_28_x86_64
source-changed  tqdm      4.0.0           source path whl -> path mirror

1 upgraded, 1 added, 1 removed, 1 downgraded, 1 source changed, 1 files changed, \
1 marker changed, 1 lock setting changed; 1 hash changed without a version change
"""


def test_text_output_names_every_kind_of_change(
    locks: Locks, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("diff", str(locks.old), str(locks.new)) == 0
    out, err = capsys.readouterr()
    assert out == EXPECTED_TEXT
    assert err == ""


def test_no_color_and_no_terminal_mean_plain_text(
    locks: Locks, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert run("diff", str(locks.old), str(locks.new)) == 0
    assert "\x1b[" not in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR")
    assert run("diff", str(locks.old), str(locks.new)) == 0
    assert "\x1b[" in capsys.readouterr().out


EXPECTED_MARKDOWN = """\
**Lock changes:** 1 upgraded, 1 added, 1 removed, 1 downgraded, 1 source changed, \
1 files changed, 1 marker changed, 1 lock setting changed; 1 hash changed without a version change

> **Warning:** file hashes changed without a version change: `click`.

| change | package | version | details |
|---|---|---|---|
| lock | `extras` | (none) -> fast |  |
| downgraded | `attrs` | 2.0.0 -> 1.0.0 |  |
| **hash-changed** | `click` | 8.0.0 | HASH CHANGED WITHOUT A VERSION CHANGE: \
click-8.0.0-py3-none-any.whl, click-8.0.0.tar.gz |
| added | `idna` | 3.0 |  |
| upgraded | `pyyaml` | 6.0.0 -> 6.0.1 |  |
| marker-changed | `requests` | 2.0.0 | now also on linux aarch64 |
| removed | `six` | 1.16.0 |  |
| files-changed | `torch` | 2.4.0 | files +cp312-cp312-manylinux_2_28_x86_64 |
| source-changed | `tqdm` | 4.0.0 | source path whl -> path mirror |
"""


def test_markdown_output_is_a_table_with_a_summary(
    locks: Locks, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("diff", str(locks.old), str(locks.new), "--format", "markdown") == 0
    assert capsys.readouterr().out == EXPECTED_MARKDOWN


def test_json_output_has_the_documented_schema_and_round_trips(
    locks: Locks, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("diff", str(locks.old), str(locks.new), "--format", "json") == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    summary = {key: value for key, value in data["summary"].items() if value and key != "text"}
    assert summary == {
        "added": 1,
        "removed": 1,
        "upgraded": 1,
        "downgraded": 1,
        "hash-changed": 1,
        "source-changed": 1,
        "files-changed": 1,
        "marker-changed": 1,
        "lock": 1,
        "total": 8,
    }
    kinds = {change["name"]: change["kind"] for change in data["changes"]}
    assert kinds == {
        "attrs": "downgraded",
        "click": "hash-changed",
        "idna": "added",
        "pyyaml": "upgraded",
        "requests": "marker-changed",
        "six": "removed",
        "torch": "files-changed",
        "tqdm": "source-changed",
    }
    for change in data["changes"]:
        for side in ("old", "new"):
            assert change[side] is None or {"version", "marker", "source"} <= set(change[side])
    requests = next(change for change in data["changes"] if change["name"] == "requests")
    assert requests["old"]["version"] == requests["new"]["version"] == "2.0.0"
    assert requests["old"]["marker"] == LINUX_X86
    assert requests["gained"] == "linux aarch64"
    assert requests["new"]["source"] == "path whl"
    assert data["changes"][0]["old"] is not None
    assert next(c for c in data["changes"] if c["name"] == "idna")["old"] is None
    assert render_json(diff_from_json(out)) == out
    assert diff_from_json(out) == diff(str(locks.old), str(locks.new)).diff


def test_identical_locks_show_no_changes_and_exit_0(
    locks: Locks, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("diff", str(locks.new), str(locks.new)) == 0
    assert capsys.readouterr().out == "no changes\n"
    assert run("diff", str(locks.new), str(locks.new), "--format", "markdown") == 0
    assert capsys.readouterr().out == "**Lock changes:** no changes\n"


def test_relock_prints_what_changed_to_stderr(locks: Locks) -> None:
    lines = [line.rstrip() for line in locks.relock_messages.splitlines()]
    assert "upgraded        pyyaml    6.0.0 -> 6.0.1" in lines
    assert "removed         six       1.16.0" in lines
    assert lines[-2].startswith("1 upgraded, 1 added, 1 removed")
    assert lines[-1].startswith("wrote ")


def test_relock_of_one_package_changes_only_its_lines(tmp_path: Path) -> None:
    project = tmp_path / "project"
    cache = ("--cache-dir", str(tmp_path / "cache"))
    make_project(project, tmp_path / "cache", after=False)
    assert run("lock", "--directory", str(project), *cache) == 0
    first = (project / "pylock.toml").read_text().splitlines()

    # A new version on the index, and the package allowed to move.
    releases = universe(after=False)
    releases["packages"]["pyyaml"]["versions"]["6.0.1"] = {}
    write_flat_directory(releases, project / "whl")
    upgrade = ("--upgrade-package", "pyyaml")
    assert run("lock", "--directory", str(project), *cache, *upgrade) == 0
    second = (project / "pylock.toml").read_text().splitlines()
    assert _changed_lines(first, second) <= _block(first, "pyyaml") | _block(second, "pyyaml")
    assert any("pyyaml-6.0.1" in line for line in _changed_lines(first, second))

    # A changed requirement: that package's block and the input fingerprint, nothing else.
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"attrs"', '"attrs<2"'))
    assert run("lock", "--directory", str(project), *cache) == 0
    third = (project / "pylock.toml").read_text().splitlines()
    changed = _changed_lines(second, third)
    fingerprints = {line for line in second + third if line.startswith("input-fingerprint = ")}
    assert changed <= _block(second, "attrs") | _block(third, "attrs") | fingerprints
    assert any("attrs-1.0.0" in line for line in changed)


def _changed_lines(before: list[str], after: list[str]) -> set[str]:
    return {
        line[1:]
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    }


def _block(lines: list[str], name: str) -> set[str]:
    """The lines of the one ``[[packages]]`` table of ``name`` (with its header)."""
    start = lines.index(f'name = "{name}"') - 1
    end = start + 1
    while end < len(lines) and not lines[end].startswith("["):
        end += 1
    return set(lines[start:end])


# -- git ------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    assert GIT is not None
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        [GIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(locks: Locks, tmp_path: Path) -> Path:
    """A repository with the old lock committed, then the new one; the tree holds the new one."""
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    shutil.copyfile(locks.old, repo / "pylock.toml")
    shutil.copyfile(locks.old, repo / "sub" / "pylock.toml")
    git(repo, "add", "pylock.toml", "sub/pylock.toml")
    git(repo, "commit", "-q", "-m", "old lock")
    shutil.copyfile(locks.new, repo / "pylock.toml")
    git(repo, "commit", "-q", "-am", "new lock")
    return repo


@needs_git
def test_git_revisions(
    repo: Path, locks: Locks, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("diff", "HEAD~1", "HEAD", "--directory", str(repo)) == 0
    assert capsys.readouterr().out == EXPECTED_TEXT
    assert run("diff", "HEAD~1", "--directory", str(repo)) == 0
    assert capsys.readouterr().out == EXPECTED_TEXT
    assert run("diff", "HEAD~1:sub/pylock.toml", "HEAD:pylock.toml", "--directory", str(repo)) == 0
    assert capsys.readouterr().out == EXPECTED_TEXT
    # No arguments: HEAD against the working tree, from inside the repository.
    monkeypatch.chdir(repo)
    assert run("diff") == 0
    assert capsys.readouterr().out == "no changes\n"
    shutil.copyfile(locks.old, repo / "pylock.toml")
    assert run("diff", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["summary"]["upgraded"] == 1  # numpy went back
    # Paths are relative to the current directory, revisions to --directory.
    assert run("diff", "sub/pylock.toml", "HEAD", "--directory", "sub") == 0
    assert capsys.readouterr().out == "no changes\n"
    assert run("diff", "sub/pylock.toml", str(locks.new), "--directory", "sub") == 0
    assert capsys.readouterr().out == EXPECTED_TEXT
    monkeypatch.chdir(repo / "sub")
    assert run("diff", "main~1", "main") == 0  # relative to the current directory: sub/
    assert capsys.readouterr().out == "no changes\n"


@needs_git
def test_git_textconv_driver_shows_the_semantic_view(repo: Path) -> None:
    (repo / ".gitattributes").write_text("pylock.toml diff=ulock\n")
    command = f"{sys.executable} -m universal_lock diff --textconv"
    git(repo, "config", "diff.ulock.textconv", command)
    shown = git(repo, "diff", "HEAD~1", "HEAD", "--", "pylock.toml")
    lines = shown.splitlines()
    assert "-pyyaml 6.0.0" in lines
    assert "+pyyaml 6.0.1" in lines
    assert "-six 1.16.0" in lines
    assert "-requests 2.0.0  on linux x86_64" in lines
    assert "+requests 2.0.0  on linux x86_64 and linux aarch64" in lines
    assert any(line.startswith("+    wheel torch-2.4.0-cp312-cp312-manylinux") for line in lines)
    assert any(line.startswith("-    sdist click-8.0.0.tar.gz  sha256:") for line in lines)
    assert any(line.startswith("+    sdist click-8.0.0.tar.gz  sha256:") for line in lines)
    assert not any("[[packages]]" in line for line in lines)
    log = git(repo, "log", "-p", "--format=%s", "--", "pylock.toml")
    assert "+pyyaml 6.0.1" in log.splitlines()


def test_textconv_prints_one_lock(locks: Locks, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("diff", "--textconv", str(locks.old)) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "pylock.toml, lock-version 1.0, created by ulock\nrequires-python: >=3.8\n"
    )
    block = out.split("\n\n")[1:3]
    assert block[0].splitlines()[0] == "attrs 2.0.0"
    assert "    source: path whl" in block[0].splitlines()
    assert any(
        line.startswith("    wheel attrs-2.0.0-py3-none-any.whl  sha256:")
        for line in block[0].splitlines()
    )


def test_textconv_shows_an_invalid_lock_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "pylock.toml"
    broken.write_text("<<<<<<< ours\nlock-version = '1.0'\n")
    assert run("diff", "--textconv", str(broken)) == 0
    out, err = capsys.readouterr()
    assert out == broken.read_text()
    assert "showing the file as it is" in err


# -- bad input ------------------------------------------------------------------------------


def test_bad_inputs_exit_2_with_a_clear_message(
    locks: Locks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    assert run("diff", str(text), str(locks.new)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"`{text}` line 1: invalid TOML" in err

    not_pep_751 = tmp_path / "other.toml"
    not_pep_751.write_text('name = "x"\n')
    assert run("diff", str(locks.old), str(not_pep_751)) == 2
    err = capsys.readouterr().err
    assert f"`{not_pep_751}`" in err and "not a valid PEP 751 lockfile" in err

    assert run("diff", "--textconv", str(tmp_path / "missing.toml")) == 2
    assert "the lockfile does not exist" in capsys.readouterr().err

    assert run("diff", "--textconv", str(locks.old), str(locks.new)) == 2
    assert "`--textconv` takes one file" in capsys.readouterr().err


def test_not_a_revision_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    try:
        assert run("diff", "main", "--directory", str(lonely)) == 2
    finally:
        if env_ceiling is None:
            del os.environ["GIT_CEILING_DIRECTORIES"]
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling
    err = capsys.readouterr().err
    assert "`main` is not a file" in err and "not inside a git repository" in err


@needs_git
def test_bad_revisions_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("diff", "no-such-branch", "--directory", str(repo)) == 2
    assert "`no-such-branch` is neither a file nor a git revision" in capsys.readouterr().err
    assert run("diff", "HEAD~5", "HEAD", "--directory", str(repo)) == 2
    assert "`HEAD~5` is neither a file nor a git revision" in capsys.readouterr().err
    assert run("diff", "HEAD:nowhere/pylock.toml", "--directory", str(repo)) == 2
    assert "`HEAD:nowhere/pylock.toml` does not exist" in capsys.readouterr().err
    (repo / "pylock.toml").write_text("lock-version = '1.0'\n")
    assert run("diff", "--directory", str(repo)) == 2
    assert "not a valid PEP 751 lockfile" in capsys.readouterr().err


def test_a_missing_lock_path_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("diff", str(tmp_path / "gone.toml"), str(tmp_path / "gone.toml")) == 2
    assert f"`{tmp_path / 'gone.toml'}`: the lockfile does not exist" in capsys.readouterr().err


@needs_git
def test_a_branch_with_a_slash_is_a_revision(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "branch", "feature/old", "HEAD~1")
    assert run("diff", "feature/old", "HEAD", "--directory", str(repo)) == 0
    assert capsys.readouterr().out == EXPECTED_TEXT
