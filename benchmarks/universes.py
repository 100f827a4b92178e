"""Synthetic package universes for the comparison benchmark, served from a local index.

Two universes, both in the test builder's scenario shape (``tests/support/scenario.py``) and
built into real wheels (wheels only: no sdists, so no tool spends time building):

- ``cpu-bound``: the solver benchmark's 2,000 packages x 20 versions with deep chains and forced
  backtracking (``solver_bench.build_universe``), so the lock is dominated by resolution work;
- ``multiplatform``: a few dozen packages whose dependencies split on markers (Python version,
  platform, machine) with conflicting pins across the split, forcing a universal resolver to
  fork.

``python benchmarks/universes.py NAME`` serves one universe from 127.0.0.1 in this process and
prints the simple-index URL on stdout, then serves until stdin closes. The built wheels are kept
in ``~/.cache/ulock-bench/dists`` so a second run does not rebuild them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

DISTS = Path.home() / ".cache" / "ulock-bench" / "dists"


def _requirement(name: str, spec: str) -> str:
    return f"{name}{spec}" if spec else name


def cpu_bound(packages: int = 2000, seed: int = 20261123) -> tuple[list[str], dict[str, Any]]:
    """(root requirements, scenario) for the solver benchmark's universe."""
    from solver_bench import build_universe

    root, universe = build_universe(packages, seed)
    scenario = {
        "packages": {
            name: {
                "versions": {
                    version: {
                        "requires": [_requirement(dep, spec) for dep, spec in deps.items()],
                        "sdist": False,
                    }
                    for version, deps in releases.items()
                }
            }
            for name, releases in universe.items()
        }
    }
    return [_requirement(name, spec) for name, spec in root.items()], scenario


_SPLITS = (
    ("sys_platform == 'win32'", "sys_platform != 'win32'"),
    ("python_version < '3.10'", "python_version >= '3.10'"),
    ("platform_machine == 'aarch64'", "platform_machine != 'aarch64'"),
    ("sys_platform == 'darwin'", "sys_platform != 'darwin'"),
)


def multiplatform(groups: int = 12) -> tuple[list[str], dict[str, Any]]:
    """(root requirements, scenario): ``groups`` families of packages split by markers.

    Family ``i`` has a front package ``front{i}`` (root dependency) whose releases need
    ``shared{i}<2`` on one side of a marker split and ``shared{i}>=2`` on the other, so one
    lock must hold two versions of ``shared{i}``; the newest ``shared{i}`` needs Python 3.10, so
    the ``python_version`` side also forks on ``requires-python``. Every ``shared{i}`` depends on
    a small chain of plain packages so each fork has real work to do.
    """
    packages: dict[str, Any] = {}
    root: list[str] = []
    for group in range(groups):
        first, second = _SPLITS[group % len(_SPLITS)]
        front, shared = f"front{group:02d}", f"shared{group:02d}"
        chain = [f"chain{group:02d}x{link}" for link in range(4)]
        packages[front] = {
            "versions": {
                f"1.{minor}.0": {
                    "requires": [f"{shared}<2 ; {first}", f"{shared}>=2 ; {second}"],
                    "sdist": False,
                }
                for minor in range(3)
            }
        }
        shared_versions: dict[str, Any] = {}
        for major in (1, 2, 3):
            for minor in range(3):
                release: dict[str, Any] = {"requires": [chain[0]], "sdist": False}
                if major == 3:
                    release["requires_python"] = ">=3.10"
                shared_versions[f"{major}.{minor}.0"] = release
        packages[shared] = {"versions": shared_versions}
        for link, name in enumerate(chain):
            following = chain[link + 1 : link + 2]
            packages[name] = {
                "versions": {
                    f"0.{minor}.0": {
                        "requires": [*following, *(["colorama ; sys_platform == 'win32'"])],
                        "sdist": False,
                    }
                    for minor in range(5)
                }
            }
        root.append(front)
    packages["colorama"] = {"versions": {"0.4.6": {"sdist": False}}}
    return root, {"packages": packages}


UNIVERSES = {"cpu-bound": cpu_bound, "multiplatform": multiplatform}


def serve(name: str) -> None:
    """Serve one universe until stdin closes; print its simple URL first."""
    from tests.support.builder import DistributionBuilder
    from tests.support.index_server import IndexServer

    _, scenario = UNIVERSES[name]()
    DISTS.mkdir(parents=True, exist_ok=True)
    builder = DistributionBuilder(DISTS)
    with IndexServer(scenario, builder=builder) as server:
        print(server.simple_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    serve(sys.argv[1])
