"""The client end to end against the real local test index server (tests/support/).

Every test starts a real aiohttp index on 127.0.0.1 serving real wheels and sdists, and
counts what the client asked for in ``server.requests``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import InputError
from universal_lock.index import (
    HashMismatch,
    IndexClient,
    IndexConfig,
    IndexFailure,
    IndexSettings,
    NotFound,
    OfflineMiss,
    ProjectPage,
    Unavailable,
)

UNIVERSE = {
    "packages": {
        "alpha": {
            "versions": {
                "1.0.0": {"requires": ["beta>=1"]},
                "2.0.0": {
                    "requires": ["beta>=2", "gamma; extra == 'fast'"],
                    "extras": {"fast": ["gamma"]},
                },
                "3.0.0": {"requires_python": ">=3.99"},
                "0.5.0": {"yanked": True},
            }
        },
        "beta": {"versions": {"1.0.0": {}, "2.0.0": {"requires": ["gamma"]}}},
        "gamma": {"versions": {"1.0.0": {}}},
        "static-sdist": {
            "versions": {
                "1.0.0": {
                    "sdist": True,
                    "wheel": False,
                    "requires": ["beta"],
                    "sdist_metadata": "static",
                }
            }
        },
        "built-sdist": {
            "versions": {
                "1.0.0": {
                    "sdist": True,
                    "wheel": False,
                    "requires": ["gamma>=1"],
                    "sdist_metadata": "dynamic",
                }
            }
        },
    }
}


def settings_for(tmp_path: Path, *indexes: IndexConfig, **options) -> IndexSettings:
    options.setdefault("retry_backoff", 0.0)
    return IndexSettings(indexes=indexes, cache_dir=tmp_path / "cache", **options)


def default_index(server) -> IndexConfig:
    return IndexConfig(name="test", url=server.simple_url, default=True)


def paths(server) -> list[str]:
    return [record.path for record in server.requests]


def requirements(metadata) -> list[Requirement]:
    return list(metadata.requires_dist)


async def newest(client: IndexClient, name: str, version: str, kind: str = "wheel"):
    return next(
        d for d in await client.candidates(name) if d.version == Version(version) and d.kind == kind
    )


# -- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("json", [True, False], ids=["json", "html"])
async def test_project_page_in_json_and_html(tmp_path, index_server, json):
    server = index_server(UNIVERSE, json=json)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        page = await client.project("Alpha")
        assert isinstance(page, ProjectPage)
        assert page.name == "alpha"
        by_version = {d.version: d for d in page.distributions if d.kind == "wheel"}
        assert set(by_version) == {Version(v) for v in ("0.5.0", "1.0.0", "2.0.0", "3.0.0")}
        assert by_version[Version("3.0.0")].requires_python == SpecifierSet(">=3.99")
        assert by_version[Version("0.5.0")].yanked is not None
        assert by_version[Version("1.0.0")].yanked is None
        assert all(d.sha256 and len(d.sha256) == 64 for d in page.distributions)
        assert all(d.url.startswith(server.url) for d in page.distributions)
        if json:
            # PEP 700 fields are only in the JSON form.
            assert all(d.size for d in page.distributions)
            assert all(d.upload_time is not None for d in page.distributions)
        missing = await client.project("no-such-project")
        assert missing == NotFound(name="no-such-project", index="test")
    (record, *_rest) = server.requests
    assert "application/vnd.pypi.simple.v1+json" in record.headers.get("Accept", "")


async def test_metadata_from_pep_658_files(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=True)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        dist = await newest(client, "alpha", "2.0.0")
        assert dist.core_metadata
        metadata = await client.metadata(dist)
        assert metadata.name == "alpha" and metadata.version == Version("2.0.0")
        assert Requirement("beta>=2") in requirements(metadata)
        assert metadata.provides_extra == ("fast",)
        assert client.stats().requests_by_kind == {"page": 1, "metadata": 1}
    assert paths(server)[-1].endswith(".whl.metadata")


async def test_metadata_by_range_requests_when_no_658(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=False, range_requests=True)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        dist = await newest(client, "alpha", "1.0.0")
        assert not dist.core_metadata
        metadata = await client.metadata(dist)
        assert requirements(metadata) == [Requirement("beta>=1")]
        kinds = client.stats().requests_by_kind
        assert kinds.get("range", 0) >= 1 and "file" not in kinds and "metadata" not in kinds
    ranged = [r for r in server.requests if r.path.endswith(".whl")]
    assert ranged and all("Range" in r.headers for r in ranged)
    assert all(r.status == 206 for r in ranged)


async def test_whole_wheel_when_ranges_are_off_too(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=False, range_requests=False)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        dist = await newest(client, "beta", "2.0.0")
        metadata = await client.metadata(dist)
        assert requirements(metadata) == [Requirement("gamma")]
        before = len(server.requests)
        # The whole file came with the metadata; downloading it now costs nothing.
        path = await client.download(dist, tmp_path / "out")
        assert len(server.requests) == before
        assert path.name == dist.filename
    assert [r.status for r in server.requests if r.path.endswith(".whl")] == [200]


async def test_sdist_with_static_pkg_info(tmp_path, index_server):
    server = index_server(UNIVERSE)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        (dist,) = await client.candidates("static-sdist")
        assert dist.kind == "sdist"
        metadata = await client.metadata(dist)
        assert requirements(metadata) == [Requirement("beta")]


async def test_sdist_that_needs_a_pep_517_metadata_build(tmp_path, index_server):
    server = index_server(UNIVERSE)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        (dist,) = await client.candidates("built-sdist")
        metadata = await client.metadata(dist)
        assert requirements(metadata) == [Requirement("gamma>=1")]
        assert metadata.version == Version("1.0.0")


async def test_download_is_verified(tmp_path, index_server):
    server = index_server(UNIVERSE, absolute_urls=True)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        dist = await newest(client, "gamma", "1.0.0")
        good = await client.download(dist, tmp_path / "out")
        assert good.is_file()
        forged = replace(dist, hashes={"sha256": "0" * 64}, url=dist.url + "?forged")
        with pytest.raises(HashMismatch) as caught:
            await client.download(forged, tmp_path / "bad")
        assert caught.value.expected == "0" * 64
        assert not (tmp_path / "bad").exists() or not list((tmp_path / "bad").iterdir())


# -- caching --------------------------------------------------------------------------------


async def _lock_like_run(settings: IndexSettings) -> IndexClient:
    async with IndexClient(settings) as client:
        for name in ("alpha", "beta"):
            for dist in await client.candidates(name):
                if dist.kind == "wheel" and dist.yanked is None:
                    await client.metadata(dist)
    return client


async def test_second_run_only_revalidates(tmp_path, index_server):
    server = index_server(UNIVERSE, cache_headers=True)
    settings = settings_for(tmp_path, default_index(server))
    await _lock_like_run(settings)
    server.clear_log()
    # Within the server's max-age nothing is asked at all ...
    await _lock_like_run(settings)
    assert server.requests == []
    # ... and when revalidating, only the pages are asked, and they answer 304.
    second = await _lock_like_run(replace(settings, refresh=True))
    assert sorted(paths(server)) == ["/simple/alpha/", "/simple/beta/"]
    assert all(
        "If-None-Match" in r.headers or "If-Modified-Since" in r.headers for r in server.requests
    )
    assert all(r.status == 304 for r in server.requests)
    assert second.stats().not_modified == 2


async def test_no_caching_headers_means_fresh_for_the_default_period(tmp_path, index_server):
    server = index_server(UNIVERSE, cache_headers=False)
    settings = settings_for(tmp_path, default_index(server))
    await _lock_like_run(settings)
    server.clear_log()
    second = await _lock_like_run(settings)
    assert server.requests == []
    assert second.stats().requests == 0
    # refresh_packages revalidates those packages' pages only.
    await _lock_like_run(replace(settings, refresh_packages=frozenset({"Beta"})))
    assert paths(server) == ["/simple/beta/"]
    # A fresh period of zero makes every page stale.
    server.clear_log()
    await _lock_like_run(replace(settings, fresh_period=0.0))
    assert sorted(paths(server)) == ["/simple/alpha/", "/simple/beta/"]


async def test_offline_answers_from_the_cache_and_names_what_is_missing(tmp_path, index_server):
    server = index_server(UNIVERSE)
    settings = settings_for(tmp_path, default_index(server))
    await _lock_like_run(settings)
    server.clear_log()
    offline = replace(settings, offline=True)
    async with IndexClient(offline) as client:
        dist = await newest(client, "alpha", "2.0.0")
        assert Requirement("beta>=2") in requirements(await client.metadata(dist))
        missing = await client.project("gamma")
        assert isinstance(missing, Unavailable)
        assert "`gamma`" in missing.what and "`test`" in missing.what
        with pytest.raises(OfflineMiss, match="gamma"):
            await client.candidates("gamma")
        not_downloaded = await client.download(dist, tmp_path / "out")
        assert isinstance(not_downloaded, Unavailable)
        assert dist.filename in not_downloaded.what
    assert server.requests == []


# -- concurrency and failures ---------------------------------------------------------------


async def test_duplicate_requests_in_flight_are_merged(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=True)
    async with IndexClient(settings_for(tmp_path, default_index(server))) as client:
        client.prefetch("alpha")
        pages = await asyncio.gather(*(client.candidates("alpha") for _ in range(10)))
        assert all(page == pages[0] for page in pages)
        dist = next(d for d in pages[0] if d.version == Version("1.0.0") and d.kind == "wheel")
        results = await asyncio.gather(*(client.metadata(dist) for _ in range(10)))
        assert all(result == results[0] for result in results)
        client.prefetch_metadata("beta", [Version("1.0.0"), Version("2.0.0")])
        beta = await newest(client, "beta", "2.0.0")
        await client.metadata(beta)
        assert client.stats().merged >= 19
    counted = paths(server)
    assert counted.count("/simple/alpha/") == 1
    assert counted.count("/simple/beta/") == 1
    assert len([p for p in counted if p.endswith("alpha-1.0.0-py3-none-any.whl.metadata")]) == 1
    assert len([p for p in counted if "beta-2.0.0" in p]) == 1


@pytest.mark.parametrize("kind", ["500", "reset", "truncate"])
async def test_retries_on_server_errors_resets_and_truncation(tmp_path, index_server, kind):
    server = index_server(UNIVERSE, metadata_files=True)
    server.inject("/simple/*", kind=kind, times=2)
    server.inject("/files/*", kind=kind, times=2)
    async with IndexClient(settings_for(tmp_path, default_index(server), attempts=3)) as client:
        dist = await newest(client, "gamma", "1.0.0")
        assert (await client.metadata(dist)).name == "gamma"
        path = await client.download(dist, tmp_path / "out")
        assert path.is_file()
        # aiohttp itself retries a reused keep-alive connection once after a reset, so the
        # client may see fewer failures than were injected; it must have retried each path.
        assert client.stats().retries >= 2


async def test_retries_after_a_timeout(tmp_path, index_server):
    server = index_server(UNIVERSE)
    server.inject("/simple/*", kind="slow", times=1, delay=2.0)
    settings = settings_for(tmp_path, default_index(server), timeout=0.3)
    async with IndexClient(settings) as client:
        assert await client.candidates("gamma")
        assert client.stats().retries == 1
        assert client.stats().requests_by_kind == {"page": 2}
    # (The server logs the slow request only when its handler ends, so count on our side.)


async def test_gives_up_after_the_attempts_with_a_clear_error(tmp_path, index_server):
    server = index_server(UNIVERSE)
    server.inject("/simple/*", kind="500", times=10)
    async with IndexClient(settings_for(tmp_path, default_index(server), attempts=3)) as client:
        with pytest.raises(IndexFailure, match=r"HTTP 500 \(after 3 attempts\)"):
            await client.candidates("gamma")
    assert len(server.requests) == 3


# -- credentials ----------------------------------------------------------------------------


async def test_credentials_are_used_and_never_leak(tmp_path, index_server, caplog):
    caplog.set_level(logging.DEBUG)
    server = index_server(UNIVERSE, basic_auth=("user", "s3cret-token"))
    host_url = server.simple_url
    without = IndexConfig(name="private", url=host_url, default=True)
    async with IndexClient(settings_for(tmp_path / "a", without), environ={}) as client:
        with pytest.raises(IndexFailure) as caught:
            await client.candidates("alpha")
        assert caught.value.status == 401
        assert "credentials" in str(caught.value)
    in_url = host_url.replace("://", "://user:s3cret-token@")
    async with IndexClient(
        settings_for(tmp_path / "b", IndexConfig(name="private", url=in_url, default=True)),
        environ={},
    ) as client:
        dist = await newest(client, "alpha", "1.0.0")
        await client.metadata(dist)
        await client.download(dist, tmp_path / "out")
        assert "s3cret" not in repr(await client.candidates("alpha"))
    environ = {
        "ULOCK_INDEX_PRIVATE_USERNAME": "user",
        "ULOCK_INDEX_PRIVATE_PASSWORD": "s3cret-token",
    }
    async with IndexClient(settings_for(tmp_path / "c", without), environ=environ) as client:
        assert await client.candidates("beta")
    wrong = in_url.replace("s3cret-token", "wrong-s3cret")
    async with IndexClient(
        settings_for(tmp_path / "d", IndexConfig(name="private", url=wrong, default=True)),
        environ={},
    ) as client:
        with pytest.raises(IndexFailure) as caught:
            await client.candidates("alpha")
        assert "s3cret" not in str(caught.value)
    assert "s3cret" not in caplog.text
    for cache_file in (tmp_path).rglob("*"):
        if cache_file.is_file() and cache_file.suffix in (".json", ".metadata"):
            assert b"s3cret" not in cache_file.read_bytes()


async def test_plain_http_to_a_remote_host_is_refused(tmp_path):
    config = IndexConfig(name="corp", url="http://user:pw@pkgs.example/simple", default=True)
    with pytest.raises(InputError, match="requires HTTPS") as caught:
        IndexClient(settings_for(tmp_path, config))
    assert "pw" not in str(caught.value).replace("pkgs", "")
    allowed = settings_for(tmp_path, config, allow_insecure_hosts=frozenset({"pkgs.example"}))
    IndexClient(allowed)  # no error


# -- several indexes ------------------------------------------------------------------------

SPLIT = {
    "packages": {
        "shared": {"versions": {"9.0.0": {}}},
        "public-only": {"versions": {"1.0.0": {}}},
        "gpu-lib": {"versions": {"1.0.0": {}}},
    },
    "indexes": {
        "internal": {"packages": {"shared": {"versions": {"1.0.0": {}}}}},
        "accel": {"packages": {"gpu-lib": {"versions": {"2.0.0+cu128": {}}}}},
    },
}


def split_indexes(server, **accel) -> tuple[IndexConfig, ...]:
    return (
        IndexConfig(name="internal", url=server.index_url("internal")),
        IndexConfig(name="accel", url=server.index_url("accel"), **accel),
        IndexConfig(name="public", url=server.simple_url, default=True),
    )


def versions(dists) -> list[tuple[str, str]]:
    return sorted({(d.index, str(d.version)) for d in dists})


async def test_first_index_stops_dependency_confusion(tmp_path, index_server):
    server = index_server(SPLIT)
    settings = settings_for(tmp_path, *split_indexes(server))
    async with IndexClient(settings) as client:
        assert versions(await client.candidates("shared")) == [("internal", "1.0.0")]
        assert versions(await client.candidates("public-only")) == [("public", "1.0.0")]
    # The public index was never asked about the internal package.
    assert "/simple/shared/" not in paths(server)


async def test_unsafe_best_match_considers_every_index(tmp_path, index_server):
    server = index_server(SPLIT)
    settings = settings_for(tmp_path, *split_indexes(server), index_strategy="unsafe-best-match")
    async with IndexClient(settings) as client:
        assert versions(await client.candidates("shared")) == [
            ("internal", "1.0.0"),
            ("public", "9.0.0"),
        ]


async def test_explicit_index_serves_only_pinned_packages(tmp_path, index_server):
    server = index_server(SPLIT)
    settings = settings_for(tmp_path, *split_indexes(server, explicit=True))
    async with IndexClient(settings) as client:
        assert versions(await client.candidates("gpu-lib")) == [("public", "1.0.0")]
        assert versions(await client.candidates("gpu-lib", pinned_index="accel")) == [
            ("accel", "2.0.0+cu128")
        ]
        assert await client.candidates("shared", pinned_index="accel") == []
        with pytest.raises(InputError, match="unknown index `nope`"):
            await client.candidates("gpu-lib", pinned_index="nope")


async def test_default_index_replaces_the_public_one(tmp_path, index_server):
    server = index_server(SPLIT)
    settings = settings_for(tmp_path, IndexConfig(name="mine", url=server.simple_url, default=True))
    assert [i.name for i in settings.ordered_indexes()] == ["mine"]
    async with IndexClient(settings) as client:
        assert versions(await client.candidates("shared")) == [("mine", "9.0.0")]


async def test_flat_html_page_over_http(tmp_path, index_server):
    server = index_server(UNIVERSE)
    flat = IndexConfig(name="links", url=server.flat_url, format="flat", default=True)
    async with IndexClient(settings_for(tmp_path, flat)) as client:
        alpha = await client.candidates("alpha")
        assert {str(d.version) for d in alpha} >= {"1.0.0", "2.0.0"}
        gamma = await client.candidates("gamma")
        assert requirements(await client.metadata(gamma[0])) == []
        assert isinstance(await client.project("nothing-here", "links"), NotFound)
    # One request for the whole page, however many projects were asked about.
    assert [p for p in paths(server) if not p.startswith("/files/")] == [paths(server)[0]]


async def test_flat_directory_written_by_the_test_builder(tmp_path, index_build_cache):
    from tests.support.builder import write_flat_directory

    write_flat_directory(UNIVERSE, tmp_path / "wheelhouse", builder=index_build_cache)
    flat = IndexConfig(name="house", url=str(tmp_path / "wheelhouse"), format="flat", default=True)
    async with IndexClient(settings_for(tmp_path, flat)) as client:
        dist = await newest(client, "alpha", "1.0.0")
        assert dist.path is not None and dist.path.parent == tmp_path / "wheelhouse"
        assert requirements(await client.metadata(dist)) == [Requirement("beta>=1")]
        (sdist,) = await client.candidates("built-sdist")
        assert requirements(await client.metadata(sdist)) == [Requirement("gamma>=1")]


async def test_connections_per_host_are_bounded(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=True)
    settings = settings_for(tmp_path, default_index(server), concurrency=2)
    async with IndexClient(settings) as client:
        dists = [
            d
            for name in ("alpha", "beta")
            for d in await client.candidates(name)
            if d.kind == "wheel"
        ][:6]
        assert len({(d.name, d.version) for d in dists}) == 6
        server.inject("/files/*.metadata", kind="slow", times=6, delay=0.3)
        started = asyncio.get_running_loop().time()
        await asyncio.gather(*(client.metadata(d) for d in dists))
        elapsed = asyncio.get_running_loop().time() - started
    # Six 0.3 s answers two at a time cannot take less than three rounds.
    assert elapsed >= 0.85


TWO_PROCESSES = """
import asyncio, sys
from pathlib import Path
from universal_lock.index import IndexClient, IndexConfig, IndexSettings

