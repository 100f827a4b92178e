"""Changing the environment one distribution at a time, so that a failure leaves it usable.

Installing a wheel (with ``installer``: entry-point scripts, ``RECORD``, ``INSTALLER = ulock``)
writes through a destination that remembers every file it wrote: when the install fails those
files are deleted again. Replacing or removing a distribution first moves its files (listed in
its ``RECORD``) into a backup directory beside the environment's files; if the new version then
fails to install, the backup is moved back. So after any failure each distribution is either
its old version or its new one, never half of each.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from installer import install
from installer.destinations import SchemeDictionaryDestination
from installer.sources import WheelFile

from universal_lock.errors import UlockError
from universal_lock.installer.fetch import Fetched
from universal_lock.installer.installed import SOURCE_RECORD, InstalledDistribution
from universal_lock.installer.interpreter import Interpreter


class InstallFailed(UlockError):
    """A wheel could not be installed or a distribution could not be removed."""


@dataclass  # not slots: a slotted subclass breaks the zero-argument super() it relies on
class _RecordingDestination(SchemeDictionaryDestination):
    """``installer``'s scheme destination, remembering each file it writes (for rollback)."""

    written: list[Path] = field(default_factory=list)

    def write_to_fs(self, scheme: Any, path: str, stream: Any, is_executable: bool) -> Any:
        target = self._path_with_destdir(scheme, path)
        self.written.append(target)
        return super().write_to_fs(scheme, path, stream, is_executable)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stash:
    """Files of one distribution moved aside: (original path, backup path) pairs."""

    name: str
    moved: tuple[tuple[Path, Path], ...]
    directory: Path


class Environment:
    """The target environment's files; ``backup_root`` must be on the same filesystem."""

    def __init__(self, interpreter: Interpreter, backup_root: Path) -> None:
        self._interpreter = interpreter
        self._backup_root = backup_root
        self._prefix = Path(os.path.abspath(interpreter.prefix))  # noqa: PTH100 - no symlinks
        # Pruning empty directories must never remove a scheme directory or its parents.
        places = [Path(os.path.abspath(place)) for place in interpreter.paths.values()]  # noqa: PTH100
        self._keep = frozenset(parent for place in places for parent in (place, *place.parents))
        self._stashes = 0

    def install_wheel(
        self,
        wheel: Fetched,
        *,
        source_sha256: str | None = None,
        direct_url: Mapping[str, Any] | None = None,
        build_digest: str | None = None,
    ) -> None:
        """Install ``wheel`` (a file, or verified bytes in memory); on failure remove what
        was written and raise ``InstallFailed``."""
        paths = self._interpreter.paths
        destination = _RecordingDestination(
            {
                "purelib": paths["purelib"],
                "platlib": paths["platlib"],
                "headers": paths.get("include", paths["purelib"]),
                "scripts": paths["scripts"],
                "data": paths["data"],
            },
            interpreter=str(self._interpreter.executable),
            script_kind=_script_kind(self._interpreter),
            overwrite_existing=True,
        )
        metadata = {"INSTALLER": b"ulock\n"}
        record = {"sha256": source_sha256, "build": build_digest}
        record = {key: value for key, value in record.items() if value is not None}
        if record:
            metadata[SOURCE_RECORD] = json.dumps(record).encode()
        if direct_url is not None:
            metadata["direct_url.json"] = json.dumps(dict(direct_url)).encode()
        try:
            with _open_wheel(wheel) as source:
                install(source, destination, metadata)
        except BaseException as error:
            # Also on Ctrl-C: a half-written distribution must not stay behind.
            for path in reversed(destination.written):
                path.unlink(missing_ok=True)
                _prune_empty(path.parent, self._prefix, self._keep)
            if not isinstance(error, Exception):
                raise
            raise InstallFailed(f"installing `{wheel.name}` failed: {error}") from None

    def stash(self, dist: InstalledDistribution) -> Stash:
        """Move every file of ``dist`` aside (see ``restore`` and ``discard``)."""
        self._stashes += 1
        directory = self._backup_root / f"{self._stashes}-{dist.name}"
        moved: list[tuple[Path, Path]] = []
        try:
            for number, path in enumerate(self._files_of(dist)):
                backup = directory / str(number)
                backup.parent.mkdir(parents=True, exist_ok=True)
                path.replace(backup)
                moved.append((path, backup))
        except BaseException as error:
            # Also on Ctrl-C: a distribution is never left half moved away.
            self.restore(Stash(name=dist.name, moved=tuple(moved), directory=directory))
            if not isinstance(error, OSError):
                raise
            raise InstallFailed(f"removing `{dist.name}` failed: {error}") from None
        for original, _ in moved:
            _prune_empty(original.parent, self._prefix, self._keep)
        return Stash(name=dist.name, moved=tuple(moved), directory=directory)

    def restore(self, stash: Stash) -> None:
        """Put a stashed distribution back."""
        for original, backup in reversed(stash.moved):
            original.parent.mkdir(parents=True, exist_ok=True)
            backup.replace(original)
        shutil.rmtree(stash.directory, ignore_errors=True)

    @staticmethod
    def discard(stash: Stash) -> None:
        """Delete a stashed distribution for good."""
        shutil.rmtree(stash.directory, ignore_errors=True)

    def _files_of(self, dist: InstalledDistribution) -> list[Path]:
        record = dist.dist_info / "RECORD"
        try:
            with record.open(encoding="utf-8", newline="") as stream:
                rows = list(csv.reader(stream))
        except OSError:
            raise InstallFailed(
                f"cannot remove `{dist.name}`: it has no RECORD file",
                hint=f"delete `{dist.dist_info}` and the package's files by hand",
            ) from None
        site = dist.dist_info.parent
        files: dict[Path, None] = {}
        for row in rows:
            if not row or not row[0]:
                continue
            path = Path(os.path.abspath(site / row[0]))  # noqa: PTH100 - keep symlinks as-is
            if not path.is_relative_to(self._prefix):
                continue  # never touch files outside the environment
            if path.is_file() or path.is_symlink():
                files[path] = None
            if path.suffix == ".py":
                cache = path.parent / "__pycache__"
                for compiled in cache.glob(f"{path.stem}.*.pyc"):
                    files[compiled] = None
        for leftover in dist.dist_info.rglob("*"):
            if leftover.is_file():
                files[leftover] = None
        return list(files)


@contextmanager
def _open_wheel(wheel: Fetched) -> Iterator[WheelFile]:
    if isinstance(wheel, Path):
        with WheelFile.open(wheel) as source:
            yield source
        return
    with zipfile.ZipFile(io.BytesIO(wheel.data)) as archive:
        # WheelFile reads the distribution's name and version from the archive's file name.
        archive.filename = wheel.name
        yield WheelFile(archive)


def _prune_empty(directory: Path, stop: Path, keep: frozenset[Path]) -> None:
    """Remove empty directories from ``directory`` up to ``stop``, sparing those in ``keep``."""
    current = directory
    while current != stop and current.is_relative_to(stop) and current not in keep:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent


def _script_kind(interpreter: Interpreter) -> Any:
    if interpreter.environment["os_name"] != "nt":
        return "posix"
    machine = interpreter.environment["platform_machine"].lower()
    return {"arm64": "win-arm64", "x86": "win-ia32"}.get(machine, "win-amd64")
