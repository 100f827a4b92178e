"""The runnable examples stay true: their committed locks are current, stable and valid everywhere.

Each example is copied to a temporary directory and locked from scratch (`--upgrade`, a fresh
cache): the result must be byte-identical to the committed `pylock.toml`. The committed lock
is judged in every environment of the grid, and pip and uv, given the lock, must install on
this machine exactly what PEP 751 selection picks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from tests.support.cli import run_ulock as run
from tests.support.oracle import judge, wheel_metadata
from universal_lock.lockfile import read_lock, select_packages
from universal_lock.operations.sync import SyncOptions, sync
from universal_lock.project import load_project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(path.parent.name for path in EXAMPLES.glob("*/pyproject.toml"))


@pytest.mark.parametrize("name", NAMES)
def test_committed_lock_is_what_ulock_lock_writes(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    shutil.copytree(EXAMPLES / name, copy)
    assert run("lock", "--check", "--directory", str(EXAMPLES / name)) == 0
    assert (
        run("lock", "--upgrade", "--directory", str(copy), "--cache-dir", str(tmp_path / "c")) == 0
    )
    assert (copy / "pylock.toml").read_text() == (EXAMPLES / name / "pylock.toml").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_committed_lock_is_a_valid_install_everywhere(name: str) -> None:
    directory = EXAMPLES / name
    project = load_project(directory)
    requirements: dict[str | None, list[Requirement]] = {None: list(project.dependencies)}
    for extra, extra_requirements in project.optional_dependencies.items():
        requirements[extra] = list(extra_requirements)
    lock = read_lock(directory / "pylock.toml")
    problems = judge(
        lock,
        project_requirements=requirements,
        metadata=wheel_metadata(directory),
        pythons=("3.10.13", "3.11.7", "3.12.1", "3.13.0"),
    )
    assert problems == []


def test_torch_example_picks_the_right_build_per_platform() -> None:
    lock = read_lock(EXAMPLES / "torch-multiplatform" / "pylock.toml")
    base = {**default_environment(), "python_full_version": "3.12.1", "python_version": "3.12"}

    def torch_on(system: str, sys_platform: str, machine: str) -> str:
        env = {**base, "platform_system": system, "sys_platform": sys_platform,
               "platform_machine": machine}  # fmt: skip
        chosen = {p.name: p for p in select_packages(lock, env)}
        torch = chosen["torch"]
        files = [*torch.wheels, *([torch.sdist] if torch.sdist else [])]
        return f"{torch.version} {files[0].path}"

    assert torch_on("Linux", "linux", "x86_64").startswith("2.3.0+cu128 indexes/cu128/")
    assert torch_on("Linux", "linux", "aarch64") == (
        "2.3.0 wheels/torch-2.3.0-cp310-abi3-linux_aarch64.whl"
    )
    assert torch_on("Darwin", "darwin", "arm64").startswith("2.3.0 indexes/cpu/")
    assert torch_on("Windows", "win32", "AMD64").startswith("2.3.0 indexes/default/")


def _expected_here(name: str, extras: tuple[str, ...]) -> list[str]:
    lock = read_lock(EXAMPLES / name / "pylock.toml")
    env = dict(default_environment())
    return sorted(f"{p.name}=={p.version}" for p in select_packages(lock, env, extras=extras))


CASES = [("torch-multiplatform", ()), ("cuda-extras", ("cu118",)), ("cuda-extras", ("cu124",))]


@pytest.mark.parametrize(("name", "extras"), CASES)
def test_pip_installs_what_selection_picks(name: str, extras: tuple[str, ...]) -> None:
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--version"], capture_output=True, text=True, check=False
    )
    if pip.returncode or int(pip.stdout.split()[1].split(".")[0]) < 26:
        pytest.skip("pip >= 26.1 is not installed in the test environment")
    source = "pylock.toml" + (f"[{','.join(extras)}]" if extras else "")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-index",
         "--disable-pip-version-check", "--ignore-installed", "--report", "-", "-r", source],
        cwd=EXAMPLES / name, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    installed = sorted(
        f"{i['metadata']['name']}=={i['metadata']['version']}" for i in report["install"]
    )
    assert installed == _expected_here(name, extras)


@pytest.mark.parametrize(("name", "extras"), CASES)
def test_uv_installs_what_selection_picks(
    name: str, extras: tuple[str, ...], tmp_path: Path
) -> None:
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed in the test environment")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    flags = [arg for extra in extras for arg in ("--extra", extra)]
    result = subprocess.run(
        [uv, "pip", "install", "--dry-run", "--offline", "--python", venv / "bin" / "python",
         "-r", "pylock.toml", *flags],
        cwd=EXAMPLES / name, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    installed = sorted(re.findall(r"^ \+ (\S+==\S+)$", result.stderr, flags=re.MULTILINE))
    assert installed == _expected_here(name, extras)


@pytest.mark.skipif(
    sys.platform != "linux" or os.uname().machine != "x86_64", reason="plans for linux x86_64"
)
def test_torch_example_syncs_here_and_plans_for_aarch64(tmp_path: Path, capsys) -> None:
    example = tmp_path / "torch-multiplatform"
    shutil.copytree(EXAMPLES / "torch-multiplatform", example)
    venv = tmp_path / "venv"
    common = ("sync", "--directory", str(example), "--frozen", "--cache-dir", str(tmp_path / "c"))
    assert run(*common, "--venv", str(venv)) == 0
    code = "import torch, torchvision; print(torch.__version__, torchvision.__version__)"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["2.3.0+cu128", "0.18.0"]  # the accelerator index's build

    capsys.readouterr()
    target = ("--python-platform", "aarch64-unknown-linux-gnu")
    assert run(*common, "--venv", str(tmp_path / "other"), "--dry-run", *target) == 0
    plan = capsys.readouterr().out.splitlines()
    assert "+ torch==2.3.0" in plan  # the local aarch64 wheel, not the +cu128 build
    assert not any("cu128" in line for line in plan)
    # Which file that plan installs: the checked-in aarch64 wheel.
    outcome = sync(
        SyncOptions(
            directory=example,
            venv=tmp_path / "other",
            frozen=True,
            dry_run=True,
            python_platform="aarch64-unknown-linux-gnu",
            cache_dir=tmp_path / "c",
        )
    )
    files = {
        action.name: action.new.selected.artifact
        for action in outcome.plan.actions
        if action.new is not None
    }
    assert files["torch"].path == "wheels/torch-2.3.0-cp310-abi3-linux_aarch64.whl"  # type: ignore[union-attr]
