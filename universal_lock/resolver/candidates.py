"""Which versions of a package may be tried, and in which order. Pure.

The policy is applied here and nowhere else: exclude-newer (by upload time), yanked files
(usable only where the project itself pins that version with ``==``), pre-releases
(``if-necessary-or-explicit`` by default: only when every version of the package is a
pre-release, or the project's own requirements name a pre-release of it), the resolution
strategy (highest, lowest, lowest-direct) and preferences (the previous lock, and versions
other forks already chose).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal

from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.index import Distribution
from universal_lock.index.listing import FileListing, LazyFiles
from universal_lock.index.page_files import requires_python_spec
from universal_lock.solver import FULL, contains

PrereleaseMode = Literal[
    "disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"
]
ResolutionMode = Literal["highest", "lowest", "lowest-direct"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The user's choices that decide between candidate versions."""

    prerelease: PrereleaseMode = "if-necessary-or-explicit"
    resolution: ResolutionMode = "highest"
    exclude_newer: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionFiles:
    """One version of a package with its usable files from one source.

    ``python`` is the union of the files' Requires-Python: the interpreters for which at
    least one file of this version may be installed. ``held`` holds the files; ``files``
    builds them on the first ask (the resolver looks at the files of few versions).
    """

    version: Version
    python: VersionRange
    yanked: bool
    held: LazyFiles = field(compare=False, repr=False)

    @property
    def files(self) -> tuple[Distribution, ...]:
        """The usable files, sorted by filename."""
        return self.held.files()

    @classmethod
    def of(
        cls, *, version: Version, files: Iterable[Distribution], python: VersionRange, yanked: bool
    ) -> VersionFiles:
        """A version whose files are already built."""
        return cls(version=version, python=python, yanked=yanked, held=LazyFiles.of(files))


def group_versions(
    listings: Iterable[FileListing], exclude_newer: datetime | None
) -> list[VersionFiles]:
    """Group files by version (ascending), dropping files uploaded after ``exclude_newer``.

    Files without an upload time are kept when ``exclude_newer`` is set: the index did not
    say, and dropping them would empty every index that does not report upload times.
    Yanked files are dropped from a version that has other files; a version whose files are
    all yanked keeps them and is ``yanked``. Reads the listings' columns only: no file's
    ``Distribution`` is built here.
    """
    by_version: dict[Version, list[tuple[FileListing, list[int], Version]]] = {}
    for listing in listings:
        for version, rows in listing.version_rows(exclude_newer):
            parts = by_version.get(version)
            if parts is None:
                by_version[version] = [(listing, rows, version)]
            else:
                parts.append((listing, rows, version))
    grouped: list[VersionFiles] = []
    for version in sorted(by_version):
        parts = by_version[version]
        if len(parts) == 1:  # the common case, without the general case's lists
            listing, rows, spelled = parts[0]
            usable_rows = _unyanked(listing, rows)
            yanked = not usable_rows
            usable = [(listing, rows if yanked else usable_rows, spelled)]
        else:
            usable = [
                (listing, _unyanked(listing, rows), spelled) for listing, rows, spelled in parts
            ]
            yanked = not any(rows for _listing, rows, _spelled in usable)
            if yanked:
                usable = parts
        grouped.append(
            VersionFiles(
                version=version,
                python=_python_union(usable),
                yanked=yanked,
                held=LazyFiles(usable),
            )
        )
    return grouped


def _unyanked(listing: FileListing, rows: list[int]) -> list[int]:
    marks = listing.yanked
    for row in rows:
        if marks[row] is not None:
            return [row for row in rows if marks[row] is None]
    return rows  # nothing yanked (the common case): the listing's own list, no copy


def _python_union(parts: Sequence[tuple[FileListing, Sequence[int], Version]]) -> VersionRange:
    if len(parts) == 1:
        listing, rows, _version = parts[0]
        return _union_of_texts(frozenset(map(listing.requires_python.__getitem__, rows)))
    texts: set[str | None] = set()
    for listing, rows, _version in parts:
        texts.update(map(listing.requires_python.__getitem__, rows))
    return _union_of_texts(frozenset(texts))


@lru_cache(maxsize=4096)
def _union_of_texts(texts: frozenset[str | None]) -> VersionRange:
    """The union of the Requires-Python texts of a version's files (a project repeats a few
    texts on many versions); a file without one (or with junk) allows every Python."""
    specifiers: set[str] = set()
    for text in texts:
        specifier = requires_python_spec(text)
        if specifier is None:
            return FULL
        specifiers.add(str(specifier))
    return _union_of(frozenset(specifiers)) if specifiers else FULL


@lru_cache(maxsize=4096)
def _union_of(specifiers: frozenset[str]) -> VersionRange:
    """The union of Requires-Python ranges (a project repeats a few strings on many files)."""
    python: VersionRange | None = None
    for text in sorted(specifiers):
        spec = SpecifierSet(text, prereleases=True).to_range()
        python = spec if python is None else python | spec
    assert python is not None
    return python


