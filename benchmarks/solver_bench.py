"""Micro-benchmark of the PubGrub solver on a synthetic universe (not a test).

2,000 packages x 20 versions with dependency ranges shaped like real ones
(lower bounds that move with new releases, major-version caps, compatible
release clauses) and forced backtracking: the newest major of some packages
needs a dependency range the root excludes, so the solver must learn that
and walk down. Run: ``python benchmarks/solver_bench.py [--packages N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import random
import time

from universal_lock.solver import Failed, MemoryProvider, Solver, drive, explain

MAJORS = 4
MINORS = 5  # 4 majors x 5 minors = 20 versions per package


def _name(index: int) -> str:
    return f"pkg{index:04d}"


def build_universe(packages: int, seed: int):
    """(root dependencies, universe) for ``packages`` packages; deterministic for ``seed``.

    Dependencies point from lower to higher package numbers. Each version's
    lower bounds rise with its own version; some ranges carry an upper cap.
    One package in twenty is a "troublemaker": its newest major depends on a
    helper package of its own whose every version needs ``pkg0000<2.0``, while
    the root requires ``pkg0000>=4.0``. The solver meets each conflict one level
    down, learns that the helper cannot be used, backjumps, and walks the
    troublemaker down a major.
    """
    rng = random.Random(seed)
    universe = {}
    count = max(1, packages // 20)
    helpers = list(range(1, 1 + count))
    troublemakers = rng.sample(range(1 + count, packages), count)
    helper_of = dict(zip(troublemakers, helpers, strict=True))
    every_version = [
        f"{major}.{minor}.0" for major in range(1, MAJORS + 1) for minor in range(MINORS)
    ]
    for index in range(1 + count, packages):
        later = list(range(index + 1, packages))
        base_dependencies = rng.sample(later, min(len(later), rng.randint(0, 4)))
        releases = {}
        for major in range(1, MAJORS + 1):
            for minor in range(MINORS):
                dependencies = {}
                for target in base_dependencies:
                    shape = rng.random()
                    low = f"{rng.randint(1, max(1, major - 1))}.{rng.randint(0, MINORS - 1)}"
                    if shape < 0.6:
                        spec = f">={low}"
                    elif shape < 0.85:
                        spec = f">={low},<{MAJORS + 1}.0"
                    else:
                        spec = ""
                    dependencies[_name(target)] = spec
                if index in helper_of and major == MAJORS:
                    dependencies[_name(helper_of[index])] = ">=1.0"
                releases[f"{major}.{minor}.0"] = dependencies
        universe[_name(index)] = releases
    universe[_name(0)] = {version: {} for version in every_version}
    for helper in helpers:
        universe[_name(helper)] = {version: {_name(0): "<2.0"} for version in every_version}
    root_dependencies = {_name(0): f">={MAJORS}.0"}
    chosen = rng.sample(range(1 + count, packages), min(packages - 1 - count, 100))
    for index in sorted({*chosen, *troublemakers}):
        root_dependencies[_name(index)] = ">=1.0"
    return root_dependencies, universe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain PubGrub backjumping (no chronological backtracking), for comparison",
    )
    arguments = parser.parse_args()

    started = time.perf_counter()
    root_dependencies, universe = build_universe(arguments.packages, arguments.seed)
    provider = MemoryProvider(universe)
    built = time.perf_counter()

    solver = Solver(
        "root",
        "1.0",
        root_dependencies,
        priority=provider.priority,
        **({"chronological_after": None} if arguments.plain else {}),
    )
    cpu_started = time.process_time()
    result = drive(solver, provider)
    solved = time.perf_counter()
    cpu = time.process_time() - cpu_started

    elapsed = solved - built
    stats = solver.stats
    print(
        f"universe: {arguments.packages} packages x {MAJORS * MINORS} versions"
        f" (seed {arguments.seed}){', plain backjumping' if arguments.plain else ''}"
    )
    print(f"setup (parse universe): {built - started:.2f} s")
    if isinstance(result, Failed):
        print("result: no solution")
        print(explain(result))
    else:
        print(f"result: solved, {len(result.solution) - 1} packages selected")
    print(
        f"decisions: {stats.decisions}, conflicts: {stats.conflicts}, "
        f"backtracks: {stats.backtracks}, learned: {stats.learned}, "
        f"dependency lists fetched: {provider.calls['get_dependencies']}"
    )
    print(f"solve time: {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    print(
        f"decisions per second: {stats.decisions / elapsed:,.0f} wall,"
        f" {stats.decisions / cpu:,.0f} CPU"
    )


if __name__ == "__main__":
    main()
