"""The smallest exact forms of a page's values, as ``PageFiles`` keeps them (see there).

A large lock keeps the columns of pages listing some 70,000 files until it ends, so each
value is packed when a page is fetched: a lone sha256 as raw bytes, a URL without the page's
common prefix and the file's name, an upload time in UTC as microseconds, sizes and times as
8 bytes each in one object per page, a filename as the few parts the resolver reads. Every
packing here reads back exactly what it was given (or keeps the value as it was), so what a
``Distribution`` shows is what the index said.

Pure functions, and ``PackedInts``, the read-only sequence over packed integers.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast, overload

from packaging.version import Version

from universal_lock.index.entries import parse_filename, wheel_tag_text

FlatHashes = tuple[str, ...]
"""Hashes as ``(algorithm, digest, algorithm, digest, ...)``: a tuple marshals far faster than a
dict, and most files have exactly one pair."""
Hashes = bytes | FlatHashes
"""A file's hashes as stored: the raw 32-byte digest when the only hash is a sha256 (nearly
every file on the public index; 65 bytes where the tuple and its hex text take ~185), else
flat."""
UploadTime = int | str | None
"""An upload time as stored: microseconds since the epoch when it is in UTC, else ISO 8601
text (kept as given, so that its offset survives)."""
UrlItem = str | tuple[str]
"""A file's URL as stored, after the page's ``url_base``: the text between the base and the
filename when the URL ends with the filename (the usual case), else the rest in a 1-tuple."""
BuildTag = tuple[int, str] | tuple[()]
ParsedName = tuple[str, str, str, str, BuildTag]
"""What a filename says, parsed once when the page is fetched: ``(name, version, kind, tags,
build tag)`` with the version and the wheel's tag triple as text (``""`` for an sdist)."""

_NO_DIGEST = bytes(32)


def pack_digests(hashes: Sequence[Hashes]) -> tuple[bytes, tuple[Hashes | None, ...]]:
    if all(type(item) is bytes for item in hashes):  # every file has a lone sha256
        return b"".join(hashes), (None,) * len(hashes)  # type: ignore[arg-type]
    if not any(isinstance(item, bytes) for item in hashes):
        return b"", tuple(hashes)
    digests = b"".join(item if isinstance(item, bytes) else _NO_DIGEST for item in hashes)
    return digests, tuple(None if isinstance(item, bytes) else item for item in hashes)


def pack_url_dirs(items: Sequence[UrlItem]) -> tuple[int, str, tuple[UrlItem | None, ...]]:
    # The width is the first item's; items of other widths (or full URLs) stay in the tuple.
    first = items[0]
    if not isinstance(first, str):
        return 0, "", tuple(items)
    width = len(first)
    if all(type(item) is str for item in items) and set(map(len, items)) == {width}:
        return width, "".join(items), (None,) * len(items)  # type: ignore[arg-type]
    pad = "/" * width
    dirs = "".join(item if isinstance(item, str) and len(item) == width else pad for item in items)
    rest = tuple(None if isinstance(item, str) and len(item) == width else item for item in items)
    return width, dirs, rest


def split_urls(filenames: Sequence[str], urls: Sequence[str]) -> tuple[str, tuple[UrlItem, ...]]:
    # The base is the longest common prefix up to a "/"; on the public index it is the files
    # host and path, and what is left of a URL is its short hashed directory.
    base = _common_prefix(urls)
    base = base[: base.rfind("/") + 1]
    cut = len(base)
    # Exact by construction: base + url[cut:end] + filename is url.
    items: list[UrlItem] = [
        url[cut : len(url) - len(filename)]
        if len(url) - len(filename) >= cut and url.endswith(filename)
        else (url[cut:],)
        for filename, url in zip(filenames, urls, strict=True)
    ]
    return base, tuple(items)


