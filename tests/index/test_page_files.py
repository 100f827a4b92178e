"""The compact form of a page's files: what the cache stores gives the same distributions.

A warm lock builds its distributions from ``PageFiles`` read back from the cache, a cold one
from ``PageFiles`` made right after parsing; both must equal what the parsed entries say.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from universal_lock.index.cache import CachedPage, DiskCache
from universal_lock.index.entries import FileEntry, parse_filename, wheel_tags
from universal_lock.index.listing import FileListing
from universal_lock.index.page_files import FileHashes, PageFiles, columns_of, to_distributions
from universal_lock.index.page_packing import PackedInts, upload_time
from universal_lock.index.parse_json import json_page_files, parse_json_page

_FILENAMES = st.sampled_from(
    [
        "demo-1.0.tar.gz",
        "demo-1.0-py3-none-any.whl",
        "demo-2.0rc1-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "demo-2.0.zip",
        "Demo_Pkg-3.1.post2-py2.py3-none-any.whl",
        "other-1.0.tar.gz",
        "demo-1.0.exe",
        "demo-not.a.version-py3-none-any.whl",
        "démo-1.0.tar.gz",
    ]
)
_DIGESTS = (
    st.text("0123456789abcdef", min_size=1, max_size=64)
    # sha256-sized: stored as raw bytes only when the hex reads back exactly.
    | st.text("0123456789abcdef", min_size=64, max_size=64)
    | st.text("0123456789abcdefABCDEF ", min_size=64, max_size=64)
)
_HASHES = st.dictionaries(st.sampled_from(["sha256", "md5", "blake2b"]), _DIGESTS, max_size=2)
_TIMES = st.none() | st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=7))]),
)
_ENTRIES = st.builds(
    FileEntry,
    filename=_FILENAMES,
    url=st.text(max_size=40).map(lambda tail: f"https://files.example/{tail}")
    | st.builds(
        "{}{}{}".format,
        st.sampled_from(["https://files.example/", "https://other.example/x/", "file:///d/"]),
        st.sampled_from(["", "ab/cd/0123/", "a/"]),
        _FILENAMES,
    ),
    hashes=_HASHES,
    requires_python=st.none() | st.sampled_from([">=3.8", "junk>>", " ", "!=3.0.*,>=2.7"]),
    yanked=st.none() | st.text(max_size=10),
    core_metadata=st.booleans() | _HASHES,
    size=st.none() | st.integers(0, 2**62),
    upload_time=_TIMES,
)


def _expected(entry: FileEntry) -> dict[str, object]:
    """What a distribution must say about ``entry``, from the entry alone."""
    metadata = entry.core_metadata
    try:
        requires_python = SpecifierSet(entry.requires_python or "") or None
    except ValueError:
        requires_python = None
    return {
        "filename": entry.filename,
        "url": entry.url,
        "hashes": dict(entry.hashes),
        "requires_python": requires_python,
        "yanked": entry.yanked,
        "core_metadata": bool(metadata),
        "core_metadata_hashes": dict(metadata) if not isinstance(metadata, bool) else {},
        "size": entry.size,
        "upload_time": entry.upload_time,
    }


def _said(dist: object) -> dict[str, object]:
    said = {key: getattr(dist, key) for key in _expected(FileEntry(filename="x", url="u"))}
    said["hashes"] = dict(said["hashes"])  # type: ignore[call-overload]
    said["core_metadata_hashes"] = dict(said["core_metadata_hashes"])  # type: ignore[call-overload]
    return said


@given(st.lists(_ENTRIES, max_size=8), st.none() | st.lists(st.text(max_size=5), max_size=3))
def test_distributions_read_back_from_the_cache_say_what_the_page_said(
    tmp_path_factory, entries: list[FileEntry], versions: list[str] | None
) -> None:
    files = columns_of(entries, versions=versions)
    cache = DiskCache(tmp_path_factory.mktemp("cache"))
    page = CachedPage(
        url="https://index.example/simple/demo/",
        content_type="application/vnd.pypi.simple.v1+json",
        files=files,
        etag='"v1"',
        last_modified=None,
        fetched_at=1000.0,
        max_age=None,
        no_cache=False,
    )
    cache.write_page("idx", canonicalize_name("demo"), page)
    read = cache.read_page("idx", canonicalize_name("demo"))
    assert read == page
    assert read is not None
    assert read.files.versions == (None if versions is None else tuple(versions))

    usable = [entry for entry in entries if parse_filename(entry.filename) is not None]
    flat = to_distributions(read.files, index="flat", project=None)
    assert [_said(dist) for dist in flat] == [_expected(entry) for entry in usable]
    for dist in flat:
        parsed = parse_filename(dist.filename)
        assert parsed is not None
        said = (dist.name, dist.version, dist.kind, dist.tags, dist.build_tag)
        assert said == (parsed.name, parsed.version, parsed.kind, parsed.tags, parsed.build_tag)
        assert dist.index == "flat" and dist.path is None

    demo = to_distributions(read.files, index="main", project="Demo")
    assert [dist.filename for dist in demo] == [
        entry.filename
        for entry in usable
        if parse_filename(entry.filename).name == "demo"  # type: ignore[union-attr]
    ]


def test_a_json_page_round_trips_through_the_compact_form() -> None:
    page = parse_json_page(
        {
            "meta": {"api-version": "1.1"},
            "versions": ["1.0", "2.0"],
            "files": [
                {
                    "filename": "demo-1.0.tar.gz",
                    "url": "../../files/demo-1.0.tar.gz",
                    "hashes": {"SHA256": "AB12"},
                    "upload-time": "2024-05-01T10:20:30.123456Z",
                    "core-metadata": {"sha256": "cd34"},
                    "size": 1234,
                    "yanked": "broken",
                }
            ],
        },
        "https://index.example/simple/demo/",
    )
    files = columns_of(page.entries, versions=page.versions)
    (dist,) = to_distributions(PageFiles.from_tuple(files.as_tuple()), index="i", project="demo")
    assert dist.url == "https://index.example/files/demo-1.0.tar.gz"
    assert dist.hashes == {"sha256": "ab12"} and dist.sha256 == "ab12"
    assert dist.core_metadata and dist.core_metadata_hashes == {"sha256": "cd34"}
    assert dist.upload_time == datetime(2024, 5, 1, 10, 20, 30, 123456, tzinfo=UTC)
    assert (dist.size, dist.yanked) == (1234, "broken")
    assert files.versions == ("1.0", "2.0")


def test_columns_of_different_lengths_are_refused() -> None:
    files = columns_of([FileEntry(filename="demo-1.0.tar.gz", url="u")])
    columns = list(files.as_tuple())
    columns[1] = ()  # one column shorter than the others
    with pytest.raises(ValueError, match="one length"):
        PageFiles.from_tuple(tuple(columns))


@given(_HASHES)
def test_file_hashes_behave_as_the_dict_they_replace(hashes: dict[str, str]) -> None:
    files = columns_of([FileEntry(filename="demo-1.0.tar.gz", url="u", hashes=hashes)])
    mapping = FileHashes(files.hashes_at(0))
    assert mapping == hashes and dict(mapping) == hashes
    assert len(mapping) == len(hashes) and list(mapping) == list(hashes)
    assert mapping.get("sha256") == hashes.get("sha256")
    with pytest.raises(KeyError):
        mapping["sha1"]
    (dist,) = to_distributions(
        columns_of([FileEntry(filename="demo-1.0.tar.gz", url="u", hashes=hashes)]),
        index="i",
        project="demo",
    )
    assert dist.sha256 == hashes.get("sha256") and dist.hashes == hashes


def test_the_wheels_and_sdist_of_one_release_share_one_version_object() -> None:
    entries = [
        FileEntry(filename=name, url=f"https://files.example/{name}")
        for name in (
            "demo-1.0.tar.gz",
            "demo-1.0-py3-none-any.whl",
            "demo-1.0-cp312-cp312-win_amd64.whl",
            "demo-2.0.tar.gz",
        )
    ]
    dists = to_distributions(columns_of(entries), index="i", project="demo")
    assert len({id(dist.version) for dist in dists[:3]}) == 1
    assert str(dists[3].version) == "2.0"


_UPLOAD_TIMES = st.sampled_from(
    [
        "2024-05-01T10:20:30Z",
        "2024-05-01T10:20:30.5Z",
        "2024-05-01T10:20:30.123456Z",
        "2024-05-01T12:20:30+02:00",
        "2024-05-01 10:20:30",
        "not a time",
        "",
    ]
)
_JSON_FILES = st.fixed_dictionaries(
    {"filename": _FILENAMES, "url": st.sampled_from(["https://files.example/f", "../../f#x", "f"])},
    optional={
        "hashes": st.dictionaries(st.sampled_from(["sha256", "SHA256", "md5"]), _DIGESTS)
        | st.none(),
        "requires-python": st.none() | st.sampled_from([">=3.8", "", "junk>>"]),
        "yanked": st.booleans() | st.text(max_size=5),
        "core-metadata": st.booleans() | st.dictionaries(st.just("sha256"), _DIGESTS),
        "dist-info-metadata": st.booleans(),
        "size": st.none() | st.booleans() | st.integers(0, 2**40),
        "upload-time": _UPLOAD_TIMES | st.none() | st.integers(),
    },
)


@given(st.lists(_JSON_FILES, max_size=6), st.none() | st.lists(st.sampled_from(["1.0", "2.0"])))
def test_packing_json_directly_gives_what_the_entries_give(
    files: list[dict[str, object]], versions: list[str] | None
) -> None:
    data: dict[str, object] = {"meta": {"api-version": "1.1"}, "files": files}
    if versions is not None:
        data["versions"] = versions
    page = "https://index.example/simple/demo/"
    direct = json_page_files(data, page)
    parsed = parse_json_page(data, page)
    through_entries = columns_of(parsed.entries, versions=parsed.versions)
    assert direct.versions == through_entries.versions
    for project in ("demo", None):
        assert to_distributions(direct, index="i", project=project) == to_distributions(
            through_entries, index="i", project=project
        )


_SHA = "0f" * 32


def test_a_lone_sha256_is_kept_as_its_32_bytes_and_shown_as_given() -> None:
    entries = [
        FileEntry(filename="demo-1.0.tar.gz", url="u", hashes={"sha256": _SHA}),
        FileEntry(filename="demo-1.1.tar.gz", url="u", hashes={"sha256": _SHA.upper()}),
        FileEntry(filename="demo-1.2.tar.gz", url="u", hashes={"sha256": _SHA, "md5": "ab"}),
        FileEntry(filename="demo-1.3.tar.gz", url="u", core_metadata={"sha256": _SHA}),
    ]
    files = columns_of(entries)
    # The lone digest is in the page's one bytes object, 32 bytes a row.
    assert files.hashes[0] is None and files.hashes_at(0) == bytes.fromhex(_SHA)
    assert len(files.digests) == 4 * 32
    assert files.hashes[1] == ("sha256", _SHA.upper())  # not exact as bytes: kept as text
    assert files.hashes[2] == ("sha256", _SHA, "md5", "ab")
    assert files.hashes_at(3) == ()
    assert files.core_metadata[3] == bytes.fromhex(_SHA)
    dists = to_distributions(files, index="i", project="demo")
    assert [dist.sha256 for dist in dists] == [_SHA, _SHA.upper(), _SHA, None]
    assert dict(dists[0].hashes) == {"sha256": _SHA} and list(dists[0].hashes) == ["sha256"]
    assert dists[3].core_metadata and dists[3].core_metadata_hashes == {"sha256": _SHA}
    with pytest.raises(KeyError):
        dists[0].hashes["md5"]


def test_a_json_page_stores_its_sha256_digests_as_bytes_lowercased() -> None:
    item = {"filename": "demo-1.0.tar.gz", "url": "demo-1.0.tar.gz"}
    data = {
        "files": [
            {**item, "hashes": {"SHA256": _SHA.upper()}, "core-metadata": {"sha256": _SHA}},
            {**item, "hashes": {"sha256": _SHA[:-2] + " f"}},  # a space: not a digest
        ]
    }
    files = json_page_files(data, "https://index.example/simple/demo/")
    assert [files.hashes_at(row) for row in (0, 1)] == [
        bytes.fromhex(_SHA),
        ("sha256", _SHA[:-2] + " f"),
    ]
    assert files.core_metadata == (bytes.fromhex(_SHA), False)


def test_urls_are_kept_after_the_pages_common_prefix_without_the_filename() -> None:
    names = ["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl", "demo-2.0.tar.gz"]
    urls = [
        f"https://files.example/packages/ab/cd/{names[0]}",
        f"https://files.example/packages/ef/01/{names[1]}",
        "https://files.example/packages/download?file=2",  # does not end with its filename
    ]
    entries = [FileEntry(filename=n, url=u) for n, u in zip(names, urls, strict=True)]
    files = columns_of(entries)
    assert files.url_base == "https://files.example/packages/"
    # The parts of one length are in one string, ``url_width`` characters a row.
    assert files.urls == (None, None, ("download?file=2",))
    assert (files.url_dirs[:12], files.url_width) == ("ab/cd/ef/01/", 6)
    assert [files.url(row) for row in range(3)] == urls
    read = PageFiles.from_tuple(files.as_tuple())
    assert [dist.url for dist in to_distributions(read, index="i", project="demo")] == urls


@given(st.lists(st.text(max_size=12), min_size=1, max_size=5), st.data())
def test_any_urls_are_rebuilt_exactly(tails: list[str], data: st.DataObject) -> None:
    entries = [
        FileEntry(filename=data.draw(st.sampled_from(["f", "/f", tail[-3:] or "g"])), url=tail)
        for tail in tails
    ]
    files = columns_of(entries)
    assert [files.url(row) for row in range(len(entries))] == tails


def test_upload_times_in_utc_are_kept_as_microseconds_and_others_as_text() -> None:
    utc = datetime(2024, 5, 1, 10, 20, 30, 123456, tzinfo=UTC)
    east = datetime(2024, 5, 1, 12, 20, 30, tzinfo=timezone(timedelta(hours=2)))
    entries = [
        FileEntry(filename="demo-1.0.tar.gz", url="u", upload_time=moment)
        for moment in (utc, east, None)
    ]
    files = columns_of(entries)
    assert files.upload_times == (1714558830123456, east.isoformat(), None)
    assert upload_time(1714558830123456) == utc
    shown = [dist.upload_time for dist in to_distributions(files, index="i", project="demo")]
    assert shown == [utc, east, None]
    assert shown[1] is not None and shown[1].utcoffset() == timedelta(hours=2)


def test_equal_requires_python_texts_are_one_object() -> None:
    entries = [
        FileEntry(filename=f"demo-{n}.tar.gz", url="u", requires_python="".join([">=3.", "8"]))
        for n in range(3)
    ]
    texts = columns_of(entries).requires_python
    assert texts == (">=3.8",) * 3 and len({id(text) for text in texts}) == 1


def test_a_page_whose_packed_columns_do_not_fit_its_rows_is_refused() -> None:
    entries = [
        FileEntry(filename=f"demo-{n}.tar.gz", url=f"https://h.example/{n}{n}/demo-{n}.tar.gz")
        for n in range(2)
    ]
    values = list(columns_of(entries).as_tuple())
    assert values[-3:] == ["00/11/", 3, b""]  # url_dirs, url_width, digests (none given)
    for position, damaged in ((-3, "00/"), (-2, 4), (-1, bytes(32)), (-1, "not bytes")):
        wrong = list(values)
        wrong[position] = damaged
        with pytest.raises(ValueError, match="URLs and digests"):
            PageFiles.from_tuple(tuple(wrong))


def test_exclude_newer_keeps_the_cutoff_itself_and_drops_a_microsecond_later() -> None:
    cutoff = datetime(2024, 5, 1, 12, 20, 30, tzinfo=timezone(timedelta(hours=2)))  # 10:20:30Z
    times = [
        datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC),  # the cutoff itself, kept as an int
        datetime(2024, 5, 1, 10, 20, 30, 1, tzinfo=UTC),
        datetime(2024, 5, 1, 12, 20, 30, 1, tzinfo=timezone(timedelta(hours=2))),  # as text
        None,
    ]
    entries = [
        FileEntry(filename=f"demo-{n}.0.tar.gz", url="u", upload_time=moment)
        for n, moment in enumerate(times)
    ]
    listing = FileListing(columns_of(entries), index="i", name=canonicalize_name("demo"))
    kept = [str(version) for version, _rows in listing.version_rows(cutoff)]
    assert kept == ["0.0", "3.0"]


_FIELDS = st.tuples(
    st.sampled_from(["demo", "Demo_Pkg", "x"]),
    st.sampled_from(["1.0", "2.0rc1", "1x", "1.0.0"]),
    st.sampled_from(["", "", "1", "1x", "2_b"]),  # build tag (mostly none)
    st.sampled_from(["py3", "cp312", "py2.py3", ""]),
    st.sampled_from(["none", "cp312", "abi3"]),
    st.sampled_from(["any", "win_amd64", "manylinux_2_17_x86_64.manylinux2014_x86_64", ""]),
)


@given(st.lists(st.tuples(_FIELDS, st.sampled_from([".whl", ".tar.gz", ".zip"])), max_size=12))
def test_filenames_are_read_as_parse_filename_reads_them(
    names: list[tuple[tuple[str, ...], str]],
) -> None:
    # Empty fields are left out: names of too few fields must be refused as parse_filename does.
    filenames = ["-".join(field for field in fields if field) + end for fields, end in names]
    files = columns_of([FileEntry(filename=name, url="u") for name in filenames])
    for filename, parsed in zip(filenames, files.parsed, strict=True):
        reference = parse_filename(filename)
        if reference is None:
            assert parsed is None
            continue
        assert parsed is not None
        name, version, kind, tags, build_tag = parsed
        assert (name, version, kind, build_tag) == (
            reference.name,
            str(reference.version),
            reference.kind,
            reference.build_tag,
        )
        assert (wheel_tags(tags) if tags else frozenset()) == reference.tags


def test_sizes_and_utc_upload_times_are_packed_eight_bytes_each() -> None:
    utc = datetime(2024, 5, 1, 10, 20, 30, 123456, tzinfo=UTC)
    entries = [
        FileEntry(filename="demo-1.0.tar.gz", url="u", size=size, upload_time=moment)
        for size, moment in ((1234, utc), (None, None), (0, utc), (2**62, None))
    ]
    files = columns_of(entries)
    assert isinstance(files.sizes, PackedInts) and len(files.sizes.data) == 4 * 8
    assert list(files.sizes) == [1234, None, 0, 2**62]
    assert (files.sizes[-1], files.sizes[1:3]) == (2**62, (None, 0))
    with pytest.raises(IndexError):
        files.sizes[4]
    assert isinstance(files.upload_times, PackedInts)
    assert list(files.upload_times) == [1714558830123456, None, 1714558830123456, None]
    read = PageFiles.from_tuple(files.as_tuple())
    assert read == files
    dists = to_distributions(read, index="i", project="demo")
    assert [(d.size, d.upload_time) for d in dists] == [
        (1234, utc),
        (None, None),
        (0, utc),
        (2**62, None),
    ]


@pytest.mark.parametrize("odd", [2**63, -(2**63), True])
def test_integers_that_do_not_pack_exactly_stay_in_a_tuple(odd: int) -> None:
    entries = [FileEntry(filename="demo-1.0.tar.gz", url="u", size=size) for size in (1, odd)]
    files = columns_of(entries)
    assert files.sizes == (1, odd) and type(files.sizes[1]) is type(odd)
    (_, dist) = to_distributions(PageFiles.from_tuple(files.as_tuple()), index="i", project="demo")
    assert dist.size == odd and type(dist.size) is type(odd)


def test_packed_integers_of_a_broken_length_are_refused() -> None:
    values = list(columns_of([FileEntry(filename="demo-1.0.tar.gz", url="u", size=1)]).as_tuple())
    values[6] = b"\0" * 7
    with pytest.raises(ValueError, match="8 bytes"):
        PageFiles.from_tuple(tuple(values))
    values[6] = b"\0" * 16  # two rows where the page has one
    with pytest.raises(ValueError, match="one length"):
        PageFiles.from_tuple(tuple(values))
