"""Real PEP 517 builds with the in-repo test backend and variants of it: metadata, wheels,
editable wheels, static and dynamic build requirements, failures."""

from __future__ import annotations

import logging
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.unit.building._trees import WheelShelf, universe, unpack, with_variant
from universal_lock.building import (
    BuildFailed,
    HookMissing,
    build_wheel,
    prepare_metadata,
)
from universal_lock.errors import UlockError


def _sdist(name: str) -> Path:
    return universe().file(name).path


def _wheel(name: str) -> Path:
    return universe().file(name).path


def _shelf() -> WheelShelf:
    return WheelShelf(
        [_wheel("helper-1.0.0-py3-none-any.whl"), _wheel("helper-2.0.0-py3-none-any.whl")]
    )


FALLBACK = """
    # No prepare_metadata_for_build_wheel: the frontend must build the wheel for metadata.
    from pathlib import Path
    import ulock_test_backend as base
    from ulock_test_backend import get_requires_for_build_wheel

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        Path("fallback-used").write_text("yes")
        return base.build_wheel(wheel_directory, config_settings, metadata_directory)
"""

DYNAMIC = """
    import ulock_test_backend as base
    from ulock_test_backend import prepare_metadata_for_build_wheel

    def get_requires_for_build_wheel(config_settings=None):
        return ["helper>=2"]

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        import helper
        assert helper.__version__ == "2.0.0", helper.__version__
        return base.build_wheel(wheel_directory, config_settings, metadata_directory)
"""

EDITABLE = """
    import os
    import ulock_test_backend as base
    from ulock_test_backend import *

    def get_requires_for_build_editable(config_settings=None):
        return ["helper"]

    def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
        import helper  # the dynamic requirement was installed
        metadata, name, version = base._source_metadata()
        filename = base.wheel_filename(name, version, "py3-none-any")
        pth = (os.path.abspath(".") + "\\n").encode()
        data = base.wheel_bytes(
            name=name, version=version, tag="py3-none-any", metadata=metadata,
            files=[("_" + name + "_editable.pth", pth)],
        )
        with open(os.path.join(wheel_directory, filename), "wb") as stream:
            stream.write(data)
        return filename
"""

RECORDING = """
    import sys
    from pathlib import Path
    import ulock_test_backend as base
    from ulock_test_backend import get_requires_for_build_wheel

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        import helper  # the static requirement was installed
        facts = "%d.%d %s" % (sys.version_info[0], sys.version_info[1], sys.prefix)
        Path("built-with.txt").write_text(facts)
        return base.build_wheel(wheel_directory, config_settings, metadata_directory)
"""

FAILING = """
    import sys

    def get_requires_for_build_wheel(config_settings=None):
        return []

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        print("x" * 5000)
        sys.stdout.flush()
        print("compiler said: boom-marker", file=sys.stderr)
        raise SystemExit(1)
"""

WARNING = """
    import warnings
    import ulock_test_backend as base
    from ulock_test_backend import get_requires_for_build_wheel

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        warnings.warn("careful-marker")
        return base.build_wheel(wheel_directory, config_settings, metadata_directory)
"""


async def test_metadata_through_the_hook(tmp_path: Path) -> None:
    shelf = _shelf()
    outcome = await prepare_metadata(
        _sdist("alpha-1.0.0.tar.gz"), python=None, work_dir=tmp_path / "work", provide=shelf
    )
    assert outcome.path.name == "METADATA"
    assert outcome.path.read_bytes() == universe().file("alpha-1.0.0-py3-none-any.whl").metadata
    assert outcome.build_system.backend == "ulock_test_backend"
    assert outcome.build_system.backend_path == ("_backend",)
    assert outcome.dynamic_requires == ()
    assert shelf.calls == []  # nothing to install, nothing asked


async def test_metadata_through_the_wheel_when_the_hook_is_missing(tmp_path: Path) -> None:
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), FALLBACK)
    outcome = await prepare_metadata(
        tree, python=None, work_dir=tmp_path / "work", provide=_shelf()
    )
    assert (tree / "fallback-used").is_file()
    assert outcome.path.read_bytes() == universe().file("alpha-1.0.0-py3-none-any.whl").metadata


async def test_a_wheel_from_an_sdist_is_the_prebuilt_one(tmp_path: Path) -> None:
    outcome = await build_wheel(
        _sdist("alpha-1.0.0.tar.gz"),
        python=None,
        editable=False,
        work_dir=tmp_path / "work",
        provide=_shelf(),
    )
    prebuilt = _wheel("alpha-1.0.0-py3-none-any.whl")
    assert outcome.path.name == prebuilt.name
    assert outcome.path.read_bytes() == prebuilt.read_bytes()
    assert outcome.path.is_relative_to(tmp_path / "work")


def _other_python() -> Path | None:
    for version in ("3.12", "3.13", "3.10", "3.9"):
        for candidate in sorted(
            (Path.home() / ".pyenv" / "versions").glob(f"{version}.*/bin/python")
        ):
            return candidate
    return None


@pytest.mark.parametrize("which", ["running", "other"])
async def test_static_requirements_are_provided_and_installed(tmp_path: Path, which: str) -> None:
    python = None if which == "running" else _other_python()
    if which == "other" and python is None:
        pytest.skip("no second interpreter under ~/.pyenv")
    tree = with_variant(
        unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), RECORDING, requires=["helper<2"]
    )
    shelf = _shelf()
    outcome = await build_wheel(
        tree, python=python, editable=False, work_dir=tmp_path / "work", provide=shelf
    )
    assert shelf.calls == [(["helper<2"], False)]
    assert outcome.build_system.requires == (Requirement("helper<2"),)
    version, prefix = (tree / "built-with.txt").read_text().split(" ")
    expected = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if python is not None:
        expected = python.parts[-3].rsplit(".", 1)[0]
    assert version == expected
    assert Path(prefix) == tmp_path / "work" / "env"


