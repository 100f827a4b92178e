"""``ResolvingProvider``: a ``BuildRequirementsResolver`` and a downloader as the frontend's
``RequirementProvider`` (what the index client and sync use until builds are locked)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.unit.building._trees import universe
from universal_lock.building import build_wheel
from universal_lock.errors import UlockError
from universal_lock.index import Distribution
from universal_lock.index.sdist_build import ResolvingProvider


def _dist(path: Path) -> Distribution:
    name, version = path.name.split("-")[:2]
    return Distribution(
        filename=path.name,
        url=path.as_uri(),
        index="",
        name=canonicalize_name(name),
        version=Version(version),
        kind="wheel",
        path=path,
    )


class Catalog:
    """Resolves each requirement to the highest wheel of its name in a fixed list."""

    def __init__(self, wheels: Sequence[Path]) -> None:
        self.dists = [_dist(wheel) for wheel in wheels]
        self.asked: list[tuple[list[str], str]] = []

    async def resolve_build_requirements(
        self, requirements: Sequence[Requirement], *, for_sdist: str
    ) -> Sequence[Distribution]:
        self.asked.append(([str(requirement) for requirement in requirements], for_sdist))
        return [
            max(
                (dist for dist in self.dists if dist.name == canonicalize_name(req.name)
                 and req.specifier.contains(dist.version)),
                key=lambda dist: dist.version,
            )
            for req in requirements
        ]  # fmt: skip


class Shop:
    """Downloads by copying; counts each file's downloads; can be told to fail one."""

    def __init__(self, failing: str | None = None) -> None:
        self.downloads: list[str] = []
        self.cancelled: list[str] = []
        self.failing = failing

    async def __call__(self, dist: Distribution, dest_dir: Path) -> Path:
        if dist.filename == self.failing:
            raise UlockError(f"cannot fetch `{dist.filename}`")
        try:
            await asyncio.sleep(0.01 if self.failing is None else 5)
        except asyncio.CancelledError:
            self.cancelled.append(dist.filename)
            raise
        self.downloads.append(dist.filename)
        dest_dir.mkdir(parents=True, exist_ok=True)
        assert dist.path is not None
        return Path(shutil.copy(dist.path, dest_dir))


def _wheels() -> list[Path]:
    return [
        universe().file(name).path
        for name in ("helper-1.0.0-py3-none-any.whl", "alpha-1.0.0-py3-none-any.whl")
    ]


async def test_each_wheel_is_downloaded_once_per_build(tmp_path: Path) -> None:
    catalog, shop = Catalog(_wheels()), Shop()
    provide = ResolvingProvider(catalog, shop, for_sdist="x-1.tar.gz", wheel_dir=tmp_path)
    first = await provide([Requirement("helper"), Requirement("alpha")], dynamic=False)
    again = await provide([Requirement("helper")], dynamic=True)
    assert [path.name for path in first] == [
        "helper-1.0.0-py3-none-any.whl",
        "alpha-1.0.0-py3-none-any.whl",
    ]
    assert again == [first[0]]
    assert all(path.parent == tmp_path for path in first)
    assert sorted(shop.downloads) == sorted(path.name for path in first)
    assert catalog.asked == [(["helper", "alpha"], "x-1.tar.gz"), (["helper"], "x-1.tar.gz")]


async def test_a_failed_download_cancels_the_others(tmp_path: Path) -> None:
    shop = Shop(failing="alpha-1.0.0-py3-none-any.whl")
    provide = ResolvingProvider(Catalog(_wheels()), shop, for_sdist="x", wheel_dir=tmp_path)
    with pytest.raises(UlockError, match="cannot fetch `alpha-1"):
        await provide([Requirement("helper"), Requirement("alpha")], dynamic=False)
    assert shop.cancelled == ["helper-1.0.0-py3-none-any.whl"]


async def test_a_build_through_the_adapter(tmp_path: Path) -> None:
    # needy's backend refuses to build unless `helper` was really installed.
    sdist = universe().file("needy-1.0.0.tar.gz").path
    catalog = Catalog(_wheels())
    provide = ResolvingProvider(catalog, Shop(), for_sdist=sdist.name, wheel_dir=tmp_path / "w")
    outcome = await build_wheel(
        sdist, python=None, editable=False, work_dir=tmp_path / "b", provide=provide
    )
    assert outcome.path.name == "needy-1.0.0-py3-none-any.whl"
    assert catalog.asked == [(["helper"], "needy-1.0.0.tar.gz")]