async def main():
    index = IndexConfig(name="test", url=sys.argv[1], default=True)
    settings = IndexSettings(indexes=(index,), cache_dir=Path(sys.argv[2]), retry_backoff=0)
    async with IndexClient(settings) as client:
        for name in ("alpha", "beta", "gamma"):
            for dist in await client.candidates(name):
                if dist.kind == "wheel":
                    await client.metadata(dist)
                    await client.download(dist, Path(sys.argv[3]))

asyncio.run(main())
"""


async def test_two_processes_share_one_cache(tmp_path, index_server):
    import sys

    server = index_server(UNIVERSE, metadata_files=False)
    cache = tmp_path / "cache"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            TWO_PROCESSES,
            server.simple_url,
            str(cache),
            str(tmp_path / f"out{i}"),
            stderr=asyncio.subprocess.PIPE,
        )
        for i in range(2)
    ]
    for process in processes:
        _out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
    assert sorted(p.name for p in (tmp_path / "out0").iterdir()) == sorted(
        p.name for p in (tmp_path / "out1").iterdir()
    )
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]
    # The cache both wrote is complete: an offline client finds everything in it.
    server.clear_log()
    async with IndexClient(settings_for(tmp_path, default_index(server), offline=True)) as client:
        for name in ("alpha", "beta", "gamma"):
            for dist in await client.candidates(name):
                if dist.kind == "wheel":
                    assert not isinstance(await client.metadata(dist), Unavailable)
                    assert not isinstance(await client.download(dist, tmp_path / "x"), Unavailable)
    assert server.requests == []


async def test_failed_prefetch_is_quiet_and_the_real_call_reports_it(
    tmp_path, index_server, caplog
):
    server = index_server(UNIVERSE)
    server.inject("/simple/alpha/", kind="500", times=1)
    settings = settings_for(tmp_path, default_index(server), attempts=1)
    async with IndexClient(settings) as client:
        client.prefetch("alpha")
        client.prefetch_metadata("beta", [Version("1.0.0")])
        await asyncio.sleep(0.2)
        # The failed page was forgotten, so asking again asks the index again.
        assert await client.candidates("alpha")
    assert [r.status for r in server.requests if r.path == "/simple/alpha/"] == [500, 200]
    assert "never retrieved" not in caplog.text
