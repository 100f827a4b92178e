"""``ulock diff``: find the two locks (paths or git revisions) and compare them.

An argument that names an existing file is read as a lockfile. Anything else is a git
revision: ``REV`` reads the lock at ``REV`` (``git show REV:./pylock.toml``, relative to the
project directory), and ``REV:PATH`` reads that path at that revision. With one argument the
new side is the working tree's lock; with none the old side is ``HEAD``. Every failure (no
such file or revision, no git, not a lock) is an ``InputError``: exit code 2.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from universal_lock.errors import InputError
from universal_lock.lockfile import Lock, parse_lock, read_lock
from universal_lock.lockfile.diff import LockDiff, diff_locks

__all__ = ["DiffOutcome", "LabelledLock", "diff", "load_lock"]

LOCK_NAME = "pylock.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledLock:
    """A lock and where it came from (``pylock.toml``, ``HEAD:pylock.toml``)."""

    label: str
    lock: Lock


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffOutcome:
    """Both locks, and what changed between them."""

    old: LabelledLock
    new: LabelledLock
    diff: LockDiff


def diff(old: str | None, new: str | None, *, directory: Path = Path()) -> DiffOutcome:
    """Compare ``old`` (default ``HEAD``) with ``new`` (default the working tree's lock)."""
    before = load_lock(old or "HEAD", directory=directory)
    after = (
        load_lock(new, directory=directory) if new is not None else _working_tree_lock(directory)
    )
    return DiffOutcome(old=before, new=after, diff=diff_locks(before.lock, after.lock))


def load_lock(argument: str, *, directory: Path = Path()) -> LabelledLock:
    """Read the lock named by ``argument``: a file path, ``REV`` or ``REV:PATH``.

    ``REV`` means ``directory``'s ``pylock.toml`` at that revision.
    """
    # Paths are relative to the current directory, like any path on a command line; only
    # revisions (which name a lock inside the repository) look in `directory`.
    path = Path(argument)
    if path.is_file():
        return LabelledLock(label=argument, lock=read_lock(path))
    if path.is_dir():
        return LabelledLock(label=argument, lock=read_lock(path / LOCK_NAME))
    revision, colon, inner = argument.partition(":")
    if not revision or argument.startswith("-"):
        raise InputError(f"`{argument}` is neither a file nor a git revision")
    if not colon and argument.endswith(".toml"):
        # A path (a branch is rarely named *.toml; `origin/main` has a slash, so no more).
        raise InputError("the lockfile does not exist", path=argument)
    spec = f"{revision}:{inner}" if colon else f"{revision}:./{LOCK_NAME}"
    _check_revision(revision, argument, directory)
    data = _git(["show", spec], directory)
    if data.returncode != 0:
        raise InputError(
            f"`{spec.replace(':./', ':')}` does not exist: the revision has no such file",
            hint="name the lock's path at that revision as `REV:PATH`",
        )
    try:
        text = data.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"`{spec}` is not UTF-8 text ({error.reason})") from None
    label = spec.replace(":./", ":")
    return LabelledLock(label=label, lock=parse_lock(text, source=label))


def _working_tree_lock(directory: Path) -> LabelledLock:
    path = directory / LOCK_NAME
    return LabelledLock(label=str(path), lock=read_lock(path))


def _check_revision(revision: str, argument: str, directory: Path) -> None:
    inside = _git(["rev-parse", "--is-inside-work-tree"], directory)
    if inside.returncode != 0:
        raise InputError(
            f"`{argument}` is not a file, and `{directory}` is not inside a git repository, "
            "so it cannot be a revision either"
        )
    found = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        directory,
    )
    if found.returncode != 0:
        raise InputError(f"`{argument}` is neither a file nor a git revision")


def _git(arguments: list[str], directory: Path) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise InputError("git is not installed, so a git revision cannot be read")
    try:
        return subprocess.run(
            [git, *arguments], cwd=directory, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"could not run git: {error}") from None
