"""The test index server over real HTTP: pages, negotiation, files, metadata, ranges, caching."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import zipfile
from io import BytesIO
from urllib.parse import urljoin

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
