"""Locked build requirements end to end (issue 5's second seed).

The project builds against torch: its in-tree backend imports torch while building and
records the version it saw in the wheel. torch comes from a cu118 or a cu124 index by extra
(declared conflicting) and from the default index otherwise. `ulock lock` must lock the
project's build requirements per fork with the same sources, and `ulock sync --extra cu124`
must build against the cu124 torch, `--extra cu118` against the cu118 one.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from packaging.tags import Tag

from tests.support.builder import write_flat_directory
from tests.support.cli import run_ulock
from tests.support.inline_backend import PREAMBLE, WHEEL_WRITER
from tests.support.oracle import environment
from universal_lock.lockfile import read_lock, select_build_environment

UNIVERSE = {
    "packages": {
        "torch": {"versions": {"2.4.0": {}}},
        "packaging-helper": {"versions": {"1.0.0": {}}},
    },
    "indexes": {
        "cu118": {"packages": {"torch": {"versions": {"2.2.0+cu118": {}}}}},
        "cu124": {"packages": {"torch": {"versions": {"2.4.0+cu124": {}}}}},
    },
}

PYPROJECT = """
[project]
name = "app"
version = "0.1"
requires-python = ">=3.8"
dependencies = []

[project.optional-dependencies]
cu118 = ["torch==2.2.0"]
cu124 = ["torch==2.4.0"]

[build-system]
requires = ["torch>=2.2", "packaging-helper"]
build-backend = "recording_backend"
backend-path = ["_backend"]

[tool.ulock]
conflicts = [[{ extra = "cu118" }, { extra = "cu124" }]]

[[tool.ulock.index]]
name = "cu118"
url = "./indexes/cu118"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "cu124"
url = "./indexes/cu124"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "default"
url = "./indexes/default"
format = "flat"
default = true

[tool.ulock.sources]
torch = [
  { index = "cu118", extra = "cu118" },
  { index = "cu124", extra = "cu124" },
]
"""

# Records the torch the build environment had: `app.BUILT_WITH_TORCH`.
BACKEND = (
    PREAMBLE
    + 'NAME, VERSION = "app", "0.1"\n'
    + WHEEL_WRITER
    + r"""

