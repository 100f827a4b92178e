"""Listed files: the raw record both page parsers produce, and what a filename says.

Pure functions. Real indexes list files we cannot use (eggs, ``.exe`` installers, names that do
not parse, versions that are not PEP 440): ``parse_filename`` gives ``None`` for those, and
``page_files.to_distributions`` skips them, as pip and uv do.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from packaging.tags import InvalidTag, Tag, parse_tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from universal_lock.index.models import DistKind


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


def wheel_tags(text: str) -> frozenset[Tag]:
    """The tags of a wheel's ``python-abi-platform`` text (shared by the wheels that have it)."""
    return _tags(text)


def wheel_tag_text(filename: str) -> str:
    """The ``python-abi-platform`` part of a wheel's filename (the last three fields)."""
    stem, _sep, platform = filename.removesuffix(".whl").rpartition("-")
    stem, _sep, abi = stem.rpartition("-")
    _stem, _sep, python = stem.rpartition("-")
    return f"{python}-{abi}-{platform}"


def parse_upload_time(value: object) -> datetime | None:
    """PEP 700 ``upload-time`` (ISO 8601, ``Z`` suffix); ``None`` when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_hash_fragment(fragment: str) -> dict[str, str]:
    """``sha256=abc`` (a URL fragment or a PEP 658 attribute value) to ``{"sha256": "abc"}``."""
    algorithm, sep, digest = fragment.partition("=")
    if not sep or not algorithm or not digest:
        return {}
    return {algorithm.strip().lower(): digest.strip().lower()}
