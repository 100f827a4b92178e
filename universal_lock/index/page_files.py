"""A page's files in compact form (one tuple per field), and the ``Distribution``s made from it.

Both page parsers produce ``FileEntry`` records; ``columns_of`` packs them into ``PageFiles``,
which holds only strings, bytes, numbers, ``None`` and tuples of them. That is what the cache stores
(``marshal`` reads it back much faster than the page's JSON or HTML can be parsed again), and
what ``to_distributions`` turns into the resolver's ``Distribution`` values. A warm lock thus
reads each page as a few flat tuples instead of decoding and walking the index's document.

Pure functions. Files we cannot use (eggs, ``.exe`` installers, names or versions that do not
parse) are skipped here, as pip and uv do.

The columns are kept for the whole lock (a large project's pages list some 70,000 files), so
each value is stored in its smallest exact form: a lone sha256 as its 32 raw bytes, an upload
time in UTC as microseconds since the epoch, a URL without the page's common prefix and the
file's name, equal Requires-Python texts as one object. What a ``Distribution`` shows is
rebuilt from these, character for character, when the file is first asked for.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from universal_lock.index.entries import FileEntry, parse_filename, wheel_tag_text, wheel_tags
from universal_lock.index.models import Distribution

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
Column = tuple[str | int | bool | Hashes | UrlItem | ParsedName | None, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PageFiles:
    """The files of one page, field by field (the i-th item of each tuple is the i-th file).

    ``urls`` (``UrlItem``) follow ``url_base``, the prefix the page's URLs share; ``hashes``
    are ``Hashes``; ``core_metadata`` holds ``False``, ``True`` or the metadata file's hashes;
    ``upload_times`` ``UploadTime``; ``parsed`` what each filename says, or ``None`` for a file
    that cannot be used; ``versions`` the PEP 700 list when the page had one.

    Two columns are mostly in one object for the whole page, with ``None`` in the tuple where
    a row's value is there: ``digests``, the rows' lone sha256 digests (32 bytes a row), and
    ``url_dirs``, their URL items when these all have one length (the public index's hashed
    directories do), ``url_width`` characters a row. One object holds a column's values at
    a few bytes each, where one object a row costs some 50 more (see ``url`` and ``hashes_at``).
    """

    filenames: tuple[str, ...] = ()
    urls: tuple[UrlItem | None, ...] = ()
    hashes: tuple[Hashes | None, ...] = ()
    requires_python: tuple[str | None, ...] = ()
    yanked: tuple[str | None, ...] = ()
    core_metadata: tuple[bool | Hashes, ...] = ()
    sizes: tuple[int | None, ...] = ()
    upload_times: tuple[UploadTime, ...] = ()
    parsed: tuple[ParsedName | None, ...] = ()
    versions: tuple[str, ...] | None = None
    url_base: str = ""
    url_dirs: str = ""
    url_width: int = 0
    digests: bytes = b""

    def url(self, row: int) -> str:
        """The full URL of the file in ``row``."""
        item = self.urls[row]
        if item is None:
            width = self.url_width
            item = self.url_dirs[row * width : row * width + width]
        if isinstance(item, str):
            return self.url_base + item + self.filenames[row]
        return self.url_base + item[0]

    def hashes_at(self, row: int) -> Hashes:
        """The stored hashes of the file in ``row`` (``Hashes``)."""
        item = self.hashes[row]
        if item is None:
            return self.digests[row * 32 : row * 32 + 32]
        return item

    def as_tuple(self) -> tuple[Column | str | int | bytes | None, ...]:
        """The fields in declaration order (what the cache stores)."""
        return (
            self.filenames,
            self.urls,
            self.hashes,
            self.requires_python,
            self.yanked,
            self.core_metadata,
            self.sizes,
            self.upload_times,
            self.parsed,
            self.versions,
            self.url_base,
            self.url_dirs,
            self.url_width,
            self.digests,
        )

    @classmethod
    def from_tuple(cls, values: tuple[object, ...]) -> PageFiles:
        """Inverse of ``as_tuple``; ``ValueError`` if the shape is wrong (a damaged entry)."""
        if len(values) != 14:
            raise ValueError("not a page's files")
        *columns, versions, url_base, url_dirs, url_width, digests = values
        lengths = {len(column) if isinstance(column, tuple) else -1 for column in columns}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError("the columns of a page's files are not tuples of one length")
        if versions is not None and not isinstance(versions, tuple):
            raise ValueError("not a page's versions")
        (rows,) = lengths
        if not (
            isinstance(url_base, str)
            and isinstance(url_dirs, str)
            and isinstance(url_width, int)
            and len(url_dirs) == rows * url_width
            and isinstance(digests, bytes)
            and len(digests) in (0, rows * 32)
        ):
            raise ValueError("not a page's URLs and digests")
        # The element types are those ``as_tuple`` wrote: the entry was written whole
        # (atomic replace) by this format, which the cache checked before calling.
        return cls(
            filenames=values[0],  # type: ignore[arg-type]
            urls=values[1],  # type: ignore[arg-type]
            hashes=values[2],  # type: ignore[arg-type]
            requires_python=values[3],  # type: ignore[arg-type]
            yanked=values[4],  # type: ignore[arg-type]
            core_metadata=values[5],  # type: ignore[arg-type]
            sizes=values[6],  # type: ignore[arg-type]
            upload_times=values[7],  # type: ignore[arg-type]
            parsed=values[8],  # type: ignore[arg-type]
            versions=versions,
            url_base=url_base,
            url_dirs=url_dirs,
            url_width=url_width,
            digests=digests,
        )


FileRow = tuple[str, str, Hashes, str | None, str | None, bool | Hashes, int | None, UploadTime]
"""One file in the order of the first eight ``PageFiles`` columns, the URL in full: what a
page parser gives when it packs for the cache directly (the JSON parser does, skipping
``FileEntry``)."""


def columns_of(entries: Iterable[FileEntry], *, versions: Iterable[str] | None = None) -> PageFiles:
    """Pack parsed entries (and a page's PEP 700 versions) into ``PageFiles``."""
    return columns_of_rows([_row(entry) for entry in entries], versions=versions)


def columns_of_rows(rows: list[FileRow], *, versions: Iterable[str] | None = None) -> PageFiles:
    """Pack rows (``FileRow``) and a page's PEP 700 versions into ``PageFiles``."""
    if not rows:
        return PageFiles(versions=None if versions is None else tuple(versions))
    filenames, urls, hashes, requires_python, yanked, metadata, sizes, uploaded = zip(
        *rows, strict=True
    )
    url_base, url_items = _split_urls(filenames, urls)
    url_width, url_dirs, url_rest = _pack_url_dirs(url_items)
    digests, other_hashes = _pack_digests(hashes)
    # Equal texts as one object (a page repeats a few; decoded JSON has one string per file).
    shared: dict[str | None, str | None] = {}
    return PageFiles(
        filenames=filenames,
        urls=url_rest,
        hashes=other_hashes,
        requires_python=tuple(map(shared.setdefault, requires_python, requires_python)),
        yanked=yanked,
        core_metadata=metadata,
        sizes=sizes,
        upload_times=uploaded,
        parsed=_parsed_names(filenames),
        versions=None if versions is None else tuple(versions),
        url_base=url_base,
        url_dirs=url_dirs,
        url_width=url_width,
        digests=digests,
    )


_NO_DIGEST = bytes(32)


def _pack_digests(hashes: Sequence[Hashes]) -> tuple[bytes, tuple[Hashes | None, ...]]:
    if all(type(item) is bytes for item in hashes):  # every file has a lone sha256
        return b"".join(hashes), (None,) * len(hashes)  # type: ignore[arg-type]
    if not any(isinstance(item, bytes) for item in hashes):
        return b"", tuple(hashes)
    digests = b"".join(item if isinstance(item, bytes) else _NO_DIGEST for item in hashes)
    return digests, tuple(None if isinstance(item, bytes) else item for item in hashes)


def _pack_url_dirs(items: Sequence[UrlItem]) -> tuple[int, str, tuple[UrlItem | None, ...]]:
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


def _split_urls(filenames: Sequence[str], urls: Sequence[str]) -> tuple[str, tuple[UrlItem, ...]]:
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


def _row(entry: FileEntry) -> FileRow:
    metadata = entry.core_metadata
    return (
        entry.filename,
        entry.url,
        compact_hashes(entry.hashes),
        entry.requires_python,
        entry.yanked,
        compact_hashes(metadata) if isinstance(metadata, Mapping) and metadata else bool(metadata),
        entry.size,
        stored_time(entry.upload_time),
    )


def reparsed(filename: str, *, name: str, version_text: str) -> ParsedName:
    """The ``parsed`` item of a usable file again, when its name and version are known.

    Cheap (no version parsing): the kind from the suffix, the tags from the last three
    fields; only a wheel with a build tag (a sixth field, rare) is parsed in full.
    """
    if not filename.endswith(".whl"):
        return (name, version_text, "sdist", "", ())
    build_tag: BuildTag = ()
    if filename.count("-") == 5:
        parsed = parse_filename(filename)
        assert parsed is not None
        build_tag = parsed.build_tag
    return (name, version_text, "wheel", wheel_tag_text(filename), build_tag)


def _parsed_names(filenames: Iterable[str]) -> tuple[ParsedName | None, ...]:
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


_NO_HASHES: Mapping[str, str] = MappingProxyType({})
_NO_TAGS: frozenset[Tag] = frozenset()


class FileHashes(Mapping[str, str]):
    """A file's hashes, read-only, over what the cache stores (``Hashes``).

    Distributions are built only for the files the resolver looks at, but each keeps its
    hashes: this wrapper over the stored value is smaller than a one-item dict, and a raw
    sha256 is written as hex only when somebody reads it (a lock entry, a download check).
    """

    __slots__ = ("_flat",)

    def __init__(self, flat: Hashes) -> None:
        self._flat = flat

    def __getitem__(self, algorithm: str) -> str:
        flat = self._flat
        if isinstance(flat, bytes):
            if algorithm == "sha256":
                return flat.hex()
            raise KeyError(algorithm)
        for position in range(0, len(flat), 2):
            if flat[position] == algorithm:
                return flat[position + 1]
        raise KeyError(algorithm)

    def __iter__(self) -> Iterator[str]:
        if isinstance(self._flat, bytes):
            return iter(("sha256",))
        return iter(self._flat[::2])

    def __len__(self) -> int:
        return 1 if isinstance(self._flat, bytes) else len(self._flat) // 2

    def __repr__(self) -> str:
        return f"FileHashes({dict(self)!r})"


def to_distributions(
    files: PageFiles,
    *,
    index: str,
    project: str | None,
    local_dir: Path | None = None,
) -> list[Distribution]:
    """The usable files as distributions, in page order.

    With ``project`` set, files of other projects are dropped (a simple page lists one
    project); a flat index passes ``None`` and keeps everything. ``local_dir`` marks files
    that live on the local disk, so their ``path`` is filled in.
    """
    wanted = canonicalize_name(project) if project is not None else None
    # The files of one release share one Version object.
    versions: dict[str, Version] = {}
    result: list[Distribution] = []
    for row, parsed in enumerate(files.parsed):
        if parsed is None or (wanted is not None and parsed[0] != wanted):
            continue
        version = versions.get(parsed[1])
        if version is None:
            version = versions[parsed[1]] = Version(parsed[1])
        result.append(
            distribution_at(files, row, index=index, version=version, local_dir=local_dir)
        )
    return result


def distribution_at(
    files: PageFiles,
    row: int,
    *,
    index: str,
    version: Version,
    local_dir: Path | None = None,
    parsed: ParsedName | None = None,
) -> Distribution:
    """The ``Distribution`` of the file in ``row`` (which must be usable: ``parsed`` set).

    ``version`` is the parsed version text as a ``Version``, passed in so that the files of
    one release can share one object; ``parsed`` is what the filename says, when the
    caller has it (else it is read from the ``parsed`` column).
    """
    if parsed is None:
        parsed = files.parsed[row]
    assert parsed is not None
    name, _version_text, kind, tag_text, build_tag = parsed
    filename = files.filenames[row]
    metadata = files.core_metadata[row]
    uploaded = files.upload_times[row]
    return Distribution(
        filename=filename,
        url=files.url(row),
        index=index,
        name=NormalizedName(name),
        version=version,
        kind="wheel" if kind == "wheel" else "sdist",
        tags=wheel_tags(tag_text) if tag_text else _NO_TAGS,
        build_tag=build_tag,
        requires_python=requires_python_spec(files.requires_python[row]),
        yanked=files.yanked[row],
        hashes=_mapping(files.hashes_at(row)),
        size=files.sizes[row],
        upload_time=None if uploaded is None else upload_time(uploaded),
        core_metadata=bool(metadata),
        core_metadata_hashes=(_NO_HASHES if isinstance(metadata, bool) else _mapping(metadata)),
        path=None if local_dir is None else local_dir / filename,
    )


def _mapping(hashes: Hashes) -> Mapping[str, str]:
    # No hashes: one shared read-only mapping for every such file.
    return FileHashes(hashes) if hashes else _NO_HASHES


def upload_time(value: int | str) -> datetime | None:
    """An ``upload_times`` item as a datetime (``None`` if it does not read as one)."""
    if isinstance(value, int):
        return _EPOCH + value * _MICROSECOND
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def requires_python_spec(value: str | None) -> SpecifierSet | None:
    """A ``requires_python`` item as a specifier set; ``None`` when absent or unreadable."""
    # Some old uploads carry junk here; pip ignores such a value and so do we.
    if not value or not value.strip():
        return None
    try:
        return SpecifierSet(value)
    except InvalidSpecifier:
        return None
