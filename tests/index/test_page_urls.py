"""A file's URL on a JSON page resolved against the page's URL: the fast paths give exactly
what ``urljoin`` and ``urldefrag`` give."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from hypothesis import given
from hypothesis import strategies as st

from universal_lock.index.parse_json import absolute_url

_PAGES = st.sampled_from(
    [
        "https://index.example/simple/demo/",
        "https://index.example/simple/demo",
        "https://index.example/a/b/c/simple/demo/?x=1#top",
        "https://index.example",
        "http://127.0.0.1:8080/simple/demo/",
        "file:///srv/index/demo/",
        "file:/srv/x",
        "file://host/a/",
        "custom://host/simple/demo/",
    ]
)
_SEGMENTS = st.sampled_from(
    ["..", ".", "files", "ab", "demo-1.0.tar.gz", "d+e", "x;y", "a b", "%2e%2e", "", "c:d", "~u"]
)
_URLS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "", "/", "//host/", " ", "\t", "mailto:", "file:///x/"]),
    st.lists(_SEGMENTS, max_size=5).map("/".join),
    st.sampled_from(["", "", "?q=1", "#sha256=ab", "/", "\n"]),
)


_PLAIN_URLS = st.lists(
    st.sampled_from(["..", ".", "files", "ab", "demo-1.0.tar.gz", "d+e", "~u", "@x"]),
    min_size=1,
    max_size=6,
).map("/".join)


@given(_PAGES, _URLS | _PLAIN_URLS)
def test_a_relative_url_is_resolved_as_urljoin_resolves_it(page: str, url: str) -> None:
    assert absolute_url(page, url) == urldefrag(urljoin(page, url))[0]


def test_an_absolute_http_url_without_a_fragment_is_kept_as_given() -> None:
    url = "https://files.example/packages/ab/cd/demo-1.0.tar.gz"
    assert absolute_url("https://index.example/simple/demo/", url) == url
    assert absolute_url("https://index.example/simple/demo/", url + "#sha256=ab") == url


def test_plain_relative_paths_resolve_against_the_pages_directory() -> None:
    page = "https://index.example/simple/demo/"
    assert absolute_url(page, "../../files/demo-1.0.tar.gz") == (
        "https://index.example/files/demo-1.0.tar.gz"
    )
    assert absolute_url(page, "demo-1.0.tar.gz") == page + "demo-1.0.tar.gz"
    assert absolute_url(page, "./a/../demo-1.0.tar.gz") == page + "demo-1.0.tar.gz"
    assert absolute_url(page, "../../../../../x.whl") == "https://index.example/x.whl"
