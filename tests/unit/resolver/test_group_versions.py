"""Versions from a page's columns equal versions from its distributions, and files are lazy.

The oracle is the grouping ulock did before listings were lazy: build every file's
``Distribution``, then group them one by one. The lazy grouping reads the page's columns and
must say the same (versions and their spelling, Requires-Python ranges, yanked, files in
order) while building only the files somebody asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from universal_lock.index import Distribution, page_files
from universal_lock.index.entries import FileEntry
from universal_lock.index.listing import FileListing
from universal_lock.index.page_files import PageFiles, columns_of, to_distributions
from universal_lock.resolver.candidates import VersionFiles, group_versions
from universal_lock.solver import FULL

_FILENAMES = st.sampled_from(
    [
        "demo-1.0.tar.gz",
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",  # another spelling of 1.0
        "demo-1.0-1-py3-none-any.whl",  # a build tag
        "demo-2.0+cpu-cp311-cp311-win_amd64.whl",  # a local version
        "demo-2.0-cp311-cp311-win_amd64.whl",
        "demo-2.0.zip",
        "demo-3.0rc1-py3-none-any.whl",
        "other-1.0.tar.gz",  # another project (a simple page drops it)
        "demo-1.0.exe",  # unusable
    ]
)
_UPLOADS = st.none() | st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2024, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
)
_ENTRIES = st.builds(
    FileEntry,
    filename=_FILENAMES,
    url=st.sampled_from(["https://files.example/a", "https://files.example/b"]),
    hashes=st.sampled_from([{}, {"sha256": "ab"}, {"sha256": "cd", "md5": "ef"}]),
    requires_python=st.none()
    | st.sampled_from([">=3.8", ">= 3.8", "junk>>", " ", "<3.10,>=3.7", ">=3.11"]),
    yanked=st.none() | st.sampled_from(["", "broken"]),
    core_metadata=st.booleans() | st.just({"sha256": "12"}),
    size=st.none() | st.integers(0, 10_000),
    upload_time=_UPLOADS,
)
_CUTOFFS = st.none() | st.sampled_from(
    [datetime(2022, 1, 1, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=timezone(timedelta(hours=-5)))]
)


def _eager_groups(dists: Sequence[Distribution], exclude_newer: datetime | None) -> list[tuple]:
    """The grouping before lazy listings: every file built, then grouped one by one."""
    by_version: dict[Version, list[Distribution]] = {}
    for dist in dists:
        uploaded = dist.upload_time
        if exclude_newer is not None and uploaded is not None and uploaded > exclude_newer:
            continue
        by_version.setdefault(dist.version, []).append(dist)
    result = []
    for version in sorted(by_version):
        files = by_version[version]
        usable = [dist for dist in files if dist.yanked is None] or files
        python: VersionRange | None = FULL
        specs = [dist.requires_python for dist in usable]
        if all(spec is not None for spec in specs):
            python = None
            for spec in specs:
                assert spec is not None
                piece = SpecifierSet(str(spec), prereleases=True).to_range()
                python = piece if python is None else python | piece
        result.append(
            (
                str(version),
                python,
                all(dist.yanked is not None for dist in files),
                tuple(sorted(usable, key=lambda dist: dist.filename)),
            )
        )
    return result


def _range(text: str) -> VersionRange:
    return SpecifierSet(text, prereleases=True).to_range()


def _said(groups: Sequence[VersionFiles]) -> list[tuple]:
    return [(str(g.version), g.python, g.yanked, g.files) for g in groups]


def _listing(entries: Sequence[FileEntry], index: str = "main") -> FileListing:
    # Through the cache's form, as a warm lock reads it.
    files = PageFiles.from_tuple(columns_of(entries).as_tuple())
    return FileListing(files, index=index, name=canonicalize_name("demo"))


@given(st.lists(_ENTRIES, max_size=12), _CUTOFFS)
def test_a_lazy_listing_groups_as_the_built_files_do(
    entries: list[FileEntry], exclude_newer: datetime | None
) -> None:
    dists = to_distributions(columns_of(entries), index="main", project="demo")
    expected = _eager_groups(dists, exclude_newer)
    lazy = group_versions([_listing(entries)], exclude_newer)
    assert _said(lazy) == expected
    # The listing of already built distributions (flat indexes, local files) agrees too.
    eager = group_versions(
        [FileListing.of_distributions(dists, index="main", name=canonicalize_name("demo"))],
        exclude_newer,
    )
    assert _said(eager) == expected


@given(st.lists(_ENTRIES, max_size=8), st.lists(_ENTRIES, max_size=8), _CUTOFFS)
def test_pages_of_two_indexes_merge_as_their_files_did(
    first: list[FileEntry], second: list[FileEntry], exclude_newer: datetime | None
) -> None:
    dists = [
        *to_distributions(columns_of(first), index="private", project="demo"),
        *to_distributions(columns_of(second), index="public", project="demo"),
    ]
    lazy = group_versions([_listing(first, "private"), _listing(second, "public")], exclude_newer)
    assert _said(lazy) == _eager_groups(dists, exclude_newer)


def _entry(filename: str, **fields: object) -> FileEntry:
    return FileEntry(filename=filename, url=f"https://files.example/{filename}", **fields)  # type: ignore[arg-type]


def test_the_listing_says_python_and_yanked_without_building_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []

    class CountedDistribution(Distribution):
        __slots__ = ()

        def __init__(self, **fields: object) -> None:
            built.append(str(fields["filename"]))
            super().__init__(**fields)  # type: ignore[arg-type]

    monkeypatch.setattr(page_files, "Distribution", CountedDistribution)
    listing = _listing(
        [
            _entry("demo-1.0-py3-none-any.whl", requires_python=">=3.7", yanked="bad"),
            _entry("demo-1.0.tar.gz", requires_python=">=3.7", yanked=""),
            _entry("demo-2.0-py3-none-any.whl", requires_python=">=3.9"),
            _entry("demo-2.0.tar.gz", requires_python=">=3.8", yanked="bad"),
            _entry("demo-2.0+cu121-cp312-cp312-linux_x86_64.whl", requires_python=">=3.12"),
            _entry("demo-3.0-py3-none-any.whl"),
            _entry(
                "demo-4.0-py3-none-any.whl",
                upload_time=datetime(2030, 1, 1, tzinfo=UTC),
                requires_python=">=3.13",
            ),
        ]
    )
    cutoff = datetime(2025, 1, 1, tzinfo=UTC)
    versions = group_versions([listing], cutoff)

    assert [str(entry.version) for entry in versions] == ["1.0", "2.0", "2.0+cu121", "3.0"]
    one, two, local, three = versions
    assert (one.yanked, two.yanked, local.yanked, three.yanked) == (True, False, False, False)
    assert one.python == _range(">=3.7")
    assert two.python == _range(">=3.9")  # the yanked sdist does not count
    assert local.python == _range(">=3.12")
    assert three.python == FULL
    assert built == [] and listing.built_count == 0
    assert not any(entry.held.built for entry in versions)

    (wheel,) = two.files
    assert wheel.filename == "demo-2.0-py3-none-any.whl"
    assert wheel.requires_python == SpecifierSet(">=3.9")
    assert built == ["demo-2.0-py3-none-any.whl"]
    assert two.held.built and not one.held.built and not three.held.built
    # Asked again (or from another grouping of the same listing): no new object.
    assert two.files[0] is wheel
    assert group_versions([listing], cutoff)[1].files[0] is wheel
    assert [dist.filename for dist in one.files] == [
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.tar.gz",
    ]
    assert len(built) == 3 and listing.built_count == 3


def test_the_files_of_a_version_share_the_listing_version_object() -> None:
    listing = _listing([_entry("demo-1.0-py3-none-any.whl"), _entry("demo-1.0.tar.gz")])
    (entry,) = group_versions([listing], None)
    wheel, sdist = entry.files
    assert wheel.version is sdist.version is entry.version


def test_every_distribution_of_a_listing_in_page_order() -> None:
    entries = [
        _entry("demo-2.0.tar.gz"),
        _entry("other-1.0.tar.gz"),
        _entry("demo-1.0.tar.gz"),
        _entry("demo-2.0-py3-none-any.whl"),
    ]
    listing = _listing(entries)
    assert listing.distributions() == to_distributions(
        columns_of(entries), index="main", project="demo"
    )
