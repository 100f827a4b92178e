"""The writer: exact layout, determinism, diff locality, no credentials, atomic replacement."""

from __future__ import annotations

import difflib
import os
import stat
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.pylock import Pylock
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.unit.lockfile.samples import SHA_B, index_entry, sample_lock
from tests.unit.lockfile.strategies import locks
from universal_lock.errors import UlockError
from universal_lock.lockfile import (
    Lock,
    LockedPackage,
    as_dict,
    render,
    write_atomic,
)
from universal_lock.lockfile import writer as writer_module

# Written by hand from the layout in docs/lockfile.md, not produced by the writer.
EXPECTED = (Path(__file__).parent / "expected_sample.toml").read_text(encoding="utf-8")


def test_layout_is_exactly_the_documented_one() -> None:
    assert render(sample_lock()) == EXPECTED


def test_minimal_lock_still_has_the_required_packages_key() -> None:
    text = render(Lock())
    assert text == 'lock-version = "1.0"\ncreated-by = "ulock"\npackages = []\n'
    Pylock.from_dict(tomllib.loads(text))


@given(locks(), st.randoms(use_true_random=False))
def test_same_lock_gives_same_bytes_whatever_the_input_order(lock: Lock, random) -> None:
    shuffled_packages = list(lock.packages)
    random.shuffle(shuffled_packages)
    shuffled = replace(
        lock,
        packages=tuple(
            replace(p, wheels=tuple(random.sample(p.wheels, len(p.wheels))))
            for p in shuffled_packages
        ),
        extras=tuple(random.sample(lock.extras, len(lock.extras))),
    )
    assert render(shuffled) == render(lock)


@given(locks())
def test_every_rendered_lock_is_valid_pep_751(lock: Lock) -> None:
    text = render(lock)
    data = tomllib.loads(text)
    Pylock.from_dict(data)
    assert data == as_dict(lock)
    assert text.endswith("\n") and not text.endswith("\n\n")


def _block_of(lines: list[str], name: str, version: str) -> range:
    """Line numbers of the [[packages]] entry `name` `version`, up to the next top-level header."""
    for start, line in enumerate(lines):
        if line == "[[packages]]" and lines[start + 1 : start + 3] == [
            f'name = "{name}"',
            f'version = "{version}"',
        ]:
            end = start + 1
            while end < len(lines) and not lines[end].startswith(("[[packages]]", "[tool.ulock]")):
                end += 1
            return range(start, end)
    raise AssertionError(f"no entry for {name} {version}")


def test_changing_one_package_changes_only_its_lines() -> None:
    before = sample_lock()
    numpy = before.packages[1]
    upgraded = replace(
        numpy,
        version=Version("2.0.1"),
        sdist=None,
        wheels=(
            replace(numpy.wheels[0], name="numpy-2.0.1-py3-none-any.whl", hashes={"sha256": SHA_B}),
            replace(
                numpy.wheels[0],
                name="numpy-2.0.1-cp312-cp312-win_amd64.whl",
                url="https://files.example.org/w.whl",
            ),
        ),
    )
    after = replace(before, packages=(before.packages[0], upgraded, before.packages[2]))
    old_lines, new_lines = render(before).splitlines(), render(after).splitlines()
    old_block = _block_of(old_lines, "numpy", "2.0.0")
    new_block = _block_of(new_lines, "numpy", "2.0.1")
    opcodes = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes()
    changes = [op for op in opcodes if op[0] != "equal"]
    assert changes, "the edit must show in the text"
    for _, old_start, old_end, new_start, new_end in changes:
        assert old_block.start <= old_start and old_end <= old_block.stop
        assert new_block.start <= new_start and new_end <= new_block.stop
    # Outside the block, both files are identical line for line.
    assert old_lines[: old_block.start] == new_lines[: new_block.start]
    assert old_lines[old_block.stop :] == new_lines[new_block.stop :]


@given(locks(max_packages=5), st.data())
def test_replacing_any_package_leaves_every_other_line_alone(lock: Lock, data) -> None:
    candidates = [p for p in lock.packages if p.version is not None and p.wheels]
    if not candidates:
        return
    target = data.draw(st.sampled_from(candidates))
    changed = replace(
        target,
        requires_python=SpecifierSet(">=3.7") if target.requires_python is None else None,
        wheels=tuple(replace(w, size=(w.size or 0) + 1) for w in target.wheels),
    )
    others = [p for p in lock.packages if p is not target]
    after = replace(lock, packages=(*others, changed))
    old_lines, new_lines = render(lock).splitlines(), render(after).splitlines()
    assert target.version is not None
    old_block = _block_of_entry(old_lines, lock, target)
    new_block = _block_of_entry(new_lines, after, changed)
    assert old_lines[: old_block.start] == new_lines[: new_block.start]
    assert old_lines[old_block.stop :] == new_lines[new_block.stop :]


def _block_of_entry(lines: list[str], lock: Lock, entry: LockedPackage) -> range:
    # Entries are written in lock order, so the n-th "[[packages]]" header is packages[n].
    headers = [i for i, line in enumerate(lines) if line == "[[packages]]"]
    position = lock.packages.index(entry)
    start = headers[position]
    end = headers[position + 1] if position + 1 < len(headers) else len(lines)
    if position + 1 == len(headers):
        tool = [i for i, line in enumerate(lines) if line == "[tool.ulock]"]
        end = tool[0] if tool else len(lines)
    return range(start, end)


def test_credentials_are_never_written() -> None:
    secret_index = "https://alice:s3cret@index.example.org/simple"
    entry = replace(
        index_entry("demo", "1.0"),
        index=secret_index,
        wheels=(
            replace(
                index_entry("demo", "1.0").wheels[0],
                url="https://__token__:pypi-AgEI@files.example.org/demo-1.0-py3-none-any.whl",
            ),
        ),
    )
    text = render(Lock(packages=(entry,)))
    assert "s3cret" not in text and "alice" not in text
    assert "pypi-AgEI" not in text and "__token__" not in text
    assert 'index = "https://index.example.org/simple"' in text


def test_markers_with_double_quotes_become_literal_strings_and_read_back_unchanged() -> None:
    marker = 'python_version >= "3.12" and sys_platform == "linux"'
    text = render(Lock(packages=(index_entry("demo", "1.0", marker=marker),)))
    assert f"marker = '{marker}'" in text
    assert tomllib.loads(text)["packages"][0]["marker"] == marker


# write_atomic ---------------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "pylock.toml"
    write_atomic(target, "first\n")
    write_atomic(target, "second ✓\n")
    assert target.read_bytes() == "second ✓\n".encode()
    assert _leftovers(tmp_path) == []


def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "pylock.toml", "x\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "pylock.toml").stat().st_mode) == 0o644


def test_failure_in_the_middle_of_writing_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "pylock.toml"
    target.write_text("old\n")
    real_write = os.write

    def write_half_then_fail(fd: int, data) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "write", write_half_then_fail)
    with pytest.raises(UlockError, match=r"could not write .*No space left on device"):
        write_atomic(target, "new content that will not fit\n")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_ctrl_c_before_the_rename_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "pylock.toml"
    target.write_text("old\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_rename_failure_is_reported_and_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "pylock.toml"
    target.mkdir()  # a directory where the file should go: the rename itself fails
    (target / "keep").write_text("x")
    with pytest.raises(UlockError, match="could not write"):
        write_atomic(target, "new\n")
    assert (target / "keep").read_text() == "x"
    assert _leftovers(tmp_path) == []


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UlockError, match=r"could not write .*No such file or directory"):
        write_atomic(tmp_path / "absent" / "pylock.toml", "x\n")
