"""One scenario of each shared category, built and served: every page and file is consistent."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.support.fixtures import all_scenario_paths

JSON = "application/vnd.pypi.simple.v1+json"


def _one_per_category() -> list[Path]:
    try:
        paths = all_scenario_paths()
    except pytest.skip.Exception:
        return []
    firsts: dict[Path, Path] = {}
    for path in paths:
        firsts.setdefault(path.parent, path)
    return list(firsts.values())


def _read(url: str, accept: str | None = None) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request) as response:
        return bytes(response.read())


@pytest.mark.parametrize("path", _one_per_category(), ids=lambda path: path.parent.name)
def test_a_scenario_of_each_category_is_served_whole(index_server, path):
    server = index_server(path)
    scenario = server.universe.scenario
    listed = json.loads(_read(f"{server.simple_url}/", JSON))["projects"]
    assert sorted(project["name"] for project in listed) == sorted(
        package.name for package in scenario.packages.values()
    )
    for name, package in scenario.packages.items():
        page_url = f"{server.simple_url}/{name}/"
        page = json.loads(_read(page_url, JSON))
        assert page["versions"] == [str(release.version) for release in package.releases]
        expected_files = sum(
            len(release.tags) * release.wheel + release.sdist for release in package.releases
        )
        assert len(page["files"]) == expected_files
        assert _read(page_url).decode().count("<a href=") == expected_files
        for entry in page["files"]:
            data = _read(urljoin(page_url, entry["url"]))
            assert hashlib.sha256(data).hexdigest() == entry["hashes"]["sha256"]
            if "core-metadata" in entry:
                metadata = _read(urljoin(page_url, entry["url"]) + ".metadata")
                assert hashlib.sha256(metadata).hexdigest() == entry["core-metadata"]["sha256"]
                assert f"Name: {package.name}\n".encode() in metadata
