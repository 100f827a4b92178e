"""The test index's controls: cache validators, auth, fault injection, the request log,
named indexes and flat pages, and its life cycle across threads and event loops."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urljoin

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.http_rules import parse_range
from tests.support.index_server import IndexServer, RequestRecord, ServerOptions

UNIVERSE = {
    "packages": {
        "a": {"versions": {"1.0.0": {"requires": ["b"]}}},
        "b": {"versions": {"1.0.0": {}, "2.0.0": {"wheel": False}}},
    }
}
JSON = "application/vnd.pypi.simple.v1+json"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# -- caching ------------------------------------------------------------------------------


def test_project_pages_carry_validators_and_answer_304(index_server):
    server = index_server(UNIVERSE)
    status, headers, _ = _get(f"{server.simple_url}/a/")
    assert status == 200
    assert headers["Cache-Control"] == "max-age=600"
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert _get(f"{server.simple_url}/a/", {"If-None-Match": etag})[0] == 304
    assert _get(f"{server.simple_url}/a/", {"If-None-Match": f'W/{etag}, "other"'})[0] == 304
    assert _get(f"{server.simple_url}/a/", {"If-Modified-Since": modified})[0] == 304
    # If-None-Match decides when both are sent (RFC 9110).
    both = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    assert _get(f"{server.simple_url}/a/", both)[0] == 200
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert _get(f"{server.simple_url}/a/", {"If-Modified-Since": earlier})[0] == 200
    assert [record.status for record in server.requests] == [200, 304, 304, 304, 200, 200]


def test_each_format_has_its_own_etag(index_server):
    server = index_server(UNIVERSE)
    html_etag = _get(f"{server.simple_url}/a/")[1]["ETag"]
    json_etag = _get(f"{server.simple_url}/a/", {"Accept": JSON})[1]["ETag"]
    assert html_etag != json_etag
    assert _get(f"{server.simple_url}/a/", {"Accept": JSON, "If-None-Match": html_etag})[0] == 200


def test_a_changed_universe_changes_only_the_changed_pages(index_server):
    server = index_server(UNIVERSE)
    before = {name: _get(f"{server.simple_url}/{name}/")[1] for name in ("a", "b")}
    time.sleep(0.01)
    changed = {"packages": {**UNIVERSE["packages"], "b": {"versions": {"3.0.0": {}}}}}
    server.set_universe(changed)
    after = {name: _get(f"{server.simple_url}/{name}/")[1] for name in ("a", "b")}
    assert after["a"]["ETag"] == before["a"]["ETag"]
    assert after["a"]["Last-Modified"] == before["a"]["Last-Modified"]
    assert after["b"]["ETag"] != before["b"]["ETag"]
    assert parsedate_to_datetime(after["b"]["Last-Modified"]) > parsedate_to_datetime(
        before["b"]["Last-Modified"]
    )
    old = {"If-Modified-Since": before["b"]["Last-Modified"]}
    assert _get(f"{server.simple_url}/b/", old)[0] == 200
    assert b"b-3.0.0" in _get(f"{server.simple_url}/b/")[2]


def test_cache_headers_switched_off(index_server):
    server = index_server(UNIVERSE, cache_headers=False)
    status, headers, _ = _get(f"{server.simple_url}/a/", {"If-None-Match": "*"})
    assert status == 200
    assert not {"ETag", "Last-Modified", "Cache-Control"} & set(headers)


# -- auth ---------------------------------------------------------------------------------


def test_basic_auth_guards_everything(index_server):
    server = index_server(UNIVERSE, basic_auth=("user", "pa:ss"))
    good = {"Authorization": "Basic " + base64.b64encode(b"user:pa:ss").decode()}
    bad = {"Authorization": "Basic " + base64.b64encode(b"user:wrong").decode()}
    for url in (
        f"{server.simple_url}/",
        f"{server.simple_url}/a/",
        server.file_url("b-1.0.0.tar.gz"),
    ):
        status, headers, _ = _get(url)
        assert status == 401
        assert headers["WWW-Authenticate"].startswith("Basic ")
        assert _get(url, bad)[0] == 401
        assert _get(url, good)[0] == 200


# -- faults -------------------------------------------------------------------------------


async def _fetch(session: aiohttp.ClientSession, url: str) -> int | str:
    try:
        async with session.get(url) as response:
            await response.read()
            return response.status
    except aiohttp.ClientPayloadError:
        return "truncated"
    except aiohttp.ClientConnectionError:
        return "reset"


def _fetch_once(url: str) -> int | str:
    """One request, one connection, no retries (aiohttp's client retries a dropped GET once)."""
    try:
        with urllib.request.urlopen(url) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except http.client.IncompleteRead:
        return "truncated"
    except (ConnectionError, http.client.RemoteDisconnected):
        return "reset"


@pytest.mark.parametrize(
    ("kind", "failure"), [("500", 500), ("reset", "reset"), ("truncate", "truncated")]
)
def test_a_fault_happens_exactly_times_times(index_server, kind, failure):
    server = index_server(UNIVERSE)
    server.inject("/simple/a/", kind, times=2)
    server.inject("/files/*.whl", kind, times=1)
    pages = [_fetch_once(f"{server.simple_url}/a/") for _ in range(4)]
    other = _fetch_once(f"{server.simple_url}/b/")
    files = [_fetch_once(server.file_url("a-1.0.0-py3-none-any.whl")) for _ in "xy"]
    sdist = _fetch_once(server.file_url("a-1.0.0.tar.gz"))
    assert pages == [failure, failure, 200, 200]
    assert (other, files, sdist) == (200, [failure, 200], 200)
    statuses = [record.status for record in server.requests]
    expected_status = {"500": 500, "reset": None, "truncate": 200}[kind]
    assert statuses == [expected_status] * 2 + [200] * 3 + [expected_status, 200, 200]


def test_corrupt_fault_keeps_the_size_and_breaks_the_hash(index_server):
    server = index_server(UNIVERSE)
    built = server.universe.file("a-1.0.0-py3-none-any.whl")
    server.inject("/files/*.whl", "corrupt")
    status, headers, damaged = _get(server.file_url(built.filename))
    assert (status, int(headers["Content-Length"])) == (200, built.size)
    assert damaged != built.read()
    assert hashlib.sha256(damaged).hexdigest() != built.sha256
    assert _get(server.file_url(built.filename))[2] == built.read()


async def test_truncation_promises_more_than_it_sends(index_server):
    server = index_server(UNIVERSE)
    size = server.universe.file("a-1.0.0.tar.gz").size
    server.inject("/files/a-1.0.0.tar.gz", "truncate")
    reader, writer = await asyncio.open_connection("127.0.0.1", int(server.url.rsplit(":", 1)[1]))
    writer.write(b"GET /files/a-1.0.0.tar.gz HTTP/1.1\r\nHost: x\r\n\r\n")
    received = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    head, _, body = received.partition(b"\r\n\r\n")
    assert f"Content-Length: {size}".encode() in head
    assert 0 < len(body) < size


async def test_slow_fault_delays_only_the_matching_requests(index_server):
    server = index_server(UNIVERSE)
    server.inject("/simple/a/", "slow", times=1, delay=2.0)
    async with aiohttp.ClientSession() as session:
        started = time.monotonic()
        timeout = aiohttp.ClientTimeout(total=0.2)
        with pytest.raises(asyncio.TimeoutError):
            async with session.get(f"{server.simple_url}/a/", timeout=timeout) as response:
                await response.read()
        assert await _fetch(session, f"{server.simple_url}/a/") == 200
        # Well under the 2 s delay: the second request was not held up (slack for a busy box).
        assert time.monotonic() - started < 1.5
        server.inject("/simple/b/", "slow", times=1, delay=0.3)
        started = time.monotonic()
        assert await _fetch(session, f"{server.simple_url}/b/") == 200
        assert time.monotonic() - started >= 0.3


def test_unknown_fault_kind_is_refused(index_server):
    server = index_server(UNIVERSE)
    with pytest.raises(ValueError, match="unknown fault kind"):
        server.inject("*", "teapot")  # type: ignore[arg-type]


# -- request log --------------------------------------------------------------------------


def test_request_log_records_and_clears(index_server):
    server = index_server(UNIVERSE)
    _get(f"{server.simple_url}/a/?x=1", {"Accept": JSON, "X-Test": "yes"})
    _get(f"{server.simple_url}/missing/")
    (first, second) = server.requests
    assert isinstance(first, RequestRecord)
    assert (first.method, first.path, first.query, first.status) == (
        "GET",
        "/simple/a/",
        "x=1",
        200,
    )
    assert first.headers["Accept"] == JSON
    assert first.headers["X-Test"] == "yes"
    assert (second.path, second.status) == ("/simple/missing/", 404)
    server.requests.clear()  # a copy: the log itself is untouched
    assert len(server.requests) == 2
    server.clear_log()
    assert server.requests == []


# -- several indexes, flat pages -----------------------------------------------------------

SPLIT = {
    "packages": {"torch": {"versions": {"2.3.0": {}}}, "shared": {"versions": {"1.0.0": {}}}},
    "indexes": {
        "cu128": {"packages": {"torch": {"versions": {"2.3.0": {"local": ["cu128"]}}}}},
        "private": {"packages": {"shared": {"versions": {"1.0.0": {"requires": ["torch"]}}}}},
    },
}


def _links(server: IndexServer, page_url: str) -> dict[str, str]:
    """filename -> absolute URL (without fragment) of every link on a JSON page."""
    _, _, body = _get(page_url, {"Accept": JSON})
    return {
        entry["filename"]: urljoin(page_url, entry["url"]) for entry in json.loads(body)["files"]
    }


def test_named_indexes_serve_their_own_packages(index_server):
    server = index_server(SPLIT)
    assert server.index_url("cu128") == f"{server.url}/cu128/simple"
    assert server.index_url("default") == server.simple_url
    with pytest.raises(KeyError):
        server.index_url("nope")
    cu128 = _links(server, f"{server.index_url('cu128')}/torch/")
    assert sorted(cu128) == [
        "torch-2.3.0+cu128-py3-none-any.whl",
        "torch-2.3.0+cu128.tar.gz",
        "torch-2.3.0-py3-none-any.whl",
        "torch-2.3.0.tar.gz",
    ]
    assert (
        cu128["torch-2.3.0+cu128.tar.gz"] == f"{server.url}/cu128/files/torch-2.3.0%2Bcu128.tar.gz"
    )
    assert _get(f"{server.index_url('cu128')}/shared/")[0] == 404
    # The same file name on two indexes with different content: each index serves its own.
    private = _links(server, f"{server.index_url('private')}/shared/")
    public = _links(server, f"{server.simple_url}/shared/")
    private_wheel = _get(private["shared-1.0.0-py3-none-any.whl"])[2]
    public_wheel = _get(public["shared-1.0.0-py3-none-any.whl"])[2]
    assert private_wheel != public_wheel
    assert private_wheel == server.universe.file("shared-1.0.0-py3-none-any.whl", "private").read()


def test_flat_pages_link_every_file(index_server):
    server = index_server(SPLIT)
    _, _, body = _get(server.flat_url)
    hrefs = [chunk.split('"')[0] for chunk in body.decode().split('href="')[1:]]
    linked = {urljoin(server.flat_url, href) for href in hrefs}
    expected = {
        f"{server.file_url(built.filename, built.index)}#sha256={built.sha256}"
        for built in server.universe.files()
    }
    assert linked == expected
    assert len(hrefs) == 10
    _, _, named = _get(f"{server.url}/cu128/flat/")
    assert named.decode().count("<a ") == 4


def test_absolute_urls(index_server):
    server = index_server(SPLIT, absolute_urls=True)
    _, _, body = _get(f"{server.index_url('cu128')}/torch/", {"Accept": JSON})
    urls = [entry["url"] for entry in json.loads(body)["files"]]
    assert all(url.startswith(f"{server.url}/cu128/files/") for url in urls)
    assert all(_get(url)[0] == 200 for url in urls)


def test_reserved_index_names_are_refused():
    with pytest.raises(ValueError, match="cannot name an index"):
        IndexServer({"indexes": {"files": {"packages": {}}}})


# -- life cycle ---------------------------------------------------------------------------


def test_context_manager_starts_and_stops_cleanly():
    server = IndexServer(UNIVERSE, options=ServerOptions(json=False))
    with server:
        port = int(server.url.rsplit(":", 1)[1])
        assert _get(f"{server.simple_url}/a/")[0] == 200
        threads = {thread.name for thread in threading.enumerate()}
        assert "index-server" in threads
    assert "index-server" not in {thread.name for thread in threading.enumerate()}
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def test_stop_does_not_wait_for_a_slow_request(index_server):
    server = index_server(UNIVERSE)
    server.inject("*", "slow", delay=30)
    url = f"{server.simple_url}/a/"
    thread = threading.Thread(target=_fetch_once, args=(url,), daemon=True)
    thread.start()
    time.sleep(0.3)  # the request is logged only when answered, so give it time to arrive
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5


async def test_serves_asyncio_tests_from_its_own_loop(index_server):
    server = index_server(UNIVERSE)
    async with aiohttp.ClientSession() as session:
        statuses = await asyncio.gather(
            *(_fetch(session, f"{server.simple_url}/{name}/") for name in ("a", "b") * 10)
        )
    assert statuses == [200] * 20


@given(size=st.integers(0, 50), first=st.integers(0, 60) | st.none(), last=st.integers(0, 60))
def test_parsed_ranges_always_lie_inside_the_file(size, first, last):
    header = f"bytes={'' if first is None else first}-{last}"
    wanted = parse_range(header, size)
    if wanted is None or wanted == "unsatisfiable":
        # Suffix of 0, empty file, start past the end: unsatisfiable; end before start: ignored.
        assert (first is None and (last == 0 or size == 0)) or (
            first is not None and (first >= size or last < first)
        )
    else:
        assert 0 <= wanted.start <= wanted.end < size
        if first is None:
            assert wanted.end - wanted.start + 1 == min(last, size)
        else:
            assert (wanted.start, wanted.end) == (first, min(last, size - 1))
