"""The test index server over real HTTP: pages, negotiation, files, metadata, ranges, caching."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import zipfile
from dataclasses import replace
from io import BytesIO
from urllib.parse import urljoin

import aiohttp
import pytest

UNIVERSE = {
    "packages": {
        "Foo_Bar": {
            "versions": {
                "1.0.0": {"requires": ["dep>=1"], "requires_python": ">=3.9,<4"},
                "2.0.0": {
                    "yanked": "broken build",
                    "extras": {"fast": ["dep[speed]==2; sys_platform == 'linux'"]},
                },
                "3.0.0": {"wheel": False, "sdist": False},
            }
        },
        "dep": {"versions": {"1.0.0": {"wheel_tags": ["cp312-cp312-manylinux_2_17_x86_64"]}}},
    }
}

JSON = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        (JSON, JSON),
        (f"{JSON}, {HTML_V1};q=0.1, text/html;q=0.01", JSON),
        (f"{JSON};q=0.2, {HTML_V1};q=0.9", HTML_V1),
        (f"text/html, {JSON}", "text/html"),
        ("application/*", HTML_V1),
        (f"application/*;q=0.5, {JSON}", JSON),
        (f"{JSON};q=0, */*", "text/html"),
        ("application/vnd.pypi.simple.latest+json", JSON),
        ("application/vnd.pypi.simple.latest+html, text/html;q=0.5", HTML_V1),
        (f"text/html;q=0, {HTML_V1};q=0, */*;q=0.1", JSON),
    ],
)
def test_content_negotiation(index_server, accept, expected):
    server = index_server(UNIVERSE)
    status, headers, _ = _get(f"{server.simple_url}/foo-bar/", {"Accept": accept} if accept else {})
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == expected
    assert headers["Vary"] == "Accept"


def test_json_project_page_describes_every_file(index_server):
    server = index_server(UNIVERSE)
    status, _, body = _get(f"{server.simple_url}/foo-bar/", {"Accept": JSON})
    page = json.loads(body)
    assert status == 200
    assert page["meta"] == {"api-version": "1.1"}
    assert page["name"] == "foo-bar"
    assert page["versions"] == ["1.0.0", "2.0.0", "3.0.0"]
    by_name = {entry["filename"]: entry for entry in page["files"]}
    assert sorted(by_name) == [
        "foo_bar-1.0.0-py3-none-any.whl",
        "foo_bar-1.0.0.tar.gz",
        "foo_bar-2.0.0-py3-none-any.whl",
        "foo_bar-2.0.0.tar.gz",
    ]
    wheel = by_name["foo_bar-1.0.0-py3-none-any.whl"]
    assert wheel["requires-python"] == ">=3.9,<4"
    assert wheel["yanked"] is False
    assert by_name["foo_bar-2.0.0.tar.gz"]["yanked"] == "broken build"
    assert "core-metadata" not in by_name["foo_bar-1.0.0.tar.gz"]
    for filename, entry in by_name.items():
        _, _, data = _get(urljoin(f"{server.simple_url}/foo-bar/", entry["url"]))
        assert entry["hashes"]["sha256"] == hashlib.sha256(data).hexdigest(), filename
        assert entry["size"] == len(data)
        assert entry["upload-time"] == "2025-01-01T00:00:00.000000Z"
        if filename.endswith(".whl"):
            file_url = urljoin(f"{server.simple_url}/foo-bar/", entry["url"])
            _, _, metadata = _get(file_url + ".metadata")
            assert entry["core-metadata"] == {"sha256": hashlib.sha256(metadata).hexdigest()}
            assert entry["dist-info-metadata"] == entry["core-metadata"]
            with zipfile.ZipFile(BytesIO(data)) as wheel_zip:
                dist_info = filename.split("-py3")[0] + ".dist-info"
                assert wheel_zip.read(f"{dist_info}/METADATA") == metadata


def test_html_project_page_carries_every_attribute(index_server):
    server = index_server(UNIVERSE)
    _, _, body = _get(f"{server.simple_url}/foo-bar/", {"Accept": HTML_V1})
    page = body.decode()
    wheel = "foo_bar-1.0.0-py3-none-any.whl"
    built = server.universe.file(wheel)
    assert (
        f'<a href="../../files/{wheel}#sha256={built.sha256}" '
        'data-requires-python="&gt;=3.9,&lt;4" '
        f'data-core-metadata="sha256={built.metadata_sha256}" '
        f'data-dist-info-metadata="sha256={built.metadata_sha256}">{wheel}</a>'
    ) in page
    assert 'data-yanked="broken build">foo_bar-2.0.0.tar.gz</a>' in page
    assert '<meta name="pypi:repository-version" content="1.1">' in page


def test_yank_without_reason_is_true_in_json_and_empty_in_html(index_server):
    server = index_server({"packages": {"a": {"versions": {"1.0": {"yanked": True}}}}})
    _, _, body = _get(f"{server.simple_url}/a/", {"Accept": JSON})
    assert {entry["yanked"] for entry in json.loads(body)["files"]} == {True}
    _, _, html = _get(f"{server.simple_url}/a/")
    assert html.decode().count('data-yanked=""') == 2


def test_root_page_lists_projects_in_both_formats(index_server):
    server = index_server(UNIVERSE)
    _, _, body = _get(f"{server.simple_url}/", {"Accept": JSON})
    assert json.loads(body) == {
        "meta": {"api-version": "1.1"},
        "projects": [{"name": "dep"}, {"name": "Foo_Bar"}],
    }
    _, _, html = _get(f"{server.simple_url}/")
    assert '<a href="dep/">dep</a>' in html.decode()
    assert '<a href="foo-bar/">Foo_Bar</a>' in html.decode()


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/simple/Foo_Bar/", "/simple/foo-bar/"),
        ("/simple/FOO.bar", "/simple/foo-bar/"),
        ("/simple/foo-bar", "/simple/foo-bar/"),
        ("/simple", "/simple/"),
        ("/flat", "/flat/"),
        ("/internal/simple/Foo_Bar/", "/internal/simple/foo-bar/"),
    ],
)
async def test_non_normalized_urls_redirect_permanently(index_server, path, location):
    server = index_server({**UNIVERSE, "indexes": {"internal": {"packages": {}}}})
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.url + path, allow_redirects=False) as response,
    ):
        assert response.status == 301
        assert response.headers["Location"] == location


@pytest.mark.parametrize(
    "path",
    ["/simple/nothing-here/", "/files/nothing.whl", "/elsewhere", "/simple/foo-bar/extra/x"],
)
def test_unknown_paths_are_404(index_server, path):
    server = index_server(UNIVERSE)
    status, _, _ = _get(server.url + path)
    assert status == 404


def test_only_get_and_head(index_server):
    server = index_server(UNIVERSE)
    request = urllib.request.Request(f"{server.simple_url}/", method="POST", data=b"")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 405
    head = urllib.request.Request(server.file_url("dep-1.0.0.tar.gz"), method="HEAD")
    with urllib.request.urlopen(head) as response:
        assert (
            int(response.headers["Content-Length"]) == server.universe.file("dep-1.0.0.tar.gz").size
        )
        assert response.read() == b""


def test_nothing_acceptable_is_406(index_server):
    server = index_server(UNIVERSE)
    status, _, body = _get(f"{server.simple_url}/", {"Accept": f"image/png, {JSON};q=0"})
    assert status == 406
    assert b"this index serves" in body


def test_formats_can_be_switched_off(index_server):
    server = index_server(UNIVERSE, json=False)
    assert _get(f"{server.simple_url}/foo-bar/", {"Accept": JSON})[0] == 406
    status, headers, _ = _get(f"{server.simple_url}/foo-bar/", {"Accept": f"{JSON}, */*;q=0.1"})
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    server.options = replace(server.options, json=True, html=False)
    assert _get(f"{server.simple_url}/foo-bar/", {"Accept": "text/html"})[0] == 406
    status, headers, _ = _get(f"{server.simple_url}/foo-bar/")
    assert (status, headers["Content-Type"]) == (200, JSON)


def test_metadata_files_can_be_switched_off(index_server):
    server = index_server(UNIVERSE, metadata_files=False)
    wheel_url = server.file_url("foo_bar-1.0.0-py3-none-any.whl")
    assert _get(wheel_url + ".metadata")[0] == 404
    assert _get(wheel_url)[0] == 200
    _, _, html = _get(f"{server.simple_url}/foo-bar/")
    assert b"data-core-metadata" not in html
    assert b"data-dist-info-metadata" not in html
    _, _, body = _get(f"{server.simple_url}/foo-bar/", {"Accept": JSON})
    assert all("core-metadata" not in entry for entry in json.loads(body)["files"])
    assert _get(server.file_url("foo_bar-1.0.0.tar.gz") + ".metadata")[0] == 404


@pytest.mark.parametrize(
    ("header", "status", "piece"),
    [
        ("bytes=0-9", 206, slice(0, 10)),
        ("bytes=5-", 206, slice(5, None)),
        ("bytes=-22", 206, slice(-22, None)),
        ("bytes=10-5", 200, slice(None)),
        ("bytes=0-3,8-9", 200, slice(None)),
        ("items=0-3", 200, slice(None)),
        ("bytes=0-999999", 206, slice(None)),
        ("bytes=-999999", 206, slice(None)),
    ],
)
def test_range_requests(index_server, header, status, piece):
    server = index_server(UNIVERSE)
    data = server.universe.file("dep-1.0.0.tar.gz").read()
    got_status, headers, body = _get(server.file_url("dep-1.0.0.tar.gz"), {"Range": header})
    assert (got_status, body) == (status, data[piece])
    assert headers["Accept-Ranges"] == "bytes"
    if status == 206:
        start = piece.indices(len(data))[0]
        assert headers["Content-Range"] == f"bytes {start}-{start + len(body) - 1}/{len(data)}"


def test_unsatisfiable_range_is_416(index_server):
    server = index_server(UNIVERSE)
    size = server.universe.file("dep-1.0.0.tar.gz").size
    for header in (f"bytes={size}-", "bytes=-0"):
        status, headers, _ = _get(server.file_url("dep-1.0.0.tar.gz"), {"Range": header})
        assert (status, headers["Content-Range"]) == (416, f"bytes */{size}")


def test_ranges_switched_off_send_the_whole_file(index_server):
    server = index_server(UNIVERSE, range_requests=False)
    data = server.universe.file("dep-1.0.0.tar.gz").read()
    status, headers, body = _get(server.file_url("dep-1.0.0.tar.gz"), {"Range": "bytes=0-9"})
    assert (status, body) == (200, data)
    assert "Accept-Ranges" not in headers
    assert "Content-Range" not in headers


def test_metadata_file_supports_ranges_too(index_server):
    server = index_server(UNIVERSE)
    metadata = server.universe.file("foo_bar-1.0.0-py3-none-any.whl").metadata
    assert metadata is not None
    url = server.file_url("foo_bar-1.0.0-py3-none-any.whl") + ".metadata"
    assert _get(url, {"Range": "bytes=0-16"})[2] == metadata[:17]


def test_pages_without_hashes_or_pep_700_fields(index_server):
    server = index_server(UNIVERSE, hashes=False, api_version="1.0")
    _, _, body = _get(f"{server.simple_url}/foo-bar/", {"Accept": JSON})
    page = json.loads(body)
    assert page["meta"] == {"api-version": "1.0"}
    assert "versions" not in page
    for entry in page["files"]:
        assert entry["hashes"] == {}
        assert not {"size", "upload-time"} & set(entry)
    _, _, html = _get(f"{server.simple_url}/foo-bar/")
    assert b"#sha256=" not in html
    assert b'content="1.0"' in html
    assert b"data-core-metadata" in html  # PEP 658 is independent of the API version
    _, _, flat = _get(server.flat_url)
    assert b"#sha256=" not in flat