def _common_prefix(texts: Sequence[str]) -> str:
    # The prefix all texts share is the one the smallest and the largest share.
    first, last = min(texts), max(texts)
    for position, character in enumerate(first):
        if last[position] != character:
            return first[:position]
    return first


def parsed_names(filenames: Iterable[str]) -> tuple[ParsedName | None, ...]:
    names = _NameReader()
    return tuple(map(names.read, filenames))


class _NameReader:
    """Reads a page's filenames into ``ParsedName``s, each distinct part once.

    A big page lists thousands of wheels that share a few dozen name-version prefixes and tag
    triples: a wheel's name is split here, and its prefix and its tag text are each judged
    once per page by ``parse_filename`` (on a stand-in filename that differs only in the
    other part, so the verdict and values are those of the whole name). Other files are
    parsed whole.
    """

    __slots__ = ("_prefixes", "_shared", "_tag_texts", "_version_texts")

    def __init__(self) -> None:
        # Equal texts become one object, which marshal then writes once and reads back shared.
        self._shared: dict[str, str] = {}
        # Printing a Version is slow; the wheels of a release share one object (parse caches).
        self._version_texts: dict[int, tuple[Version, str]] = {}
        self._prefixes: dict[str, tuple[str, str, BuildTag] | None] = {}
        self._tag_texts: dict[str, str | None] = {}

    def read(self, filename: str) -> ParsedName | None:
        if filename.endswith(".whl"):
            # The split ``parse_filename`` makes: the last three fields are the tags.
            stem, sep, platform = filename[:-4].rpartition("-")
            stem, sep2, abi = stem.rpartition("-")
            stem, sep3, python = stem.rpartition("-")
            if sep and sep2 and sep3:
                prefix = self._prefix(stem)
                tags = self._tags(f"{python}-{abi}-{platform}")
                if prefix is None or tags is None:
                    return None
                name, version, build_tag = prefix
                return (name, version, "wheel", tags, build_tag)
        parsed = parse_filename(filename)
        if parsed is None:
            return None
        name, version = self._texts(parsed.name, parsed.version)
        tags = self._share(wheel_tag_text(filename)) if parsed.kind == "wheel" else ""
        return (name, version, parsed.kind, tags, parsed.build_tag)

    def _prefix(self, stem: str) -> tuple[str, str, BuildTag] | None:
        known = self._prefixes.get(stem, _UNSEEN)
        if known is not _UNSEEN:
            return known  # type: ignore[return-value]
        parsed = parse_filename(f"{stem}-py3-none-any.whl")
        prefix = None
        if parsed is not None:
            name, version = self._texts(parsed.name, parsed.version)
            prefix = (name, version, parsed.build_tag)
        self._prefixes[stem] = prefix
        return prefix

    def _tags(self, text: str) -> str | None:
        known = self._tag_texts.get(text, _UNSEEN)
        if known is not _UNSEEN:
            return known  # type: ignore[return-value]
        valid = parse_filename(f"a-1-{text}.whl") is not None
        shared = self._tag_texts[text] = self._share(text) if valid else None
        return shared

    def _texts(self, name: str, version: Version) -> tuple[str, str]:
        known = self._version_texts.get(id(version))
        if known is None:
            # The Version is kept beside its text so that its id is not reused meanwhile.
            known = self._version_texts[id(version)] = (version, str(version))
        return self._share(str(name)), self._share(known[1])

    def _share(self, text: str) -> str:
        return self._shared.setdefault(text, text)


_UNSEEN = object()


def flat_hashes(hashes: Mapping[str, str]) -> FlatHashes:
    """``{"sha256": "ab"}`` as ``("sha256", "ab")``; one string object per algorithm name."""
    return tuple(
        text for algorithm, digest in hashes.items() for text in (sys.intern(algorithm), digest)
    )


