"""What a virtual environment has installed: its ``.dist-info`` directories, read back.

Besides name and version, ulock reads what it wrote itself at install time: ``INSTALLER``,
``direct_url.json`` (PEP 610; the project installed from its directory, editable or not) and
``ulock_source.json`` (the sha256 of the file the distribution was installed from, so a file
whose hash changed in the lock is reinstalled even at the same version; and, for what ulock
built, a digest of the locked build environment, so a build against other build requirements
is redone).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

# A header's name: printable ASCII but space and colon (RFC 5322, as email's parser has it).
_FIELD_NAME = re.compile(r"[\041-\071\073-\176]*")

SOURCE_RECORD = "ulock_source.json"
"""The file in ``.dist-info`` where ulock records what it installed the distribution from."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InstalledDistribution:
    """One installed distribution.

    ``version`` is ``None`` when the metadata's version does not parse. ``source_sha256`` is
    set when ulock installed it from a file; ``directory_url`` and ``editable`` when it was
    installed from a local directory (PEP 610). ``build_digest`` identifies the locked build
    environment a distribution ulock built was built with.
    """

    name: NormalizedName
    version: Version | None
    version_text: str
    dist_info: Path
    installer: str | None = None
    source_sha256: str | None = None
    directory_url: str | None = None
    editable: bool = False
    build_digest: str | None = None


def installed_distributions(site_dirs: Iterable[Path]) -> tuple[InstalledDistribution, ...]:
    """Every distribution under the given site-packages directories, sorted by name."""
    found: dict[Path, InstalledDistribution] = {}
    for site in dict.fromkeys(site_dirs):
        if not site.is_dir():
            continue
        for dist_info in sorted(site.glob("*.dist-info")):
            read = _read(dist_info)
            if read is not None:
                found.setdefault(dist_info.resolve(), read)
    return tuple(sorted(found.values(), key=lambda dist: (dist.name, dist.version_text)))


def _read(dist_info: Path) -> InstalledDistribution | None:
    try:
        text = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not a distribution an installer finished; nothing to manage
    name, version_text = metadata_name_version(text)
    if not name or not version_text:
        return None
    try:
        version: Version | None = Version(version_text)
    except InvalidVersion:
        version = None
    installer = _text(dist_info / "INSTALLER")
    source = _json(dist_info / SOURCE_RECORD)
    direct = _json(dist_info / "direct_url.json")
    dir_info = direct.get("dir_info") if direct else None
    return InstalledDistribution(
        name=canonicalize_name(name),
        version=version,
        version_text=version_text,
        dist_info=dist_info,
        installer=installer,
        source_sha256=_string(source.get("sha256")) if source else None,
        build_digest=_string(source.get("build")) if source else None,
        directory_url=_string(direct.get("url")) if direct and isinstance(dir_info, dict) else None,
        editable=bool(dir_info.get("editable")) if isinstance(dir_info, dict) else False,
    )


def metadata_name_version(text: str) -> tuple[str | None, str | None]:
    """``Name`` and ``Version`` of a METADATA text, as ``email.parser.HeaderParser`` reads
    them (the first of each; the header block ends at a blank line or a line that is not a
    header), without importing the email package (~10 ms of a sync with nothing to do)."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines(keepends=True):
        if line[:1] in {" ", "\t"}:
            if current is not None:
                found[current] += line  # a folded value keeps its line breaks, as email's
            continue
        key, colon, value = line.partition(":")
        if not colon or not _FIELD_NAME.fullmatch(key):
            break
        current = None
        folded = key.lower()
        if folded in {"name", "version"} and folded not in found:
            current = folded
            found[folded] = value.lstrip(" \t")
    name, version = found.get("name"), found.get("version")
    return (
        name.rstrip("\r\n") if name is not None else None,
        version.rstrip("\r\n") if version is not None else None,
    )


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _json(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None
