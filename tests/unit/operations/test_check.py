"""`ulock lock --check` reads only `[tool.ulock]` of a lock ulock wrote, and still answers for
locks laid out otherwise (hand-edited, another writer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from universal_lock.lockfile import Lock, LockedFile, LockedPackage, render
from universal_lock.operations.check import is_current
from universal_lock.project import fingerprint_file

PYPROJECT = '[project]\nname = "p"\nversion = "1"\ndependencies = ["a"]\n'


def _lock(fingerprint: str) -> str:
    def file(name: str, digit: str) -> LockedFile:
        return LockedFile(name=name, path=name, size=1, hashes={"sha256": digit * 64})

    wheel = file("a-1.0-py3-none-any.whl", "0")
    tool = file("setuptools-70.0-py3-none-any.whl", "1")
    build = LockedPackage(name="setuptools", version=Version("70.0"), wheels=(tool,))
    return render(
        Lock(
            packages=(LockedPackage(name="a", version=Version("1.0"), wheels=(wheel,)),),
            input_fingerprint=fingerprint,
            fork_markers=("sys_platform == 'linux'", "sys_platform != 'linux'"),
            build_packages=(build,),
        )
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


def test_a_written_lock_is_current_until_the_inputs_change(project: Path) -> None:
    (project / "pylock.toml").write_text(_lock(fingerprint_file(project)))
    assert is_current(project)
    (project / "pyproject.toml").write_text(PYPROJECT.replace('["a"]', '["a", "b"]'))
    assert not is_current(project)


def test_a_lock_laid_out_otherwise_is_parsed_whole(project: Path) -> None:
    fingerprint = fingerprint_file(project)
    # [tool.ulock] first and the fingerprint in a dotted key: no `\n[tool.ulock]\n` to cut at.
    text = (
        f'tool.ulock.input-fingerprint = "{fingerprint}"\n'
        + _lock("stale").split("\n[tool.ulock]\n")[0]
    )
    (project / "pylock.toml").write_text(text)
    assert is_current(project)


def test_a_table_that_does_not_parse_alone_falls_back(project: Path) -> None:
    text = (
        _lock(fingerprint_file(project)).replace(
            "\n[tool.ulock]\n", '\n[tool.ulock]\nbroken = """\n', 1
        )
        + '"""\n'
    )
    (project / "pylock.toml").write_text(text)
    # The cut table does not parse alone; the whole file does, and its fingerprint is now
    # inside a string: not current (and no traceback).
    assert not is_current(project)


def test_missing_or_unreadable_locks_are_not_current(project: Path) -> None:
    assert not is_current(project)
    (project / "pylock.toml").write_bytes(b"\xff\xfe not utf-8")
    assert not is_current(project)
