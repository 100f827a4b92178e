"""Benchmark of the marker algebra: 100,000 and / or / not / is_disjoint operations.

Run as a script: ``python benchmarks/markers_bench.py [--ops N] [--seed S]``. The operands are
realistic fork-region markers (platform x machine x Python range x accelerator extras) plus the
results of earlier operations, as a resolver combines them. It prints the parse time, the time
for the operations from cold caches, the time for a second identical pass (warm caches), a
chained stress run, and the sizes of the node table and memo caches. Times are CPU time of
this process (``time.process_time``), which stays meaningful on a machine shared with other
jobs; wall time equals it on an idle machine.
"""

from __future__ import annotations

import argparse
import random
import time

from universal_lock.markers import MarkerTree, parse_marker
from universal_lock.markers._diagram import cache_sizes

PLATFORMS = (
    "sys_platform == 'linux'",
    "sys_platform == 'darwin'",
    "sys_platform == 'win32'",
    "sys_platform != 'win32'",
    "platform_system == 'Linux'",
    "os_name == 'nt'",
)
MACHINES = (
    "platform_machine == 'x86_64'",
    "platform_machine == 'aarch64'",
    "platform_machine == 'arm64'",
    "platform_machine == 'AMD64'",
    "platform_machine != 'x86_64'",
)
PYTHONS = (
    "python_version >= '3.9'",
    "python_version < '3.11'",
    "python_version == '3.12'",
    "python_full_version >= '3.10.1'",
    "python_full_version < '3.13'",
    "python_version >= '3.11' and python_version < '3.13'",
)
EXTRAS = ("'cu118' in extras", "'cu124' in extras", "'cpu' in extras", "'dev' in dependency_groups")


def base_markers(rng: random.Random, count: int) -> list[str]:
    texts = []
    for _ in range(count):
        parts = [rng.choice(PLATFORMS)]
        if rng.random() < 0.7:
            parts.append(rng.choice(MACHINES))
        if rng.random() < 0.7:
            parts.append(rng.choice(PYTHONS))
        if rng.random() < 0.4:
            parts.append(rng.choice(EXTRAS))
        text = " and ".join(f"({part})" for part in parts)
        if rng.random() < 0.3:
            text = f"{text} or ({rng.choice(PLATFORMS)} and {rng.choice(PYTHONS)})"
        texts.append(text)
    return texts


def run(trees: list[MarkerTree], ops: int, seed: int, *, chained: bool) -> tuple[float, int]:
    """Time ``ops`` operations; returns (seconds, disjoint pairs seen).

    Realistic mode (``chained=False``): the left operand is a base marker or a region derived
    from base markers, the right one a base marker, like fork regions meeting requirement
    markers. Chained mode feeds every result back as an operand, so regions keep growing: a
    stress test of node creation, far from what a lock does.
    """
    rng = random.Random(seed)
    base = list(trees)
    derived: list[MarkerTree] = []
    disjoint = 0
    start = time.process_time()
    for index in range(ops):
        from_derived = derived and rng.random() < 0.5
        a = rng.choice(derived) if from_derived else rng.choice(base)
        b = rng.choice(derived if chained and derived else base)
        kind = index % 4
        if kind == 0:
            result = a & b
        elif kind == 1:
            result = a | b
        elif kind == 2:
            result = ~a
        else:
            disjoint += a.is_disjoint(b)
            continue
        if chained or not from_derived:
            if len(derived) < 2000:
                derived.append(result)
            else:
                derived[rng.randrange(2000)] = result
    return time.process_time() - start, disjoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=751)
    parser.add_argument("--markers", type=int, default=300)
    args = parser.parse_args()

    texts = base_markers(random.Random(args.seed), args.markers)
    start = time.process_time()
    trees = [parse_marker(text) for text in texts]
    parse_seconds = time.process_time() - start

    cold, disjoint = run(trees, args.ops, args.seed, chained=False)
    warm, _ = run(trees, args.ops, args.seed, chained=False)
    stress, _ = run(trees, args.ops, args.seed + 1, chained=True)
    start = time.process_time()
    printed = [str(tree) for tree in trees]
    print_seconds = time.process_time() - start

    ops = f"{args.ops:,} and/or/not/is_disjoint ops"
    print(f"parsed {len(trees)} markers in {parse_seconds * 1000:.1f} ms CPU")
    print(f"{ops}, realistic, cold caches: {cold:.3f} s CPU ({args.ops / cold:,.0f} ops/s)")
    print(f"{ops}, realistic, warm caches: {warm:.3f} s CPU ({args.ops / warm:,.0f} ops/s)")
    print(f"{ops}, chained stress, cold:   {stress:.3f} s CPU ({args.ops / stress:,.0f} ops/s)")
    print(f"printed {len(printed)} markers in {print_seconds * 1000:.1f} ms CPU")
    print(f"disjoint pairs seen (realistic): {disjoint:,}; caches: {cache_sizes()}")


if __name__ == "__main__":
    main()
