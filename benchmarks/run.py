"""Run ulock's benchmarks: ``python benchmarks/run.py [NAME ...]`` (or ``nox -s bench -- NAME``).

Each ``benchmarks/<name>_bench.py`` is a standalone script that prints its own figures. This
runner runs the ones named (all by default), each in a fresh interpreter so that one benchmark's
caches and imports do not flatter the next, and prints how long each took.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _available() -> dict[str, Path]:
    return {path.name.removesuffix("_bench.py"): path for path in sorted(HERE.glob("*_bench.py"))}


def main(argv: list[str]) -> int:
    available = _available()
    names = argv or list(available)
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}")
        return 2
    failed = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        status = subprocess.call([sys.executable, str(available[name])], cwd=HERE.parent)
        print(f"== {name}: {time.perf_counter() - start:.1f} s, exit {status} ==\n", flush=True)
        failed += status != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
