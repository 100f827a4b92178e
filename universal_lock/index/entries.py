"""Listed files: the raw record both page parsers produce, and its conversion to ``Distribution``.

Pure functions. Real indexes list files we cannot use (eggs, ``.exe`` installers, names that do
not parse, versions that are not PEP 440); those are skipped, not errors, as pip and uv do.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import InvalidTag, Tag, parse_tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from universal_lock.index.models import DistKind, Distribution


@dataclass(frozen=True, slots=True, kw_only=True)
class FileEntry:
    """One link of a project page, before its filename is interpreted.

    ``url`` is absolute (resolved against the page) and has no fragment. ``yanked`` is ``None``
    or the reason; ``core_metadata`` is ``False``, ``True`` or the metadata file's hashes.
    """

    filename: str
    url: str
    hashes: Mapping[str, str] = field(default_factory=dict)
    requires_python: str | None = None
    yanked: str | None = None
    core_metadata: bool | Mapping[str, str] = False
    size: int | None = None
    upload_time: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFilename:
    """What a distribution's filename says about it."""

    name: NormalizedName
    version: Version
    kind: DistKind
    tags: frozenset[Tag] = frozenset()
    build_tag: tuple[int, str] | tuple[()] = ()


def parse_filename(filename: str) -> ParsedFilename | None:
    """Interpret a wheel or sdist filename; ``None`` for anything else or anything malformed."""
    try:
        if filename.endswith(".whl"):
            # A big project page lists thousands of wheels that share a few dozen
            # name-version prefixes and tag triples; parsing each part once is much faster.
            stem, sep, tag_text = filename[:-4].rpartition("-")
            stem, sep2, abi = stem.rpartition("-")
            stem, sep3, python = stem.rpartition("-")
            if not (sep and sep2 and sep3):
                return None
            name, version, build = _wheel_prefix(stem)
            tags = _tags(f"{python}-{abi}-{tag_text}")
            return ParsedFilename(
                name=name, version=version, kind="wheel", tags=tags, build_tag=build
            )
        if filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            return ParsedFilename(name=name, version=version, kind="sdist")
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion, InvalidTag):
        return None
    return None


@functools.lru_cache(maxsize=4096)
def _wheel_prefix(stem: str) -> tuple[NormalizedName, Version, tuple[int, str] | tuple[()]]:
    name, version, build, _tags = parse_wheel_filename(f"{stem}-py3-none-any.whl")
    return name, version, build


@functools.lru_cache(maxsize=4096)
def _tags(text: str) -> frozenset[Tag]:
    return frozenset(parse_tag(text))


def parse_upload_time(value: object) -> datetime | None:
    """PEP 700 ``upload-time`` (ISO 8601, ``Z`` suffix); ``None`` when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


_NO_HASHES: Mapping[str, str] = MappingProxyType({})


def to_distributions(
    entries: Iterable[FileEntry],
    *,
    index: str,
    project: NormalizedName | None,
    local_dir: Path | None = None,
) -> list[Distribution]:
    """Turn listed files into distributions, skipping what cannot be used.

    With ``project`` set, files of other projects are dropped (a simple page lists one
    project); a flat index passes ``None`` and keeps everything. ``local_dir`` marks files
    that live on the local disk, so their ``path`` is filled in.
    """
    result: list[Distribution] = []
    wanted = canonicalize_name(project) if project is not None else None
    for entry in entries:
        parsed = parse_filename(entry.filename)
        if parsed is None:
            continue
        if wanted is not None and parsed.name != wanted:
            continue
        core_metadata = entry.core_metadata
        result.append(
            Distribution(
                filename=entry.filename,
                url=entry.url,
                index=index,
                name=parsed.name,
                version=parsed.version,
                kind=parsed.kind,
                tags=parsed.tags,
                build_tag=parsed.build_tag,
                requires_python=_requires_python(entry.requires_python),
                yanked=entry.yanked,
                # Shared, not copied: nothing mutates them, and a large lock holds some
                # 70,000 distributions (one empty dict each was ~4 MiB of peak memory).
                hashes=entry.hashes or _NO_HASHES,
                size=entry.size,
                upload_time=entry.upload_time,
                core_metadata=bool(core_metadata),
                core_metadata_hashes=(
                    core_metadata
                    if isinstance(core_metadata, Mapping) and core_metadata
                    else _NO_HASHES
                ),
                path=None if local_dir is None else local_dir / entry.filename,
            )
        )
    return result


@functools.lru_cache(maxsize=1024)
def _requires_python(value: str | None) -> SpecifierSet | None:
    # Some old uploads carry junk here; pip ignores such a value and so do we.
    if not value or not value.strip():
        return None
    try:
        return SpecifierSet(value)
    except InvalidSpecifier:
        return None


def parse_hash_fragment(fragment: str) -> dict[str, str]:
    """``sha256=abc`` (a URL fragment or a PEP 658 attribute value) to ``{"sha256": "abc"}``."""
    algorithm, sep, digest = fragment.partition("=")
    if not sep or not algorithm or not digest:
        return {}
    return {algorithm.strip().lower(): digest.strip().lower()}
