"""Speed behaviour of the index client: what a page prefetch fetches, and what importing costs.

A prefetch of a project's pages also fetches the metadata of its newest final release when
that is one PEP 658 request (the version a resolver most often picks next); nothing else is
fetched speculatively. Importing the client does not import aiohttp: the HTTP session is made
on the first request, so a lock from local directories never loads it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from packaging.version import Version

from universal_lock.index import IndexClient, IndexConfig, IndexSettings

UNIVERSE = {
    "packages": {
        "alpha": {
            "versions": {
                "1.0.0": {},
                "2.0.0": {"requires": ["beta"]},
                "3.0.0a1": {},
                "2.5.0": {"yanked": True},
            }
        },
        "beta": {"versions": {"1.0.0": {}}},
        "only-sdist": {"versions": {"1.0.0": {"wheel": False, "sdist": True}}},
    }
}


def _settings(tmp_path: Path, server, **options) -> IndexSettings:
    index = IndexConfig(name="test", url=server.simple_url, default=True)
    return IndexSettings(indexes=(index,), cache_dir=tmp_path / "cache", **options)


def _metadata_paths(server) -> list[str]:
    return sorted(r.path for r in server.requests if r.path.endswith(".metadata"))


async def _settle(client: IndexClient) -> None:
    # Background prefetches are fire-and-forget; give them time to finish.
    for _ in range(100):
        await asyncio.sleep(0.02)
        if not client._background:
            return


async def test_prefetch_fetches_the_newest_final_release_metadata_once(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=True)
    async with IndexClient(_settings(tmp_path, server)) as client:
        client.prefetch("alpha")
        await _settle(client)
        # Neither the pre-release 3.0.0a1 nor the yanked 2.5.0: the newest final is 2.0.0.
        assert _metadata_paths(server) == ["/files/alpha-2.0.0-py3-none-any.whl.metadata"]
        dist = next(d for d in await client.candidates("alpha") if d.version == Version("2.0.0"))
        metadata = await client.metadata(dist)
        assert [str(r) for r in metadata.requires_dist] == ["beta"]
    # The resolver's own call was answered by the prefetch: still one request.
    assert len(_metadata_paths(server)) == 1
    # Speculation stops at one level: beta's page was not asked for.
    assert "/simple/beta/" not in [r.path for r in server.requests]


async def test_prefetch_never_builds_or_downloads_for_speculation(tmp_path, index_server):
    server = index_server(UNIVERSE, metadata_files=False)
    async with IndexClient(_settings(tmp_path, server)) as client:
        client.prefetch("alpha")
        client.prefetch("only-sdist")
        await _settle(client)
    # Without PEP 658 files (or with only an sdist) metadata costs a download or a build.
    assert sorted(r.path for r in server.requests) == ["/simple/alpha/", "/simple/only-sdist/"]


def test_importing_the_client_does_not_import_aiohttp():
    code = "import sys, universal_lock.index, universal_lock.cli; print('aiohttp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
