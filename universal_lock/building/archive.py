"""Source distributions as archives: unpacking one safely, and reading one file from it.

An sdist is a ``.tar.gz`` (or another tar compression) or a ``.zip`` holding exactly one
top-level directory. Unpacking refuses members that would land outside the target (absolute
paths, ``..``, links pointing out): tar through the standard ``data`` filter, zip by checking
every name first. Reading one file (``top_level_file``) streams the archive's headers and
stops at that file, so nothing else is written or even decompressed past it.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from universal_lock.building.errors import BuildFailed

#: A pyproject.toml larger than this is not a real one; refusing it bounds what we read.
_MAX_MEMBER_BYTES = 1 << 20


def extract_sdist(sdist: Path, target: Path) -> Path:
    """Unpack ``sdist`` into ``target`` (created); return its one top-level directory.

    Raises ``BuildFailed`` for an unreadable archive, an unsafe member, or anything but
    exactly one top-level directory.
    """
    target.mkdir(parents=True, exist_ok=True)
    try:
        if _is_zip(sdist):
            with zipfile.ZipFile(sdist) as archive:
                for name in archive.namelist():
                    if not _is_safe(name):
                        raise BuildFailed(sdist.name, f"the archive has an unsafe member {name!r}")
                archive.extractall(target)
        else:
            with tarfile.open(sdist, "r:*") as archive:
                archive.extractall(target, filter="data")
    except tarfile.FilterError as error:
        raise BuildFailed(sdist.name, f"the archive has an unsafe member: {error}") from None
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise BuildFailed(sdist.name, f"cannot unpack the archive: {error}") from None
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    raise BuildFailed(sdist.name, "an sdist must hold exactly one top-level directory")


def top_level_file(sdist: Path, name: str) -> tuple[str, bytes | None]:
    """``(top, content)``: the archive's top-level directory and the bytes of ``top/name``,
    or ``None`` when there is no such file. Raises ``BuildFailed`` for an unreadable archive.

    The top-level directory is the first member's; the member is looked for only there.
    """
    try:
        if _is_zip(sdist):
            return _from_zip(sdist, name)
        return _from_tar(sdist, name)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise BuildFailed(sdist.name, f"cannot read the archive: {error}") from None


def _from_zip(sdist: Path, name: str) -> tuple[str, bytes | None]:
    with zipfile.ZipFile(sdist) as archive:
        infos = archive.infolist()
        if not infos:
            raise BuildFailed(sdist.name, "the archive is empty")
        top = PurePosixPath(infos[0].filename).parts[0]
        for info in infos:
            if PurePosixPath(info.filename).parts == (top, name) and not info.is_dir():
                _check_size(sdist, info.filename, info.file_size)
                return top, archive.read(info)
    return top, None


def _from_tar(sdist: Path, name: str) -> tuple[str, bytes | None]:
    top: str | None = None
    with tarfile.open(sdist, "r:*") as archive:
        # Iterating reads one header at a time: it stops decompressing where the file is.
        for member in archive:
            parts = PurePosixPath(member.name).parts
            if not parts:
                continue
            top = top or parts[0]
            if parts != (top, name):
                continue
            stream = archive.extractfile(member) if member.isfile() else None
            if stream is None:
                raise BuildFailed(sdist.name, f"`{member.name}` is not a regular file")
            _check_size(sdist, member.name, member.size)
            with stream:
                return top, stream.read()
    if top is None:
        raise BuildFailed(sdist.name, "the archive is empty")
    return top, None


def _check_size(sdist: Path, member: str, size: int) -> None:
    if size > _MAX_MEMBER_BYTES:
        raise BuildFailed(sdist.name, f"`{member}` is too large ({size} bytes)")


def _is_zip(sdist: Path) -> bool:
    return sdist.name.lower().endswith(".zip")


def _is_safe(name: str) -> bool:
    # Backslashes count as separators and a drive letter as absolute: the archive may have
    # been made on Windows, and unpacking must be safe wherever it runs.
    path = PurePosixPath(name.replace("\\", "/"))
    parts = path.parts
    return bool(parts) and not path.is_absolute() and ".." not in parts and ":" not in parts[0]