def compact_hashes(hashes: Mapping[str, str]) -> Hashes:
    """``hashes`` as stored: the raw digest for a lone sha256 whose hex it gives back exactly
    (64 lowercase hex digits), else ``flat_hashes``."""
    if len(hashes) == 1:
        digest = hashes.get("sha256")
        if digest is not None:
            raw = sha256_bytes(digest)
            if raw is not None:
                return raw
    return flat_hashes(hashes)


def sha256_bytes(digest: str) -> bytes | None:
    """The 32 bytes of a sha256 written as 64 lowercase hex digits; ``None`` for any other
    text (which is then kept as text, so that it is shown as given)."""
    if len(digest) != 64:
        return None
    try:
        raw = bytes.fromhex(digest)
    except ValueError:
        return None
    # fromhex also reads upper case and skips spaces: only an exact round trip is stored.
    return raw if raw.hex() == digest else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_ZERO = timedelta(0)


def stored_time(moment: datetime | None) -> UploadTime:
    """An upload time as stored (``UploadTime``): microseconds when in UTC, else ISO text."""
    if moment is None:
        return None
    # ``fromisoformat`` gives the ``UTC`` object itself for "Z" and "+00:00" (identity is the
    # cheap test; any other zero offset is exact too).
    if moment.tzinfo is UTC or moment.utcoffset() == _ZERO:
        return (moment - _EPOCH) // _MICROSECOND
    return moment.isoformat()


def microseconds(moment: datetime) -> int | None:
    """``moment`` as microseconds since the epoch, if it has a time zone (else ``None``)."""
    if moment.utcoffset() is None:
        return None
    return (moment - _EPOCH) // _MICROSECOND


def upload_time(value: int | str) -> datetime | None:
    """An ``upload_times`` item as a datetime (``None`` if it does not read as one)."""
    if isinstance(value, int):
        return _EPOCH + value * _MICROSECOND
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


_INT64 = struct.Struct("<q")
_UNPACK = _INT64.unpack_from
_ABSENT = -(2**63)
"""What stands for ``None`` among packed integers (no size or time is this number)."""


class PackedInts(Sequence[int | None]):
    """A column of integers (or ``None``) as 8 little-endian bytes each, in one ``bytes``.

    A size or an upload time as an ``int`` object costs some 32 bytes and a slot of 8 in its
    column's tuple, and is one more small object among the tens of thousands a page leaves;
    here it is 8 bytes of one object.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        if len(data) % 8:
            raise ValueError("packed integers are 8 bytes each")
        self.data = data

    def __len__(self) -> int:
        return len(self.data) // 8

    @overload
    def __getitem__(self, row: int) -> int | None: ...

    @overload
    def __getitem__(self, row: slice) -> tuple[int | None, ...]: ...

    def __getitem__(self, row: int | slice) -> int | tuple[int | None, ...] | None:
        if row.__class__ is int and row >= 0:  # the usual question, answered first
            try:
                (value,) = _UNPACK(self.data, row << 3)
            except struct.error:
                raise IndexError(row) from None
            return None if value == _ABSENT else value
        if isinstance(row, slice):
            return tuple(self[index] for index in range(len(self))[row])
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        (value,) = _INT64.unpack_from(self.data, row * 8)
        return None if value == _ABSENT else value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedInts):
            return self.data == other.data
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"PackedInts({list(self)!r})"


_T = TypeVar("_T")


def packed_ints(values: tuple[_T, ...]) -> tuple[_T, ...] | PackedInts:
    """``values`` as ``PackedInts`` when they are all ``None`` or integers that fit (not
    bools, not the stand-in for ``None``); else the tuple as it was."""
    if not values or _ABSENT in values or any(value.__class__ is bool for value in values):
        return values
    try:
        # Anything but an int or None is refused by array (TypeError), as wanted.
        packed = array("q", cast(list[int], [_ABSENT if v is None else v for v in values]))
    except (TypeError, OverflowError):  # text (a time not in UTC), or a huge number
        return values
    if sys.byteorder == "big":
        packed.byteswap()  # stored little-endian, as read
    return PackedInts(packed.tobytes())
