"""What one index lists for one project, read from the page's columns, files built on demand.

A large lock reads pages that list some 70,000 files, of which the resolver looks at the
files of a few hundred versions. ``FileListing`` keeps the page's ``PageFiles`` columns and
answers, per version, from those columns alone (which rows, yanked or not, Requires-Python,
upload time); a file's ``Distribution`` is built the first time somebody asks for it, and
kept. ``LazyFiles`` is the holder of one version's files until then.

Flat indexes, local simple pages and ``path`` / ``url`` sources are small and are listed
eagerly (``FileListing.of_distributions``): the same questions, answered from the
distributions already built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from universal_lock.index.models import Distribution
from universal_lock.index.page_files import PageFiles, distribution_at, reparsed
from universal_lock.index.page_packing import UploadTime, microseconds, stored_time, upload_time

VersionRows = list[tuple[Version, list[int]]]
"""Versions with the rows of their files, in the order their first file is listed."""


class FileListing:
    """The usable files of one project on one index (or one flat listing, or one file).

    The columns ``filenames``, ``yanked``, ``requires_python`` (text) and ``upload_times``
    (as the page stores them: ``UploadTime``) are indexed by row, like the page's;
    ``version_rows`` says which rows belong to which version. Read-only once made (the built
    distributions are a cache).
    """

    __slots__ = (
        "_built",
        "_by_cutoff",
        "_files",
        "_version_objects",
        "_versions",
        "filenames",
        "from_cache",
        "index",
        "listed_versions",
        "name",
        "requires_python",
        "upload_times",
        "yanked",
    )

    def __init__(
        self,
        files: PageFiles,
        *,
        index: str,
        name: NormalizedName,
        from_cache: bool = False,
    ) -> None:
        self.index = index
        self.name = canonicalize_name(name)
        self.from_cache = from_cache
        self.listed_versions = files.versions
        """The page's PEP 700 ``versions`` list (text), when it had one."""
        self.filenames = files.filenames
        self.yanked = files.yanked
        self.requires_python = files.requires_python
        self.upload_times = files.upload_times
        self._files: PageFiles | None = files
        self._built: dict[int, Distribution] = {}
        self._versions: VersionRows | None = None
        self._version_objects: dict[str, Version] = {}
        self._by_cutoff: dict[datetime, VersionRows] = {}

    @classmethod
    def of_distributions(
        cls, dists: Sequence[Distribution], *, index: str, name: NormalizedName
    ) -> FileListing:
        """A listing of distributions already built (flat indexes, local files)."""
        listing = cls(PageFiles(), index=index, name=name)
        listing._files = None
        listing.filenames = tuple(dist.filename for dist in dists)
        listing.yanked = tuple(dist.yanked for dist in dists)
        listing.requires_python = tuple(
            None if dist.requires_python is None else str(dist.requires_python) for dist in dists
        )
        listing.upload_times = tuple(stored_time(dist.upload_time) for dist in dists)
        listing._built = dict(enumerate(dists))
        # By spelling, as a page's rows are: ``1.0`` and ``1.0.0`` are joined later.
        grouped: dict[str, tuple[Version, list[int]]] = {}
        for row, dist in enumerate(dists):
            grouped.setdefault(str(dist.version), (dist.version, []))[1].append(row)
        listing._versions = list(grouped.values())
        return listing

    def version_rows(self, exclude_newer: datetime | None = None) -> VersionRows:
        """Each version with the rows of its files, files uploaded after ``exclude_newer``
        dropped (files without an upload time kept), versions ordered by their first kept row.

        Versions spelled differently (``1.0`` and ``1.0.0``) are separate items here: they
        are the same version, and ``group_versions`` joins them.
        """
        everything = self._versions
        if everything is None:
            everything = self._versions = self._group()
        if exclude_newer is None:
            return everything
        known = self._by_cutoff.get(exclude_newer)
        if known is None:
            known = self._by_cutoff[exclude_newer] = _cut(
                everything, self.upload_times, exclude_newer
            )
        return known

    def distribution(self, row: int, version: Version) -> Distribution:
        """The distribution of the file in ``row``, which ``version_rows`` listed under
        ``version``; built on the first ask and then kept."""
        built = self._built.get(row)
        if built is None:
            files = self._files
            assert files is not None  # a listing of built distributions has them all
            parsed = reparsed(self.filenames[row], name=self.name, version_text="")
            built = distribution_at(files, row, index=self.index, version=version, parsed=parsed)
            self._built[row] = built
        return built

    def distributions(self) -> list[Distribution]:
        """Every usable file, in page order (this builds them all)."""
        refs = sorted((row, version) for version, rows in self.version_rows() for row in rows)
        return [self.distribution(row, version) for row, version in refs]

    @property
    def built_count(self) -> int:
        """How many distributions exist so far (for tests and measurements)."""
        return len(self._built)

    def _group(self) -> VersionRows:
        files = self._files
        assert files is not None
        wanted = self.name
        by_text: dict[str, list[int]] = {}
        for row, parsed in enumerate(files.parsed):
            if parsed is None or parsed[0] != wanted:
                continue
            rows = by_text.get(parsed[1])
            if rows is None:
                rows = by_text[parsed[1]] = []
            rows.append(row)
        # What is kept until files are built, kept small: the parsed filenames are dropped
        # (what a built file needs of them is cheap to read again: ``reparsed``). Equal
        # Requires-Python texts are already one object (``columns_of_rows``).
        self._files = replace(files, parsed=())
        return [(self._version_of(text), rows) for text, rows in by_text.items()]

    def _version_of(self, text: str) -> Version:
        # One Version object per release text, shared by its files and the listing.
        versions = self._version_objects
        version = versions.get(text)
        if version is None:
            version = versions[text] = Version(text)
        return version


