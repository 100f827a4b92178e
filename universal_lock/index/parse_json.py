"""PEP 691 JSON project pages parsed into ``FileEntry`` records (with PEP 700 fields).

Pure: the decoded JSON and the page's URL in, entries out (``parse_json_page``), or the
compact ``PageFiles`` the cache stores, made straight from the JSON (``json_page_files``).
A page that is not shaped like PEP 691 raises ``MalformedPage`` (the index broke the
protocol; the user must know).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from universal_lock.index.auth import redact_url
from universal_lock.index.entries import FileEntry, parse_upload_time
from universal_lock.index.errors import MalformedPage
from universal_lock.index.page_files import FileRow, PageFiles, columns_of_rows
from universal_lock.index.page_packing import Hashes, compact_hashes, stored_time, upload_time


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonPage:
    """The files of a JSON page, its PEP 700 ``versions`` (if given) and its API version."""

    entries: tuple[FileEntry, ...]
    versions: tuple[str, ...] | None
    api_version: str | None


def parse_json_page(data: object, page_url: str) -> JsonPage:
    """Parse a decoded PEP 691 project response found at ``page_url``."""
    files, versions, api_version = _document(data, page_url)
    return JsonPage(
        entries=tuple(_entry(_row(item, page_url)) for item in files),
        versions=versions,
        api_version=api_version,
    )


def json_page_files(data: object, page_url: str) -> PageFiles:
    """The same page packed for the cache: ``PageFiles`` straight from the JSON, without
    making a ``FileEntry`` per file (a cold lock of a large project parses some 90,000)."""
    files, versions, _api_version = _document(data, page_url)
    return columns_of_rows([_row(item, page_url) for item in files], versions=versions)


def _document(
    data: object, page_url: str
) -> tuple[list[object], tuple[str, ...] | None, str | None]:
    if not isinstance(data, Mapping) or not isinstance(data.get("files"), list):
        raise MalformedPage(page_url, "a JSON project page needs a `files` list")
    meta = data.get("meta")
    api_version = meta.get("api-version") if isinstance(meta, Mapping) else None
    raw_versions = data.get("versions")
    versions = (
        tuple(str(version) for version in raw_versions) if isinstance(raw_versions, list) else None
    )
    return data["files"], versions, str(api_version) if api_version is not None else None


def _entry(row: FileRow) -> FileEntry:
    filename, url, hashes, requires_python, yanked, metadata, size, uploaded = row
    return FileEntry(
        filename=filename,
        url=url,
        hashes=_dict(hashes),
        requires_python=requires_python,
        yanked=yanked,
        core_metadata=metadata if isinstance(metadata, bool) else _dict(metadata),
        size=size,
        upload_time=None if uploaded is None else upload_time(uploaded),
    )


def _dict(hashes: Hashes) -> dict[str, str]:
    if isinstance(hashes, bytes):
        return {"sha256": hashes.hex()}
    return dict(zip(hashes[::2], hashes[1::2], strict=True))


def _row(item: object, page_url: str) -> FileRow:
    if not isinstance(item, Mapping):
        raise MalformedPage(page_url, "each entry of `files` must be an object")
    url = item.get("url")
    if not isinstance(url, str):
        raise MalformedPage(page_url, "a file entry has no `url`")
    absolute = absolute_url(page_url, url)
    filename = item.get("filename")
    if not isinstance(filename, str) or not filename:
        filename = unquote(urlsplit(absolute).path.rsplit("/", 1)[-1])
    yanked = item.get("yanked", False)
    size = item.get("size")
    uploaded = item.get("upload-time")
    return (
        filename,
        redact_url(absolute),
        _flat(item.get("hashes")),
        _optional_str(item.get("requires-python")),
        (yanked if isinstance(yanked, str) else "") if yanked else None,
        _core_metadata(item),
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        # A time that does not read as one is dropped.
        stored_time(parse_upload_time(uploaded)),
    )


def absolute_url(page_url: str, url: str) -> str:
    """``url`` resolved against the page's URL, without a fragment (``urljoin`` and
    ``urldefrag``, which are the slow part of parsing a page: most files are done faster)."""
    if url.startswith(("https://", "http://")) and "#" not in url:
        return url  # the common case on big pages
    if page_url.startswith(_RELATIVE_SCHEMES) and _PLAIN_RELATIVE.fullmatch(url):
        # A plain relative path: the directory part is resolved once per page (dot segments
        # and all), then the last segment, which is plain, is appended as urljoin would.
        head, _slash, tail = url.rpartition("/")
        # "./" is the page's own directory: "./x" resolves as "x" does.
        return _directory(page_url, head or ".") + tail
    absolute, _fragment = urldefrag(urljoin(page_url, url))
    return absolute


# A relative path of plain segments (RFC 3986 unreserved characters and sub-delimiters but
# ";"), each non-empty, the last not "." or "..": no scheme, query, fragment, parameters,
# percent-escapes, leading "/" or characters that urlsplit strips or drops.
_RELATIVE_SCHEMES = ("https://", "http://", "file://")  # urljoin resolves paths against these
_SEGMENT = r"[A-Za-z0-9._~!$&'()*+,=@-]+"
_PLAIN_RELATIVE = re.compile(rf"(?:{_SEGMENT}/)*(?!\.\.?$){_SEGMENT}")


@functools.lru_cache(maxsize=1024)
def _directory(page_url: str, head: str) -> str:
    return urljoin(page_url, head + "/")


def _core_metadata(item: Mapping[str, object]) -> bool | Hashes:
    # PEP 714: "core-metadata" is the key; "dist-info-metadata" is the older spelling.
    value = item.get("core-metadata", item.get("dist-info-metadata", False))
    if isinstance(value, Mapping):
        return _flat(value) or True
    return bool(value)


def _flat(value: object) -> Hashes:
    if isinstance(value, Mapping) and len(value) == 1:
        # The usual case (one sha256), without building a dict first.
        ((key, digest),) = value.items()
        if not isinstance(digest, str):
            return ()
        algorithm = sys.intern(str(key).lower())
        if algorithm == "sha256" and len(digest) == 64:
            try:
                raw = bytes.fromhex(digest)
            except ValueError:
                raw = b""
            # 32 bytes from 64 characters: no spaces were skipped, so the lowercase hex of
            # ``raw`` is the lowercased digest (what the text would have been stored as).
            if len(raw) == 32:
                return raw
        return (algorithm, digest.lower())
    return compact_hashes(_hashes(value))


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
