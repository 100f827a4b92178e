"""Opt-in checks against the live public index (``pytest -m network tests/index``)."""

from __future__ import annotations

import pytest
from packaging.version import Version

from universal_lock.index import (
    DEFAULT_INDEX_URL,
    IndexClient,
    IndexSettings,
    NotFound,
    ProjectPage,
)

pytestmark = pytest.mark.network


async def test_real_projects_pages_and_metadata(tmp_path):
    assert DEFAULT_INDEX_URL.startswith("https://")
    settings = IndexSettings(cache_dir=tmp_path)
    async with IndexClient(settings) as client:
        page = await client.project("Requests")
        assert isinstance(page, ProjectPage)
        assert Version("2.31.0") in page.versions
        wheel = next(
            d for d in page.distributions if d.version == Version("2.31.0") and d.kind == "wheel"
        )
        assert wheel.sha256 is not None and wheel.size and wheel.upload_time is not None
        metadata = await client.metadata(wheel)
        assert metadata.name == "requests"
        assert any(r.name == "urllib3" for r in metadata.requires_dist)
        # A yanked release carries its reason.
        assert any(d.yanked is not None for d in page.distributions)
        missing = await client.project("this-project-does-not-exist-ulock-test-0x1")
        assert isinstance(missing, NotFound)


async def test_range_requests_against_the_real_file_host(tmp_path):
    settings = IndexSettings(cache_dir=tmp_path)
    async with IndexClient(settings) as client:
        page = await client.project("six")
        assert isinstance(page, ProjectPage)
        wheel = next(
            d for d in page.distributions if d.version == Version("1.16.0") and d.kind == "wheel"
        )
        from dataclasses import replace

        # Pretend the index has no PEP 658 file, so the range path is used.
        metadata = await client.metadata(replace(wheel, core_metadata=False))
        assert metadata.version == Version("1.16.0")
        assert client.stats().requests_by_kind.get("range", 0) >= 1
        assert client.stats().requests_by_kind.get("file", 0) == 0


async def test_legacy_sdist_built_with_setuptools_from_the_index(tmp_path, capfd):
    # docopt 0.6.2 is an sdist only, with setup.py and Metadata-Version 1.1: its metadata needs
    # a PEP 517 build, whose setuptools comes from the same index.
    settings = IndexSettings(cache_dir=tmp_path)
    async with IndexClient(settings) as client:
        (dist,) = [d for d in await client.candidates("docopt") if str(d.version) == "0.6.2"]
        assert dist.kind == "sdist"
        metadata = await client.metadata(dist)
        assert metadata.name == "docopt" and metadata.requires_dist == ()
    captured = capfd.readouterr()
    # The backend's chatter (and its warnings) never reach the terminal.
    assert captured.out == "" and captured.err == ""
