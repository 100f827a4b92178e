"""The lockers under comparison: how each is installed, configured, pointed at an index and run.

ulock is the one installed in the interpreter running the benchmark (``ulock`` beside
``sys.executable``). uv, pdm and poetry live in a virtual environment of their own,
``~/.cache/ulock-bench/tools`` (made on first use with ``python -m venv`` and pip), so the
benchmark never depends on what happens to be on PATH and records the versions it ran.

Each tool gets its own copy of the project directory and its own cache directory (through the
tool's documented flag or environment variable), so no tool sees another's lock or cache.
ulock and uv read the same ``pyproject.toml`` (ulock reads ``[tool.uv]``); pdm and poetry get
the same ``[project]`` table plus their own source table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TOOLS_VENV = Path.home() / ".cache" / "ulock-bench" / "tools"
THIRD_PARTY = ("uv", "pdm", "poetry")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tool:
    name: str
    lock_file: str
    """The file the tool writes; removed before every timed run."""
    command: Callable[[Path, Path], list[str]]
    """(project directory, cache directory) -> argv of one lock."""
    environment: Callable[[Path], dict[str, str]]
    """(cache directory) -> extra environment variables."""
    source_table: Callable[[str], str]
    """(simple-index URL) -> the pyproject tables that make this URL the only index."""
    simple_api_only: bool = False
    """Name the public index as a source too: the tool's default path for it needs more than
    the simple API (poetry asks a per-release JSON API that not every mirror serves)."""


def _bin(name: str) -> str:
    return str(TOOLS_VENV / "bin" / name)


def _ulock_bin() -> str:
    return str(Path(sys.executable).parent / "ulock")


def _isolated(cache: Path) -> dict[str, str]:
    # Configuration and caches under the run's own directory: no user config leaks in.
    return {
        "XDG_CONFIG_HOME": str(cache / "xdg-config"),
        "XDG_CACHE_HOME": str(cache / "xdg-cache"),
        "XDG_DATA_HOME": str(cache / "xdg-data"),
        "XDG_STATE_HOME": str(cache / "xdg-state"),
    }


def _uv_table(url: str) -> str:
    return f'[[tool.uv.index]]\nname = "local"\nurl = "{url}"\ndefault = true\n'


TOOLS: dict[str, Tool] = {
    "ulock": Tool(
        name="ulock",
        lock_file="pylock.toml",
        command=lambda project, cache: [
            _ulock_bin(),
            "lock",
            "--directory",
            str(project),
            "--cache-dir",
            str(cache),
        ],
        environment=lambda cache: {**_isolated(cache), "NO_COLOR": "1"},
        source_table=_uv_table,
    ),
    "uv": Tool(
        name="uv",
        lock_file="uv.lock",
        command=lambda project, cache: [
            _bin("uv"),
            "lock",
            "--directory",
            str(project),
            "--cache-dir",
            str(cache),
        ],
        environment=lambda cache: {
            **_isolated(cache),
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_PYTHON": sys.executable,
        },
        source_table=_uv_table,
    ),
    "pdm": Tool(
        name="pdm",
        lock_file="pdm.lock",
        command=lambda project, cache: [_bin("pdm"), "lock", "--project", str(project)],
        environment=lambda cache: {
            **_isolated(cache),
            "PDM_CACHE_DIR": str(cache),
            "PDM_HOME": str(cache / "home"),
            "PDM_PYTHON": sys.executable,
            "PDM_CHECK_UPDATE": "false",
            "PDM_NON_INTERACTIVE": "1",
        },
        # A source named "pypi" replaces the default index.
        source_table=lambda url: f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{url}"\n',
    ),
    "poetry": Tool(
        name="poetry",
        lock_file="poetry.lock",
        command=lambda project, cache: [
            _bin("poetry"),
            "lock",
            "--no-interaction",
            "--directory",
            str(project),
        ],
        environment=lambda cache: {
            **_isolated(cache),
            "POETRY_CACHE_DIR": str(cache),
            "POETRY_VIRTUALENVS_CREATE": "false",
            "POETRY_VIRTUALENVS_IN_PROJECT": "false",
        },
        # A primary source replaces the public index (poetry 2).
        source_table=lambda url: (
            "[tool.poetry]\npackage-mode = false\n\n"
            f'[[tool.poetry.source]]\nname = "local"\nurl = "{url}"\npriority = "primary"\n'
        ),
        simple_api_only=True,
    ),
}


def ensure_tools(names: list[str]) -> dict[str, str]:
    """Install the third-party tools named into their venv if missing; {tool: version text}."""
    wanted = [name for name in names if name in THIRD_PARTY]
    missing = [name for name in wanted if not Path(_bin(name)).exists()]
    if missing:
        if not (TOOLS_VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
        pip = [str(TOOLS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        print(f"installing {', '.join(missing)} into {TOOLS_VENV}", file=sys.stderr)
        # pdm's "locked" extra pins the dependency versions pdm was released with; without it
        # pip may pick a newer hishel whose API pdm does not support.
        specs = {"pdm": "pdm[locked]"}
        subprocess.run([*pip, *(specs.get(name, name) for name in missing)], check=True)
    versions = {"ulock": _ulock_version()}
    for name in wanted:
        flag = ["--version"] if name != "poetry" else ["--version", "--no-ansi"]
        done = subprocess.run([_bin(name), *flag], capture_output=True, text=True, check=False)
        versions[name] = (done.stdout or done.stderr).strip().splitlines()[-1]
    return versions


def _ulock_version() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import universal_lock; print(universal_lock.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    head = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"ulock {done.stdout.strip()} (commit {head.stdout.strip()})"


def environment(tool: Tool, cache: Path) -> dict[str, str]:
    """The tool's environment: ours, with its own cache and config, and bytecode allowed."""
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, **tool.environment(cache)}


def compile_bytecode() -> None:
    """Compile ulock's package and the tools venv to ``.pyc``, as an installed tool would be.

    pip compiles on install; an editable install and ``uv pip install`` do not, and with
    ``PYTHONDONTWRITEBYTECODE`` set nothing is ever cached, so every start would compile
    each module from source again (about 0.1 s for ulock): that measures the machine, not
    the tool.
    """
    import universal_lock

    package = Path(universal_lock.__file__).parent
    site = next((TOOLS_VENV / "lib").glob("python3*/site-packages"), None)
    for target, python in ((package, sys.executable), (site, str(TOOLS_VENV / "bin" / "python"))):
        if target is not None and Path(python).exists():
            subprocess.run([python, "-m", "compileall", "-q", "-j", "0", str(target)], check=False)
