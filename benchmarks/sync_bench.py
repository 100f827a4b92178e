"""Sync benchmark: wall time to install a 30-package lock into a fresh venv from a warm cache.

The lock is made by ``ulock lock`` from a flat local index of 30 real built wheels (the test
builder's: small pure-Python wheels, so this measures per-package overhead, not unzip speed).
Both tools first fill their caches once; then, five times each, a fresh empty venv is made with
``python -m venv --without-pip`` (not timed) and the timed step installs the lock into it:

- ``ulock sync --frozen --venv V`` (a fresh ``ulock`` process: start-up included);
- ``uv pip install --offline -r pylock.toml --python V/bin/python``.

A second figure times the whole job with venv creation: ``ulock sync`` creating the venv
itself, against ``uv venv`` followed by the same ``uv pip install``. A third times both into
a venv that already matches the lock (nothing to do). A fourth serves the same wheels over
HTTP from this process (a flat index on 127.0.0.1), locks them as ``url`` entries, fills both
caches once, and times the install into an empty venv from the warm caches (the server is
not asked again: both find every file in their cache). Each figure is the median wall time
and the median CPU time (user + system of the timed processes and their children).

    python benchmarks/sync_bench.py [--uv PATH] [--runs N]

uv is looked up on PATH, then in the test tools venv (``~/.cache/ulock-tests``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.builder import write_flat_directory
from universal_lock.installer.interpreter import find_interpreter

PACKAGES = 30


def _universe() -> dict[str, object]:
    names = [f"pkg{number:02d}" for number in range(PACKAGES)]
    packages: dict[str, object] = {}
    for position, name in enumerate(names):
        # A chain with some fan-out, so the lock is a real dependency graph.
        requires = [names[i] for i in (position * 2 + 1, position * 2 + 2) if i < PACKAGES]
        packages[name] = {"versions": {"1.0.0": {"requires": requires}}}
    return {"packages": packages}


def _project(root: Path) -> Path:
    project = root / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "0.1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["pkg00"]\n\n'
        '[[tool.ulock.index]]\nname = "local"\nurl = "./whl"\nformat = "flat"\ndefault = true\n'
    )
    write_flat_directory(_universe(), project / "whl")
    return project


@contextlib.contextmanager
def _serving(directory: Path) -> Iterator[str]:
    """A flat index of ``directory`` over HTTP on 127.0.0.1 while the block runs: its URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _url_project(root: Path, url: str) -> Path:
    project = root / "url-project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "0.1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["pkg00"]\n\n'
        f'[[tool.ulock.index]]\nname = "served"\nurl = "{url}"\nformat = "flat"\n'
        "default = true\n"
    )
    return project


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    tools = Path.home() / ".cache" / "ulock-tests"
    candidates = sorted(tools.glob("tools-py*/bin/uv"))
    return str(candidates[-1]) if candidates else None


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(command: list[str], **kwargs: object) -> tuple[float, float]:
    """(wall, CPU) seconds of one command."""
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start, _cpu() - cpu


def _add(first: tuple[float, float], second: tuple[float, float]) -> tuple[float, float]:
    return first[0] + second[0], first[1] + second[1]


def _median(times: list[tuple[float, float]]) -> str:
    wall = statistics.median(time for time, _ in times)
    cpu = statistics.median(cpu for _, cpu in times)
    return f"{wall:.3f} s wall, {cpu:.3f} s CPU"