def _recording_wheel(directory):
    import packaging_helper  # a second build requirement, to see that every pin is installed
    import torch

    module = "__version__ = %r\nBUILT_WITH_TORCH = %r\n" % (VERSION, torch.__version__)
    return _wheel(directory, {"app/__init__.py": module.encode()})


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _recording_wheel(wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _recording_wheel(wheel_directory)
"""
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "app"
    directory.mkdir()
    (directory / "pyproject.toml").write_text(PYPROJECT)
    (directory / "_backend").mkdir()
    (directory / "_backend" / "recording_backend.py").write_text(BACKEND)
    for index in ("default", "cu118", "cu124"):
        write_flat_directory(UNIVERSE, directory / "indexes" / index, index=index)
    return directory


def built_with(venv: Path) -> tuple[str, str]:
    """(the torch the project was built with, the torch installed at run time)."""
    code = "import app, torch; print(app.BUILT_WITH_TORCH, torch.__version__)"
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], out[1]


def test_the_lock_pins_the_projects_build_requirements_per_extra(project: Path, tmp_path) -> None:
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 0
    lock = read_lock(project / "pylock.toml")
    (app,) = [package for package in lock.packages if package.name == "app"]
    torch_pins = {str(pin.version): pin.marker for pin in app.build_requires if pin.name == "torch"}
    assert set(torch_pins) == {"2.2.0+cu118", "2.4.0+cu124", "2.4.0"}
    assert "'cu118' in extras" in (torch_pins["2.2.0+cu118"] or "")
    assert "'cu124' in extras" in (torch_pins["2.4.0+cu124"] or "")
    # The same helper everywhere: one pin.
    assert [str(pin.version) for pin in app.build_requires if pin.name == "packaging-helper"] == [
        "1.0.0"
    ]
    # What a build installs, per extra, comes from the index the extra's source names.
    here = environment(("linux", "Linux", "posix", "x86_64"), "3.11.4")
    tags = [Tag("py3", "none", "any")]
    for extras, wheel in [
        ((), "indexes/default/torch-2.4.0-py3-none-any.whl"),
        (("cu118",), "indexes/cu118/torch-2.2.0+cu118-py3-none-any.whl"),
        (("cu124",), "indexes/cu124/torch-2.4.0+cu124-py3-none-any.whl"),
    ]:
        chosen = select_build_environment(lock, app, here, tags=tags, extras=extras)
        paths = {selected.package.name: selected.artifact.path for selected in chosen}  # type: ignore[union-attr]
        assert paths == {
            "torch": wheel,
            "packaging-helper": "indexes/default/packaging_helper-1.0.0-py3-none-any.whl",
        }
    # The runtime torch entries serve the extras' builds; only the default one is extra.
    assert [(p.name, str(p.version)) for p in lock.build_packages] == [
        ("packaging-helper", "1.0.0"),
        ("torch", "2.4.0"),
    ]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--extra", "cu124"), ("2.4.0+cu124", "2.4.0+cu124")),
        (("--extra", "cu118"), ("2.2.0+cu118", "2.2.0+cu118")),
    ],
)
def test_sync_builds_the_project_against_the_extras_torch(
    project: Path, tmp_path: Path, flags: tuple[str, ...], expected: tuple[str, str]
) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    venv = tmp_path / "venv"
    code = run_ulock(
        "sync", "--directory", str(project), "--venv", str(venv), "--cache-dir", str(cache),
        "--frozen", *flags,
    )  # fmt: skip
    assert code == 0
    assert built_with(venv) == expected


def test_both_extras_fail_clearly(project: Path, tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    capsys.readouterr()
    code = run_ulock(
        "sync", "--directory", str(project), "--venv", str(tmp_path / "venv"),
        "--cache-dir", str(cache), "--frozen", "--extra", "cu118", "--extra", "cu124",
    )  # fmt: skip
    assert code != 0
    err = capsys.readouterr().err
    assert "cu118" in err and "cu124" in err and "conflict" in err
    assert not (tmp_path / "venv").exists() or not list(
        (tmp_path / "venv").glob("lib/*/site-packages/app*")
    )


def test_switching_extras_rebuilds_the_project(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(project), "--venv", str(venv), "--cache-dir", str(cache))
    assert run_ulock(*common, "--frozen", "--extra", "cu124") == 0
    assert built_with(venv) == ("2.4.0+cu124", "2.4.0+cu124")
    # The project is installed editable, but its build environment changed: it is rebuilt.
    assert run_ulock(*common, "--frozen", "--extra", "cu118") == 0
    assert built_with(venv) == ("2.2.0+cu118", "2.2.0+cu118")


def test_stale_build_requirements_fail_and_say_to_relock(
    project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace('"torch>=2.2"', '"torch>=2.3"'))
    capsys.readouterr()
    code = run_ulock(
        "sync", "--directory", str(project), "--venv", str(tmp_path / "venv"),
        "--cache-dir", str(cache), "--frozen", "--extra", "cu118",
    )  # fmt: skip
    assert code != 0
    err = capsys.readouterr().err
    assert "torch>=2.3" in err and "2.2.0+cu118" in err and "ulock lock" in err


SDIST_PROJECT = """
[project]
name = "demo"
version = "0.1"
requires-python = ">=3.8"
dependencies = ["srconly"]

[[tool.ulock.index]]
name = "tools"
url = "./indexes/tools"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "default"
url = "./indexes/default"
format = "flat"
default = true

[tool.ulock.sources]
helper = [{ index = "tools" }]
"""

SDIST_UNIVERSE = {
    "packages": {
        # No wheel and dynamic metadata: the lock must build it to learn its dependencies,
        # and its backend refuses to run unless `helper` is importable.
        "srconly": {
            "versions": {
                "1.0.0": {
                    "wheel": False,
                    "sdist_metadata": "dynamic",
                    "build_requires": ["helper>=2"],
                    "requires": ["beta"],
                }
            }
        },
        "beta": {"versions": {"1.0.0": {}}},
        # The default index's helper is too old: only the `tools` source has a fitting one.
        "helper": {"versions": {"1.0.0": {}}},
    },
    "indexes": {"tools": {"packages": {"helper": {"versions": {"2.0.0": {}}}}}},
}


@pytest.fixture
def sdist_project(tmp_path: Path) -> Path:
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "pyproject.toml").write_text(SDIST_PROJECT)
    for index in ("default", "tools"):
        write_flat_directory(SDIST_UNIVERSE, directory / "indexes" / index, index=index)
    return directory


def test_an_sdists_build_requirements_follow_the_sources_at_lock_and_sync(
    sdist_project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    # Preparing srconly's metadata needs helper>=2, which only the `tools` source serves.
    assert run_ulock("lock", "--directory", str(sdist_project), "--cache-dir", str(cache)) == 0
    lock = read_lock(sdist_project / "pylock.toml")
    (srconly,) = [package for package in lock.packages if package.name == "srconly"]
    assert [str(pin) for pin in srconly.build_requires] == ["helper==2.0.0"]
    assert {package.name for package in lock.packages} == {"srconly", "beta"}
    (helper,) = lock.build_packages
    assert helper.wheels[0].path == "indexes/tools/helper-2.0.0-py3-none-any.whl"

    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(sdist_project), "--venv", str(venv))
    assert run_ulock(*common, "--cache-dir", str(cache), "--frozen") == 0
    code = "import srconly, beta; print(srconly.__version__, beta.__version__)"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["1.0.0", "1.0.0"]


def test_a_lock_without_the_build_pins_is_refused_before_building(
    sdist_project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(sdist_project), "--cache-dir", str(cache)) == 0
    lock_file = sdist_project / "pylock.toml"
    text = lock_file.read_text()
    # As a lock written by another tool would be: no [packages.tool.ulock] pins.
    start = text.index("[packages.tool.ulock]")
    end = (
        text.index("[[packages]]", start)
        if "[[packages]]" in text[start:]
        else text.index("[tool.ulock]", start)
    )
    lock_file.write_text(text[:start] + text[end:])
    capsys.readouterr()
    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(sdist_project), "--venv", str(venv))
    assert run_ulock(*common, "--cache-dir", str(cache), "--frozen") != 0
    err = capsys.readouterr().err
    assert "srconly" in err and "helper>=2" in err and "ulock lock" in err
    assert "Traceback" not in err


DYNAMIC_BACKEND = BACKEND.replace(
    "def build_wheel(",
    'def get_requires_for_build_wheel(config_settings=None):\n    return ["packaging-helper"]\n\n\n'
    "def get_requires_for_build_editable(config_settings=None):\n"
    '    return ["packaging-helper"]\n\n\ndef build_wheel(',
)


def test_dynamic_build_requirements_are_resolved_and_reported(
    project: Path, tmp_path: Path, capsys
) -> None:
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace(', "packaging-helper"]', "]"))
    (project / "_backend" / "recording_backend.py").write_text(DYNAMIC_BACKEND)
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    lock = read_lock(project / "pylock.toml")
    (app,) = [package for package in lock.packages if package.name == "app"]
    assert {pin.name for pin in app.build_requires} == {"torch"}
    capsys.readouterr()
    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(project), "--venv", str(venv), "--cache-dir", str(cache))
    assert run_ulock(*common, "--frozen", "--extra", "cu124") == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "asked for `packaging-helper`, which the lock does not pin" in err
    assert built_with(venv) == ("2.4.0+cu124", "2.4.0+cu124")


def test_diff_shows_a_change_of_build_requirements(project: Path, tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    old = tmp_path / "old.toml"
    old.write_text((project / "pylock.toml").read_text())
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace(', "packaging-helper"]', "]"))
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    capsys.readouterr()
    assert run_ulock("diff", str(old), str(project / "pylock.toml")) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "build-requires-changed app - build requires -packaging-helper==1.0.0" in lines
    assert any(line.startswith("removed packaging-helper (build) 1.0.0") for line in lines)
    assert lines[-1] == "0 upgraded, 0 added, 1 removed, 1 build requires changed"


GAP_UNIVERSE = {
    "packages": {
        # A Windows wheel and an sdist whose backend needs `helper`: elsewhere it is built.
        "winwheel": {
            "versions": {
                "1.0.0": {"wheel_tags": ["py3-none-win_amd64"], "build_requires": ["helper"]}
            }
        },
        "helper": {"versions": {"1.0.0": {}}},
    }
}


def gap_project(directory: Path, extra: str = "") -> Path:
    directory.mkdir()
    (directory / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["winwheel"]\n' + extra + "\n"
        '[[tool.ulock.index]]\nname = "default"\nurl = "./whl"\nformat = "flat"\ndefault = true\n'
    )
    write_flat_directory(GAP_UNIVERSE, directory / "whl")
    return directory


def test_gaps_in_the_declared_environments_get_build_pins(tmp_path: Path) -> None:
    project = gap_project(
        tmp_path / "declared",
        "[tool.ulock]\nenvironments = [\"sys_platform == 'win32'\", \"sys_platform == 'linux'\"]",
    )
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 0
    (entry,) = read_lock(project / "pylock.toml").packages
    # Linux has no wheel: the build is pinned there (and only there).
    assert [str(pin) for pin in entry.build_requires] == ["helper==1.0.0"]


def test_without_declared_environments_gaps_are_resolved_at_sync_and_reported(
    tmp_path: Path, capsys
) -> None:
    project = gap_project(tmp_path / "open")
    cache = tmp_path / "c"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    (entry,) = read_lock(project / "pylock.toml").packages
    assert entry.build_requires == ()  # no sdist was downloaded to lock exotic platforms
    capsys.readouterr()
    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(project), "--venv", str(venv), "--cache-dir", str(cache))
    assert run_ulock(*common, "--frozen") == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "building winwheel: no wheel fits here and the lock pins no build of it" in err
    assert "`helper`" in err
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import winwheel; print(winwheel.__version__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "1.0.0"


def test_build_pins_are_stable_on_relock_and_move_with_upgrade_package(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    lock_cmd = ("lock", "--directory", str(project), "--cache-dir", str(cache))
    assert run_ulock(*lock_cmd) == 0
    newer = {"packages": {"packaging-helper": {"versions": {"2.0.0": {}}}}}
    write_flat_directory(newer, project / "indexes" / "default")

    def helper_pin() -> str:
        (app,) = [p for p in read_lock(project / "pylock.toml").packages if p.name == "app"]
        (pin,) = [str(pin.version) for pin in app.build_requires if pin.name == "packaging-helper"]
        return pin

    assert run_ulock(*lock_cmd) == 0
    assert helper_pin() == "1.0.0"  # the previous lock's pin is preferred
    assert run_ulock(*lock_cmd, "--upgrade-package", "packaging-helper") == 0
    assert helper_pin() == "2.0.0"