def _cut(
    everything: VersionRows, upload_times: Sequence[UploadTime], cutoff: datetime
) -> VersionRows:
    kept: VersionRows = []
    cutoff_us = microseconds(cutoff)
    for version, rows in everything:
        remaining = [row for row in rows if not _newer(upload_times[row], cutoff, cutoff_us)]
        if len(remaining) == len(rows):
            kept.append((version, rows))
        elif remaining:
            kept.append((version, remaining))
    # The first kept file decides which spelling of a version comes first (as it did when
    # the files were grouped one by one).
    kept.sort(key=lambda item: item[1][0])
    return kept


def _newer(value: UploadTime, cutoff: datetime, cutoff_us: int | None) -> bool:
    if isinstance(value, int) and cutoff_us is not None:
        return value > cutoff_us  # both in microseconds since the epoch
    uploaded = None if value is None else upload_time(value)
    return uploaded is not None and uploaded > cutoff


class LazyFiles:
    """The files of one version, as rows of listings until somebody asks for them.

    ``files()`` builds them once, sorted by filename (stable: equal names keep listing
    order), and drops the rows.
    """

    __slots__ = ("_files", "_parts")

    def __init__(self, parts: Iterable[tuple[FileListing, Sequence[int], Version]]) -> None:
        """``parts``: listings, each with rows of its own and the version they were listed
        under (an item of ``FileListing.version_rows``)."""
        self._parts: tuple[tuple[FileListing, Sequence[int], Version], ...] | None = tuple(parts)
        self._files: tuple[Distribution, ...] = ()

    @classmethod
    def of(cls, files: Iterable[Distribution]) -> LazyFiles:
        """A holder of files already built."""
        holder = cls(())
        holder._parts = None
        holder._files = tuple(files)
        return holder

    @property
    def built(self) -> bool:
        """Whether the distributions exist yet."""
        return self._parts is None

    def files(self) -> tuple[Distribution, ...]:
        """The distributions, sorted by filename."""
        parts = self._parts
        if parts is not None:
            refs = [(listing, row, version) for listing, rows, version in parts for row in rows]
            refs.sort(key=lambda ref: ref[0].filenames[ref[1]])
            self._files = tuple(
                listing.distribution(row, version) for listing, row, version in refs
            )
            self._parts = None
        return self._files