def _from_warm_caches(
    root: Path,
    project: Path,
    fresh: Callable[[str], Path],
    uv: str | None,
    runs: int,
    uv_env: dict[str, str],
) -> dict[str, list[tuple[float, float]]]:
    """Install times of the ``url`` lock from the warm caches (see the module docstring)."""
    ulock = [sys.executable, "-m", "universal_lock"]
    cache = root / "url-cache"
    results: dict[str, list[tuple[float, float]]] = {}
    with _serving(project / "whl") as url:
        served = _url_project(root, url)
        common = ["--directory", str(served), "--cache-dir", str(cache)]
        subprocess.run([*ulock, "lock", *common], check=True, capture_output=True)
        sync = [*ulock, "sync", *common, "--frozen", "--venv"]
        _run([*sync, str(fresh("url-warm-ulock"))])
        results["ulock sync"] = [_run([*sync, str(fresh(f"uu{i}"))]) for i in range(runs)]
        if uv:
            install = [uv, "pip", "install", "-r", "pylock.toml", "--python"]
            venv_python = str(fresh("url-warm-uv") / "bin" / "python")
            _run([*install, venv_python], cwd=served, env=uv_env)
            results["uv pip install --offline"] = [
                _run(
                    [*install, str(fresh(f"uv{i}") / "bin" / "python"), "--offline"],
                    cwd=served,
                    env=uv_env,
                )
                for i in range(runs)
            ]
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uv", default=_uv())
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ulock = [sys.executable, "-m", "universal_lock"]
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as scratch:
        root = Path(scratch)
        project = _project(root)
        cache = root / "cache"
        uv_env = {**os.environ, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(root / "uv-cache")}
        common = ["--directory", str(project), "--cache-dir", str(cache)]
        subprocess.run([*ulock, "lock", *common], check=True, capture_output=True)
        python = str(find_interpreter(None))
        print(f"{PACKAGES} packages; target Python {python}; {args.runs} runs each (median)")

        def fresh(name: str) -> Path:
            venv = root / name
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
            return venv

        def ulock_sync(venv: Path) -> tuple[float, float]:
            return _run([*ulock, "sync", *common, "--frozen", "--venv", str(venv)])

        def uv_install(venv: Path) -> tuple[float, float]:
            assert args.uv is not None
            command = [args.uv, "pip", "install", "--offline", "-r", "pylock.toml",
                       "--python", str(venv / "bin" / "python")]  # fmt: skip
            return _run(command, cwd=project, env=uv_env)

        ulock_sync(fresh("warm-ulock"))
        results = {"ulock sync": [ulock_sync(fresh(f"u{i}")) for i in range(args.runs)]}
        if args.uv:
            uv_install(fresh("warm-uv"))
            results["uv pip install"] = [uv_install(fresh(f"v{i}")) for i in range(args.runs)]
        else:
            print("uv not found: ulock only")
        created: dict[str, list[tuple[float, float]]] = {"ulock sync (creates venv)": []}
        for i in range(args.runs):
            venv = root / f"c{i}"
            created["ulock sync (creates venv)"].append(ulock_sync(venv))
        if args.uv:
            created["uv venv + uv pip install"] = []
            for i in range(args.runs):
                venv = root / f"d{i}"
                made = _run([args.uv, "venv", "--python", python, str(venv)], env=uv_env)
                created["uv venv + uv pip install"].append(_add(made, uv_install(venv)))
        unchanged: dict[str, list[tuple[float, float]]] = {
            "ulock sync (nothing to do)": [ulock_sync(root / "c0") for _ in range(args.runs)]
        }
        if args.uv:
            unchanged["uv pip install (nothing)"] = [
                uv_install(root / "d0") for _ in range(args.runs)
            ]
        cached = _from_warm_caches(root, project, fresh, args.uv, args.runs, uv_env)
        print("\ninstall into an empty venv:")
        for name, times in results.items():
            print(f"  {name:28s} {_median(times)}")
        print("venv creation + install:")
        for name, times in created.items():
            print(f"  {name:28s} {_median(times)}")
        print("venv already synced:")
        for name, times in unchanged.items():
            print(f"  {name:28s} {_median(times)}")
        print("files with a url, from the warm cache, into an empty venv:")
        for name, times in cached.items():
            print(f"  {name:28s} {_median(times)}")
        if args.uv:
            ratio = statistics.median(time for time, _ in results["ulock sync"]) / (
                statistics.median(time for time, _ in results["uv pip install"])
            )
            print(f"\nulock / uv (install only, wall): {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
