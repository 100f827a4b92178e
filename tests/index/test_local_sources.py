"""Sources that need no HTTP: flat directories, local files, ``file://`` simple indexes, and
sdist metadata (static PKG-INFO, PEP 517 builds with in-tree and index-served backends)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.index._dists import BACKEND, make_sdist, make_wheel, metadata_text
from universal_lock.errors import InputError
from universal_lock.index import (
    IndexClient,
    IndexConfig,
    IndexSettings,
    MetadataBuildFailed,
    NotFound,
    ProjectPage,
)


def _settings(tmp_path: Path, *indexes: IndexConfig, **options) -> IndexSettings:
    return IndexSettings(
        indexes=indexes, cache_dir=tmp_path / "cache", project_root=tmp_path, **options
    )


def _requires(metadata) -> list[str]:
    return [str(requirement) for requirement in metadata.requires_dist]


async def test_flat_directory_index_by_relative_path(tmp_path):
    make_wheel(tmp_path / "whl", "alpha", "1.0", ["beta>=2"])
    make_wheel(tmp_path / "whl", "alpha", "1.1")
    make_wheel(tmp_path / "whl", "beta", "2.0")
    (tmp_path / "whl" / "README.txt").write_text("not a distribution")
    flat = IndexConfig(name="local", url="./whl", format="flat", default=True)
    async with IndexClient(_settings(tmp_path, flat)) as client:
        alpha = await client.candidates("Alpha")
        assert [(d.version, d.index) for d in alpha] == [
            (Version("1.0"), "local"),
            (Version("1.1"), "local"),
        ]
        first = alpha[0]
        assert first.path == tmp_path / "whl" / first.filename
        assert first.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
        metadata = await client.metadata(first)
        assert _requires(metadata) == ["beta>=2"]
        assert isinstance(await client.project("gamma", "local"), NotFound)
        copied = await client.download(first, tmp_path / "out")
        assert copied.read_bytes() == first.path.read_bytes()
        assert client.stats().requests == 0


async def test_local_file_by_path(tmp_path):
    wheel = make_wheel(tmp_path / "dist", "gamma", "3.0", ["delta"])
    async with IndexClient(_settings(tmp_path)) as client:
        dist = client.local_file("dist/" + wheel.name)
        assert (dist.name, dist.version, dist.kind, dist.index) == (
            "gamma",
            Version("3.0"),
            "wheel",
            "",
        )
        assert _requires(await client.metadata(dist)) == ["delta"]
        with pytest.raises(InputError, match="no such file"):
            client.local_file("dist/gamma-9.0-py3-none-any.whl")
        with pytest.raises(InputError, match="not a wheel or sdist"):
            client.local_file("dist/notes.txt")


async def test_file_url_simple_index(tmp_path):
    root = tmp_path / "simple"
    wheel = make_wheel(tmp_path / "files", "epsilon", "1.0", ["zeta<3"])
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (root / "epsilon").mkdir(parents=True)
    (root / "epsilon" / "index.html").write_text(
        f'<a href="../../files/{wheel.name}#sha256={digest}" data-requires-python="&gt;=3.8">x</a>'
    )
    index = IndexConfig(name="disk", url=root.as_uri(), default=True)
    async with IndexClient(_settings(tmp_path, index)) as client:
        page = await client.project("epsilon")
        assert isinstance(page, ProjectPage)
        (dist,) = page.distributions
        assert dist.path == wheel
        assert str(dist.requires_python) == ">=3.8"
        assert _requires(await client.metadata(dist)) == ["zeta<3"]
        assert isinstance(await client.project("nothing"), NotFound)


async def test_sdist_with_static_pkg_info_is_not_built(tmp_path):
    # PKG-INFO says one thing, the backend would say another: static PKG-INFO must win.
    pkg_info = metadata_text("eta", "1.0", ["from-pkg-info"], metadata_version="2.2")
    make_sdist(tmp_path / "whl", "eta", "1.0", ["from-backend"], pkg_info=pkg_info)
    flat = IndexConfig(name="local", url="./whl", format="flat", default=True)
    async with IndexClient(_settings(tmp_path, flat)) as client:
        (dist,) = await client.candidates("eta")
        assert _requires(await client.metadata(dist)) == ["from-pkg-info"]


@pytest.mark.parametrize(
    "pkg_info",
    [
        None,
        metadata_text("theta", "1.0", ["stale"], metadata_version="2.1"),
        metadata_text("theta", "1.0", [], metadata_version="2.2", dynamic=["Requires-Dist"]),
    ],
    ids=["no-pkg-info", "metadata-2.1", "dynamic-requires-dist"],
)
async def test_sdist_metadata_built_with_in_tree_backend(tmp_path, pkg_info):
    make_sdist(
        tmp_path / "whl", "theta", "1.0", ["iota>=1; python_version >= '3'"], pkg_info=pkg_info
    )
    flat = IndexConfig(name="local", url="./whl", format="flat", default=True)
    async with IndexClient(_settings(tmp_path, flat)) as client:
        (dist,) = await client.candidates("theta")
        metadata = await client.metadata(dist)
        assert metadata.requires_dist == (Requirement("iota>=1; python_version >= '3'"),)
    # The built metadata is cached: a second client answers without building.
    async with IndexClient(_settings(tmp_path, flat, offline=True)) as client:
        (dist,) = await client.candidates("theta")
        assert (await client.metadata(dist)).requires_dist == metadata.requires_dist
        assert client.stats().cache_hits >= 1


async def test_sdist_build_requirements_come_from_the_same_indexes(tmp_path):
    # The backend lives in a wheel on the flat index; it depends on a helper wheel, also there.
    make_wheel(
        tmp_path / "whl",
        "kappa-backend",
        "2.0",
        ["kappa-helper>=1"],
        files={"kappa_backend.py": BACKEND},
    )
    make_wheel(tmp_path / "whl", "kappa-backend", "1.0", files={"kappa_backend.py": "broken ="})
    make_wheel(tmp_path / "whl", "kappa-helper", "1.5")
    make_sdist(
        tmp_path / "whl",
        "kappa",
        "1.0",
        ["lambda"],
        build_requires=["kappa-backend>=1"],
        backend="kappa_backend",
        in_tree_backend=False,
    )
    flat = IndexConfig(name="local", url="./whl", format="flat", default=True)
    async with IndexClient(_settings(tmp_path, flat)) as client:
        (dist,) = [d for d in await client.candidates("kappa") if d.kind == "sdist"]
        assert _requires(await client.metadata(dist)) == ["lambda"]


async def test_unsatisfiable_build_requirement_is_a_clear_error(tmp_path):
    make_sdist(
        tmp_path / "whl",
        "mu",
        "1.0",
        build_requires=["missing-backend"],
        backend="missing_backend",
        in_tree_backend=False,
    )
    flat = IndexConfig(name="local", url="./whl", format="flat", default=True)
    async with IndexClient(_settings(tmp_path, flat)) as client:
        (dist,) = await client.candidates("mu")
        with pytest.raises(MetadataBuildFailed, match="missing-backend"):
            await client.metadata(dist)