async def test_the_in_repo_backend_sees_its_build_requirement(tmp_path: Path) -> None:
    # needy's own backend refuses to build unless `helper` imports.
    shelf = _shelf()
    outcome = await build_wheel(
        _sdist("needy-1.0.0.tar.gz"), python=None, editable=False, work_dir=tmp_path, provide=shelf
    )
    assert outcome.path.name == "needy-1.0.0-py3-none-any.whl"
    assert shelf.calls == [(["helper"], False)]


async def test_dynamic_requirements_reach_the_provider_as_dynamic(tmp_path: Path) -> None:
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), DYNAMIC)
    shelf = _shelf()
    outcome = await build_wheel(
        tree, python=None, editable=False, work_dir=tmp_path / "work", provide=shelf
    )
    assert shelf.calls == [(["helper>=2"], True)]
    assert outcome.dynamic_requires == (Requirement("helper>=2"),)
    assert outcome.path.name == "alpha-1.0.0-py3-none-any.whl"


@pytest.mark.parametrize("form", ["tree", "sdist"])
async def test_an_editable_wheel(tmp_path: Path, form: str) -> None:
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), EDITABLE)
    source = tree
    if form == "sdist":
        import tarfile

        source = tmp_path / "alpha-1.0.0.tar.gz"
        with tarfile.open(source, "w:gz") as archive:
            archive.add(tree, arcname=tree.name)
    shelf = _shelf()
    outcome = await build_wheel(
        source, python=None, editable=True, work_dir=tmp_path / "work", provide=shelf
    )
    assert shelf.calls == [(["helper"], True)]
    with zipfile.ZipFile(outcome.path) as wheel:
        pth = wheel.read("_alpha_editable.pth").decode().strip()
    built_from = tree if form == "tree" else tmp_path / "work" / "src" / tree.name
    assert Path(pth) == built_from


async def test_an_editable_build_without_pep_660_says_no_editable(tmp_path: Path) -> None:
    with pytest.raises(HookMissing) as raised:
        await build_wheel(
            _sdist("alpha-1.0.0.tar.gz"), python=None, editable=True, work_dir=tmp_path,
            provide=_shelf(),
        )  # fmt: skip
    assert raised.value.hint == "sync with `--no-editable`"
    assert str(raised.value).startswith("building `alpha-1.0.0.tar.gz` failed:")
    assert str(raised.value).endswith("hint: sync with `--no-editable`")


async def test_a_failing_backend_shows_the_tail_of_its_output(tmp_path: Path) -> None:
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), FAILING)
    with pytest.raises(BuildFailed) as raised:
        await build_wheel(
            tree, python=None, editable=False, work_dir=tmp_path / "w", provide=_shelf()
        )
    error = raised.value
    assert isinstance(error, UlockError)
    assert error.message.startswith(
        "building `alpha-1.0.0` failed: the build backend's `build_wheel` hook failed:\n"
    )
    assert error.message.endswith("compiler said: boom-marker")
    assert 0 < len(error.output) <= 2000
    assert error.output in error.message


async def test_a_backend_that_does_not_import(tmp_path: Path) -> None:
    tree = unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "no_such_backend_here"\n'
    )
    with pytest.raises(BuildFailed, match="the build backend `no_such_backend_here` cannot be"):
        await prepare_metadata(tree, python=None, work_dir=tmp_path / "w", provide=_shelf())


async def test_the_legacy_default_is_asked_of_the_provider(tmp_path: Path) -> None:
    tree = tmp_path / "old"
    tree.mkdir()
    (tree / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    shelf = WheelShelf([])
    with pytest.raises(
        UlockError, match=r"the shelf has no wheel for `setuptools>=40\.8\.0`"
    ) as raised:
        await prepare_metadata(tree, python=None, work_dir=tmp_path / "w", provide=shelf)
    assert not isinstance(raised.value, BuildFailed)  # the provider's error, unchanged
    assert shelf.calls == [(["setuptools>=40.8.0"], False)]


async def test_two_versions_of_one_build_requirement_are_refused(tmp_path: Path) -> None:
    tree = with_variant(
        unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), DYNAMIC, requires=["helper<2"]
    )
    with pytest.raises(
        BuildFailed, match=r"need both `helper-1\.0\.0-py3-none-any\.whl` and `helper-2"
    ):
        await build_wheel(
            tree, python=None, editable=False, work_dir=tmp_path / "w", provide=_shelf()
        )


async def test_backend_warnings_go_to_the_debug_log(tmp_path: Path, caplog) -> None:
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), WARNING)
    caplog.set_level(logging.DEBUG, logger="universal_lock.building")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await build_wheel(
            tree, python=None, editable=False, work_dir=tmp_path / "w", provide=_shelf()
        )
    assert [str(warning.message) for warning in caught] == []
    assert "build backend warning: careful-marker" in caplog.text


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ('"helper"', r"`get_requires_for_build_wheel` returned 'helper', not a list"),
        ('["not valid!!"]', r"its build backend asked for an invalid requirement 'not valid!!'"),
    ],
)
async def test_bad_dynamic_requirements_are_build_failed(
    tmp_path: Path, returned: str, expected: str
) -> None:
    backend = f"""
        from ulock_test_backend import build_wheel

        def get_requires_for_build_wheel(config_settings=None):
            return {returned}
    """
    tree = with_variant(unpack(_sdist("alpha-1.0.0.tar.gz"), tmp_path / "src"), backend)
    with pytest.raises(BuildFailed, match=expected):
        await build_wheel(
            tree, python=None, editable=False, work_dir=tmp_path / "w", provide=_shelf()
        )
