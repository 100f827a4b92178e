"""A page's files in compact form (one tuple per field), and the ``Distribution``s made from it.

Both page parsers produce ``FileEntry`` records; ``columns_of`` packs them into ``PageFiles``,
which holds only strings, bytes, numbers, ``None`` and tuples of them. That is what the cache
stores (``marshal`` reads it back much faster than the page's JSON or HTML can be parsed again),
and
what ``to_distributions`` turns into the resolver's ``Distribution`` values. A warm lock thus
reads each page as a few flat tuples instead of decoding and walking the index's document.

Pure functions. Files we cannot use (eggs, ``.exe`` installers, names or versions that do not
parse) are skipped here, as pip and uv do.

The columns are kept for the whole lock (a large project's pages list some 70,000 files), so
each value is stored in its smallest exact form (``page_packing``): a lone sha256 as its 32 raw
bytes, an upload time in UTC as microseconds since the epoch, sizes and times 8 bytes each, a
URL without the page's common prefix and the file's name, equal Requires-Python texts as one
object. What a ``Distribution`` shows is rebuilt from these, character for character, when the
file is first asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from universal_lock.index.entries import FileEntry, parse_filename, wheel_tag_text, wheel_tags
from universal_lock.index.models import Distribution
from universal_lock.index.page_packing import (
    BuildTag,
    Hashes,
    PackedInts,
    ParsedName,
    UploadTime,
    UrlItem,
    compact_hashes,
    pack_digests,
    pack_url_dirs,
    packed_ints,
    parsed_names,
    split_urls,
    stored_time,
    upload_time,
)

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
    sizes: tuple[int | None, ...] | PackedInts = ()
    upload_times: tuple[UploadTime, ...] | PackedInts = ()
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
            _stored(self.sizes),
            _stored(self.upload_times),
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
        # Sizes and upload times may be packed integers, stored as their bytes.
        columns[6:8] = [PackedInts(c) if isinstance(c, bytes) else c for c in columns[6:8]]
        lengths = {len(c) if isinstance(c, tuple | PackedInts) else -1 for c in columns}
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
            sizes=columns[6],  # type: ignore[arg-type]
            upload_times=columns[7],  # type: ignore[arg-type]
            parsed=values[8],  # type: ignore[arg-type]
            versions=versions,
            url_base=url_base,
            url_dirs=url_dirs,
            url_width=url_width,
            digests=digests,
        )


def _stored(column: tuple[int | str | None, ...] | PackedInts) -> Column | bytes:
    return column.data if isinstance(column, PackedInts) else column


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
    url_base, url_items = split_urls(filenames, urls)
    url_width, url_dirs, url_rest = pack_url_dirs(url_items)
    digests, other_hashes = pack_digests(hashes)
    # Equal texts as one object (a page repeats a few; decoded JSON has one string per file).
    shared: dict[str | None, str | None] = {}
    return PageFiles(
        filenames=filenames,
        urls=url_rest,
        hashes=other_hashes,
        requires_python=tuple(map(shared.setdefault, requires_python, requires_python)),
        yanked=yanked,
        core_metadata=metadata,
        sizes=packed_ints(sizes),
        upload_times=packed_ints(uploaded),
        parsed=parsed_names(filenames),
        versions=None if versions is None else tuple(versions),
        url_base=url_base,
        url_dirs=url_dirs,
        url_width=url_width,
        digests=digests,
    )


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
