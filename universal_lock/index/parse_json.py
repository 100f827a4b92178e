"""PEP 691 JSON project pages parsed into ``FileEntry`` records (with PEP 700 fields).

Pure: the decoded JSON and the page's URL in, entries out. A page that is not shaped like
PEP 691 raises ``MalformedPage`` (the index broke the protocol; the user must know).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from universal_lock.index.auth import redact_url
from universal_lock.index.entries import FileEntry, parse_upload_time
from universal_lock.index.errors import MalformedPage


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonPage:
    """The files of a JSON page, its PEP 700 ``versions`` (if given) and its API version."""

    entries: tuple[FileEntry, ...]
    versions: tuple[str, ...] | None
    api_version: str | None


def parse_json_page(data: object, page_url: str) -> JsonPage:
    """Parse a decoded PEP 691 project response found at ``page_url``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("files"), list):
        raise MalformedPage(page_url, "a JSON project page needs a `files` list")
    meta = data.get("meta")
    api_version = meta.get("api-version") if isinstance(meta, Mapping) else None
    entries = tuple(_entry(item, page_url) for item in data["files"])
    raw_versions = data.get("versions")
    versions = (
        tuple(str(version) for version in raw_versions) if isinstance(raw_versions, list) else None
    )
    return JsonPage(
        entries=entries,
        versions=versions,
        api_version=str(api_version) if api_version is not None else None,
    )


def _entry(item: object, page_url: str) -> FileEntry:
    if not isinstance(item, Mapping):
        raise MalformedPage(page_url, "each entry of `files` must be an object")
    url = item.get("url")
    if not isinstance(url, str):
        raise MalformedPage(page_url, "a file entry has no `url`")
    if url.startswith(("https://", "http://")) and "#" not in url:
        absolute = url  # the common case on big pages; urljoin is the slow part of parsing
    else:
        absolute, _fragment = urldefrag(urljoin(page_url, url))
    filename = item.get("filename")
    if not isinstance(filename, str) or not filename:
        filename = unquote(urlsplit(absolute).path.rsplit("/", 1)[-1])
    yanked = item.get("yanked", False)
    size = item.get("size")
    return FileEntry(
        filename=filename,
        url=redact_url(absolute),
        hashes=_hashes(item.get("hashes")),
        requires_python=_optional_str(item.get("requires-python")),
        yanked=(yanked if isinstance(yanked, str) else "") if yanked else None,
        core_metadata=_core_metadata(item),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        upload_time=parse_upload_time(item.get("upload-time")),
    )


def _core_metadata(item: Mapping[str, object]) -> bool | dict[str, str]:
    # PEP 714: "core-metadata" is the key; "dist-info-metadata" is the older spelling.
    value = item.get("core-metadata", item.get("dist-info-metadata", False))
    if isinstance(value, Mapping):
        return _hashes(value) or True
    return bool(value)


def _hashes(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    # One string object per algorithm name instead of one per file.
    return {
        sys.intern(str(key).lower()): digest.lower()
        for key, digest in value.items()
        if isinstance(digest, str)
    }


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
