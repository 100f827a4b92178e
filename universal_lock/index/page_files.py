"""A page's files in compact form (one tuple per field), and the ``Distribution``s made from it.

Both page parsers produce ``FileEntry`` records; ``columns_of`` packs them into ``PageFiles``,
which holds only strings, numbers, ``None`` and tuples of them. That is what the cache stores
(``marshal`` reads it back much faster than the page's JSON or HTML can be parsed again), and
what ``to_distributions`` turns into the resolver's ``Distribution`` values. A warm lock thus
reads each page as a few flat tuples instead of decoding and walking the index's document.

Pure functions. Files we cannot use (eggs, ``.exe`` installers, names or versions that do not
parse) are skipped here, as pip and uv do.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
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
BuildTag = tuple[int, str] | tuple[()]
ParsedName = tuple[str, str, str, str, BuildTag]
"""What a filename says, parsed once when the page is fetched: ``(name, version, kind, tags,
build tag)`` with the version and the wheel's tag triple as text (``""`` for an sdist)."""
Column = tuple[str | int | bool | FlatHashes | ParsedName | None, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PageFiles:
    """The files of one page, field by field (the i-th item of each tuple is the i-th file).

    ``core_metadata`` holds ``False``, ``True`` or the metadata file's hashes (flattened);
    ``upload_times`` ISO 8601 text; ``parsed`` what each filename says, or ``None`` for a file
    that cannot be used; ``versions`` the PEP 700 list when the page had one.
    """

    filenames: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    hashes: tuple[FlatHashes, ...] = ()
    requires_python: tuple[str | None, ...] = ()
    yanked: tuple[str | None, ...] = ()
    core_metadata: tuple[bool | FlatHashes, ...] = ()
    sizes: tuple[int | None, ...] = ()
    upload_times: tuple[str | None, ...] = ()
    parsed: tuple[ParsedName | None, ...] = ()
    versions: tuple[str, ...] | None = None

    def as_tuple(self) -> tuple[Column | None, ...]:
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
        )

    @classmethod
    def from_tuple(cls, values: tuple[object, ...]) -> PageFiles:
        """Inverse of ``as_tuple``; ``ValueError`` if the shape is wrong (a damaged entry)."""
        if len(values) != 10:
            raise ValueError("not a page's files")
        *columns, versions = values
        lengths = {len(column) if isinstance(column, tuple) else -1 for column in columns}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError("the columns of a page's files are not tuples of one length")
        if versions is not None and not isinstance(versions, tuple):
            raise ValueError("not a page's versions")
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
        )


FileRow = tuple[
    str, str, FlatHashes, str | None, str | None, bool | FlatHashes, int | None, str | None
]
"""One file in the order of the first eight ``PageFiles`` columns: what a page parser gives
when it packs for the cache directly (the JSON parser does, skipping ``FileEntry``)."""


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
    return PageFiles(
        filenames=filenames,
        urls=urls,
        hashes=hashes,
        requires_python=requires_python,
        yanked=yanked,
        core_metadata=metadata,
        sizes=sizes,
        upload_times=uploaded,
        parsed=_parsed_names(filenames),
        versions=None if versions is None else tuple(versions),
    )


def _row(entry: FileEntry) -> FileRow:
    metadata = entry.core_metadata
    return (
        entry.filename,
        entry.url,
        flat_hashes(entry.hashes),
        entry.requires_python,
        entry.yanked,
        flat_hashes(metadata) if isinstance(metadata, Mapping) and metadata else bool(metadata),
        entry.size,
        None if entry.upload_time is None else entry.upload_time.isoformat(),
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
    # Equal texts become one object, which marshal then writes once and reads back shared.
    shared: dict[str, str] = {}
    # Printing a Version is slow; the wheels of a release share one object (parse caches).
    version_texts: dict[int, tuple[Version, str]] = {}
    result: list[ParsedName | None] = []
    for filename in filenames:
        parsed = parse_filename(filename)
        if parsed is None:
            result.append(None)
            continue
        known = version_texts.get(id(parsed.version))
        if known is None:
            # The Version is kept beside its text so that its id is not reused meanwhile.
            known = version_texts[id(parsed.version)] = (parsed.version, str(parsed.version))
        name, version = str(parsed.name), known[1]
        tags = wheel_tag_text(filename) if parsed.kind == "wheel" else ""
        result.append(
            (
                shared.setdefault(name, name),
                shared.setdefault(version, version),
                parsed.kind,
                shared.setdefault(tags, tags),
                parsed.build_tag,
            )
        )
    return tuple(result)


def flat_hashes(hashes: Mapping[str, str]) -> FlatHashes:
    """``{"sha256": "ab"}`` as ``("sha256", "ab")``; one string object per algorithm name."""
    return tuple(
        text for algorithm, digest in hashes.items() for text in (sys.intern(algorithm), digest)
    )


_NO_HASHES: Mapping[str, str] = MappingProxyType({})
_NO_TAGS: frozenset[Tag] = frozenset()


class FileHashes(Mapping[str, str]):
    """A file's hashes, read-only, over the flat tuple the cache stores.

    A large lock holds some 80,000 distributions, nearly all with one hash; this wrapper and
    its tuple take about 100 bytes, a one-item dict about 180.
    """

    __slots__ = ("_flat",)

    def __init__(self, flat: FlatHashes) -> None:
        self._flat = flat

    def __getitem__(self, algorithm: str) -> str:
        flat = self._flat
        for position in range(0, len(flat), 2):
            if flat[position] == algorithm:
                return flat[position + 1]
        raise KeyError(algorithm)

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat[::2])

    def __len__(self) -> int:
        return len(self._flat) // 2

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
        url=files.urls[row],
        index=index,
        name=NormalizedName(name),
        version=version,
        kind="wheel" if kind == "wheel" else "sdist",
        tags=wheel_tags(tag_text) if tag_text else _NO_TAGS,
        build_tag=build_tag,
        requires_python=requires_python_spec(files.requires_python[row]),
        yanked=files.yanked[row],
        hashes=_mapping(files.hashes[row]),
        size=files.sizes[row],
        upload_time=None if uploaded is None else upload_time(uploaded),
        core_metadata=bool(metadata),
        core_metadata_hashes=_mapping(metadata) if isinstance(metadata, tuple) else _NO_HASHES,
        path=None if local_dir is None else local_dir / filename,
    )


def _mapping(hashes: FlatHashes) -> Mapping[str, str]:
    # No hashes: one shared read-only mapping for every such file.
    return FileHashes(hashes) if hashes else _NO_HASHES


def upload_time(text: str) -> datetime | None:
    """An ``upload_times`` item as a datetime (``None`` if it does not read as one)."""
    try:
        return datetime.fromisoformat(text)
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
