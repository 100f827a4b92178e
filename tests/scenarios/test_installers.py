"""pip and uv install the locks of a few of our scenarios and pick what PEP 751 selection picks.

The locks point at the running test index (files by URL) and at local files (`path`
sources, flat directories). pip (>= 26.1) runs for the machine it is on; uv also runs for
foreign platforms (`--python-platform`, `--python-version`). Both run with `--dry-run`. The
tools come from the tools virtual environment of tests/integration/test_pylock_installers.py
(skipped when it cannot be made).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.integration.test_pylock_installers import _Tools, tools
from tests.scenarios.runner import Outcome, load_case, lock_case, selection
from tests.support.fixtures import IndexServerFactory

__all__ = ["tools"]  # the session fixture, imported so pytest finds it here

OURS = Path(__file__).parent / "ours"
_TIMEOUT = 300

#: uv's target triples for the grid's platforms.
UV_PLATFORMS = {
    "linux-x86_64": "x86_64-manylinux_2_28",
    "linux-aarch64": "aarch64-manylinux_2_28",
    "darwin-arm64": "aarch64-apple-darwin",
    "win": "x86_64-pc-windows-msvc",
}

# (scenario, tool, platform, python, extras, groups); platform None: this machine (pip).
Case = tuple[str, str, str | None, str | None, tuple[str, ...], tuple[str, ...] | None]
CASES: list[Case] = [
    ("python-version-fork", "pip", None, None, (), None),
    ("python-version-fork", "uv", "win", "3.9", (), None),
    ("python-version-fork", "uv", "darwin-arm64", "3.13", (), None),
    ("per-marker-sources", "pip", None, None, (), None),
    ("per-marker-sources", "uv", "linux-x86_64", "3.12", (), None),
    ("per-marker-sources", "uv", "linux-aarch64", "3.12", (), None),
    ("per-marker-sources", "uv", "darwin-arm64", "3.12", (), None),
    ("conflicting-extras", "pip", None, None, ("cu124",), None),
    ("conflicting-extras", "uv", "linux-x86_64", "3.12", ("cu118",), None),
    ("dependency-groups", "pip", None, None, (), None),
    ("dependency-groups", "uv", "win", "3.12", (), ("docs",)),
    ("torch-universal", "pip", None, None, ("cu128",), None),
    ("torch-universal", "uv", "linux-x86_64", "3.12", ("cu128",), None),
    ("torch-universal", "uv", "linux-aarch64", "3.10", ("cu128",), None),
    ("torch-universal", "uv", "darwin-arm64", "3.13", ("cpu",), None),
    ("torch-universal", "uv", "win", "3.11", ("cpu",), None),
]


def _id(case: Case) -> str:
    name, tool, platform, python, extras, groups = case
    parts = [name, tool, platform or "native", python or ""]
    parts += [f"extra-{extra}" for extra in extras]
    parts += [f"group-{group}" for group in groups or ()]
    return "-".join(part for part in parts if part)


def _native(tools: _Tools) -> tuple[str, str]:
    env = tools.environment
    machine = env["platform_machine"]
    platform = {"linux": f"linux-{machine}", "darwin": f"darwin-{machine}"}.get(
        env["sys_platform"], "win"
    )
    return platform, env["python_full_version"]


def _pip(tools: _Tools, outcome: Outcome, extras: tuple[str, ...]) -> list[str]:
    source = "pylock.toml" + (f"[{','.join(extras)}]" if extras else "")
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    result = subprocess.run(
        [str(tools.python), "-m", "pip", "install", "--dry-run", "--quiet", "--no-index",
         "--disable-pip-version-check", "--report", "-", "-r", source],
        cwd=outcome.project, capture_output=True, text=True, timeout=_TIMEOUT, env=env,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    return sorted(
        f"{canonicalize_name(item['metadata']['name'])}=={item['metadata']['version']}"
        for item in report["install"]
    )


def _uv(
    tools: _Tools,
    outcome: Outcome,
    platform: str,
    python: str,
    extras: tuple[str, ...],
    groups: tuple[str, ...] | None,
    cache: Path,
) -> list[str]:
    assert tools.uv is not None
    flags = [arg for extra in extras for arg in ("--extra", extra)]
    flags += [arg for group in groups or () for arg in ("--group", group)]
    env = {**os.environ, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [str(tools.uv), "pip", "install", "--dry-run", "--python", str(tools.python),
         "--python-platform", UV_PLATFORMS[platform], "--python-version", python,
         "-r", "pylock.toml", *flags],
        cwd=outcome.project, capture_output=True, text=True, timeout=_TIMEOUT, env=env,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = re.findall(r"^ \+ (\S+)==(\S+)$", result.stderr, flags=re.MULTILINE)
    return sorted(f"{canonicalize_name(name)}=={version}" for name, version in found)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_installers_pick_what_ulock_selects(
    case: Case,
    tools: _Tools,
    index_server: IndexServerFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, tool, platform, python, extras, groups = case
    if tool == "pip" and not tools.pip_ok:
        pytest.skip("pip >= 26.1 is not available")
    if tool == "uv" and tools.uv is None:
        pytest.skip("uv is not available")
    outcome = lock_case(load_case(OURS / f"{name}.toml"), index_server, tmp_path, capsys)
    assert outcome.status == 0 and outcome.lock is not None, outcome.stderr
    if platform is None:
        platform, python = _native(tools)
    assert python is not None
    expected = sorted(
        f"{n}=={v}"
        for n, v in selection(
            outcome.lock, platform=platform, python=python, extras=extras, groups=groups
        ).items()
    )
    assert expected, "the selection is empty: nothing to compare"
    if tool == "pip":
        installed = _pip(tools, outcome, extras)
    else:
        installed = _uv(tools, outcome, platform, python, extras, groups, tmp_path / "uv")
    assert installed == expected