def ordered(
    versions: Sequence[VersionFiles],
    allowed: VersionRange,
    *,
    policy: Policy,
    explicit_prerelease: bool,
    direct: bool,
    preferences: Sequence[Version] = (),
    yanked_pins: Collection[Version] = (),
) -> list[VersionFiles]:
    """The candidates within ``allowed`` in the order they should be tried.

    ``yanked_pins`` are the versions the project pins exactly (``==``) in its own
    requirements, constraints or overrides: only those may be yanked. A pin deep in the
    graph does not count (PEP 592 leaves this to the tool; uv and ulock require the user's
    own pin, so a yanked release is never picked without the project saying so).
    Pre-releases are "necessary" when the package has no final release at all, not merely
    none inside ``allowed``: a range that only pre-releases satisfy is an unsatisfiable
    range, not an opt-in.
    """
    listing = _listing(versions)
    has_final = listing.has_final
    allow_pre = {
        "allow": True,
        "disallow": False,
        "explicit": explicit_prerelease,
        "if-necessary": not has_final,
        "if-necessary-or-explicit": explicit_prerelease or not has_final,
    }[policy.prerelease]
    inside = listing.within(allowed, allow_pre, yanked_pins)
    lowest_first = policy.resolution == "lowest" or (
        policy.resolution == "lowest-direct" and direct
    )
    ranked = list(inside) if lowest_first else list(reversed(inside))
    if preferences:
        by_version = {entry.version: entry for entry in ranked}
        preferred = [by_version[v] for v in dict.fromkeys(preferences) if v in by_version]
        chosen = {entry.version for entry in preferred}
        ranked = preferred + [entry for entry in ranked if entry.version not in chosen]
    return ranked


# ``ordered`` runs for every decision the solver makes, again after each backjump, with the
# same listing and, mostly, the same range object (the solver's summaries are stable
# objects). So what it derives from a listing is remembered per listing object, with a copy
# of its entries that must still compare equal (cheap: they are the same objects), and the
# filtering per range object (the entry keeps the range alive, so its id is not reused).
_LISTINGS_LIMIT = 1 << 12


class _Listing:
    """What ``ordered`` derives from one listing, remembered while the listing is unchanged."""

    __slots__ = ("_by_range", "entries", "has_final")

    def __init__(self, entries: list[VersionFiles]) -> None:
        self.entries = entries
        self.has_final = any(not entry.version.is_prerelease for entry in entries)
        self._by_range: dict[
            tuple[int, bool, frozenset[Version]], tuple[VersionRange, tuple[VersionFiles, ...]]
        ] = {}

    def within(
        self, allowed: VersionRange, allow_pre: bool, yanked_pins: Collection[Version]
    ) -> tuple[VersionFiles, ...]:
        """The entries in ``allowed``: pre-releases only if ``allow_pre``, yanked only if pinned."""
        pins = yanked_pins if isinstance(yanked_pins, frozenset) else frozenset(yanked_pins)
        key = (id(allowed), allow_pre, pins)
        found = self._by_range.get(key)
        if found is not None:
            return found[1]
        inside = tuple(
            entry
            for entry in self.entries
            if contains(allowed, entry.version)
            and (allow_pre or not entry.version.is_prerelease)
            and (not entry.yanked or entry.version in pins)
        )
        self._by_range[key] = (allowed, inside)
        return inside


_listings: dict[int, _Listing] = {}


def _listing(versions: Sequence[VersionFiles]) -> _Listing:
    entries = versions if isinstance(versions, list) else list(versions)
    known = _listings.get(id(versions))
    if known is None or known.entries != entries:
        if len(_listings) >= _LISTINGS_LIMIT:
            _listings.clear()
        known = _listings[id(versions)] = _Listing(list(entries))
    return known


def exact_pin(allowed: VersionRange) -> Version | None:
    """The one version ``allowed`` pins with ``==`` (not a wildcard), if it is such a pin."""
    specifier = allowed.to_specifier_set()
    if specifier is None or len(specifier) != 1:
        return None
    (only,) = tuple(specifier)
    if only.operator in ("==", "===") and "*" not in only.version:
        return Version(only.version)
    return None


def project_pins(ranges: Iterable[tuple[str, VersionRange]]) -> dict[str, frozenset[Version]]:
    """The versions pinned with ``==`` among the project's own ranges, by package name.

    Pass the project's requirements, constraints and overrides: these are the only pins
    that let a yanked release be used (see :func:`ordered`).
    """
    pins: dict[str, set[Version]] = {}
    for name, versions in ranges:
        pinned = exact_pin(versions)
        if pinned is not None:
            pins.setdefault(name, set()).add(pinned)
    return {name: frozenset(versions) for name, versions in pins.items()}
