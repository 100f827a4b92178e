"""The pure page parsers and filename interpretation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.version import Version

from universal_lock.index.entries import FileEntry, parse_filename
from universal_lock.index.errors import MalformedPage
from universal_lock.index.page_files import columns_of, to_distributions
from universal_lock.index.parse_html import parse_html_page
from universal_lock.index.parse_json import parse_json_page

PAGE = "https://files.example/simple/demo/"

HTML = """<!DOCTYPE html><html><head>
<meta name="pypi:repository-version" content="1.1"></head><body>
<a href="../../packages/demo-1.0-py3-none-any.whl#sha256=AAAA"
   data-requires-python="&gt;=3.8,&lt;4" data-core-metadata="sha256=bbbb">wheel</a>
<a href="https://cdn.example/demo-1.0.tar.gz#sha256=cccc" data-yanked="broken build">sdist</a>
<a href="demo-0.9-py2.py3-none-any.whl" data-yanked data-dist-info-metadata="true">x</a>
<a href="demo-0.8.egg">egg</a>
<a>no href</a>
</body></html>"""


def test_html_page_reads_links_attributes_and_relative_urls():
    page = parse_html_page(HTML, PAGE)
    assert page.api_version == "1.1"
    wheel, sdist, old, egg = page.entries
    assert wheel.url == "https://files.example/packages/demo-1.0-py3-none-any.whl"
    assert wheel.filename == "demo-1.0-py3-none-any.whl"
    assert wheel.hashes == {"sha256": "aaaa"}
    assert wheel.requires_python == ">=3.8,<4"
    assert wheel.core_metadata == {"sha256": "bbbb"}
    assert wheel.yanked is None
    assert sdist.url == "https://cdn.example/demo-1.0.tar.gz"
    assert sdist.yanked == "broken build"
    assert sdist.core_metadata is False
    assert old.url == PAGE + "demo-0.9-py2.py3-none-any.whl"
    assert old.yanked == ""
    assert old.core_metadata is True
    assert egg.filename == "demo-0.8.egg"


def test_html_base_href_changes_the_base_of_relative_links():
    text = '<base href="https://mirror.example/files/"><a href="demo-1.0.tar.gz">x</a>'
    (entry,) = parse_html_page(text, PAGE).entries
    assert entry.url == "https://mirror.example/files/demo-1.0.tar.gz"


def test_html_percent_encoded_filename_is_decoded():
    (entry,) = parse_html_page('<a href="demo-1.0%2Blocal.tar.gz">x</a>', PAGE).entries
    assert entry.filename == "demo-1.0+local.tar.gz"


JSON = {
    "meta": {"api-version": "1.1"},
    "name": "demo",
    "versions": ["0.9", "1.0", "not a version"],
    "files": [
        {
            "filename": "demo-1.0-py3-none-any.whl",
            "url": "../../packages/demo-1.0-py3-none-any.whl",
            "hashes": {"sha256": "ABCD"},
            "requires-python": ">=3.9",
            "core-metadata": {"sha256": "ef01"},
            "yanked": False,
            "size": 1234,
            "upload-time": "2024-05-01T12:30:00.123456Z",
        },
        {
            "filename": "demo-0.9.tar.gz",
            "url": "https://cdn.example/demo-0.9.tar.gz",
            "hashes": {},
            "yanked": "security issue",
            "dist-info-metadata": True,
        },
        {"filename": "demo-0.8.tar.gz", "url": "demo-0.8.tar.gz", "hashes": {}, "yanked": True},
    ],
}


def test_json_page_reads_pep_691_and_700_fields():
    page = parse_json_page(JSON, PAGE)
    assert page.api_version == "1.1"
    assert page.versions == ("0.9", "1.0", "not a version")
    wheel, sdist, old = page.entries
    assert wheel.url == "https://files.example/packages/demo-1.0-py3-none-any.whl"
    assert wheel.hashes == {"sha256": "abcd"}
    assert wheel.requires_python == ">=3.9"
    assert wheel.core_metadata == {"sha256": "ef01"}
    assert wheel.size == 1234
    assert wheel.upload_time == datetime(2024, 5, 1, 12, 30, 0, 123456, tzinfo=UTC)
    assert wheel.yanked is None
    assert sdist.yanked == "security issue"
    assert sdist.core_metadata is True
    assert old.yanked == ""
    assert old.url == PAGE + "demo-0.8.tar.gz"


@pytest.mark.parametrize(
    "data",
    [[], {"files": "nope"}, {"files": [1]}, {"files": [{"filename": "a-1.tar.gz"}]}],
)
def test_json_page_with_wrong_shape_is_malformed(data):
    with pytest.raises(MalformedPage, match="not a valid index response"):
        parse_json_page(data, PAGE)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("demo-1.0-py3-none-any.whl", ("demo", "1.0", "wheel")),
        (
            "Demo_Pkg-2.0.post1-1-cp312-cp312-manylinux_2_17_x86_64.whl",
            ("demo-pkg", "2.0.post1", "wheel"),
        ),
        ("demo-1.0.tar.gz", ("demo", "1.0", "sdist")),
        ("demo-1.0.zip", ("demo", "1.0", "sdist")),
        ("demo-1.0.egg", None),
        ("demo-1.0.tar.bz2", None),
        ("demo-notaversion-py3-none-any.whl", None),
        ("demo.whl", None),
    ],
)
def test_parse_filename(filename, expected):
    parsed = parse_filename(filename)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert (parsed.name, str(parsed.version), parsed.kind) == expected


def test_wheel_tags_and_build_tag_are_kept():
    parsed = parse_filename("demo-1.0-7-py2.py3-none-any.whl")
    assert parsed is not None
    assert parsed.build_tag == (7, "")
    assert parsed.tags == {Tag("py2", "none", "any"), Tag("py3", "none", "any")}


def test_to_distributions_filters_by_project_and_skips_junk():
    entries = [
        FileEntry(filename="demo-1.0.tar.gz", url="u1", requires_python=">=3.8", yanked="x"),
        FileEntry(filename="other-1.0.tar.gz", url="u2"),
        FileEntry(filename="demo-1.0.exe", url="u3"),
        FileEntry(filename="demo-2.0-py3-none-any.whl", url="u4", requires_python="junk>>"),
    ]
    dists = to_distributions(columns_of(entries), index="main", project="Demo")
    assert [d.filename for d in dists] == ["demo-1.0.tar.gz", "demo-2.0-py3-none-any.whl"]
    assert dists[0].requires_python == SpecifierSet(">=3.8")
    assert dists[0].yanked == "x"
    assert dists[0].index == "main"
    # An unreadable Requires-Python is ignored (as pip does), not fatal.
    assert dists[1].requires_python is None
    assert dists[1].version == Version("2.0")
    # The resolver keys its tables by distribution.
    assert len({dists[0]: 1, dists[1]: 2}) == 2
    flat = to_distributions(columns_of(entries), index="flat", project=None)
    assert {d.name for d in flat} == {"demo", "other"}


def test_links_carrying_credentials_are_reported_without_them():
    html = '<a href="https://tok:secret@files.example/demo-1.0.tar.gz">x</a>'
    (entry,) = parse_html_page(html, PAGE).entries
    assert entry.url == "https://files.example/demo-1.0.tar.gz"
    data = {
        "files": [{"filename": "demo-1.0.tar.gz", "url": "https://u:secret@f.example/d.tar.gz"}]
    }
    (json_entry,) = parse_json_page(data, PAGE).entries
    assert "secret" not in json_entry.url
