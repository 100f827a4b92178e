"""Index client benchmark: requests and wall time to fetch the metadata of a medium project.

The workload is the 15 direct dependencies of a Sphinx documentation project and, following
the newest release of each, their dependencies in turn (the metadata a resolver needs when the
newest versions work out), with prefetching as the resolver would use it. Each run is done
cold (empty cache) and warm (same cache, new client, pages still fresh), and warm with every
page revalidated (``refresh=True``).

    python benchmarks/index_bench.py            # against the local test index (127.0.0.1)
    python benchmarks/index_bench.py --live     # also against the live public index
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from packaging.markers import default_environment
from packaging.utils import canonicalize_name
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from universal_lock.index import IndexClient, IndexConfig, IndexSettings, Unavailable
from universal_lock.index.client import preferred_for_metadata

DIRECT = [
    "sphinx",
    "sphinx-rtd-theme",
    "myst-parser",
    "sphinx-copybutton",
    "sphinx-design",
    "furo",
    "sphinx-autodoc-typehints",
    "sphinxcontrib-mermaid",
    "nbsphinx",
    "sphinx-autobuild",
    "sphinx-tabs",
    "sphinxext-opengraph",
    "sphinx-notfound-page",
    "breathe",
    "docutils",
]


async def _walk(client: IndexClient) -> int:
    """Newest-release closure from DIRECT; returns how many metadata files it read."""
    environment = {key: str(value) for key, value in default_environment().items()}
    seen: set[str] = set()
    count = 0

    async def visit(name: str) -> list[str]:
        nonlocal count
        dists = [d for d in await client.candidates(name) if d.yanked is None]
        versions = sorted({d.version for d in dists if not d.version.is_prerelease})
        if not versions:
            return []
        newest: Version = versions[-1]
        best = preferred_for_metadata(d for d in dists if d.version == newest)
        assert best is not None
        metadata = await client.metadata(best)
        if isinstance(metadata, Unavailable):
            return []
        count += 1
        deps = []
        for requirement in metadata.requires_dist:
            environment["extra"] = ""
            if requirement.marker is None or requirement.marker.evaluate(environment):
                deps.append(canonicalize_name(requirement.name))
        return deps

    frontier = list(DIRECT)
    while frontier:
        batch = [name for name in dict.fromkeys(frontier) if name not in seen]
        seen.update(batch)
        for name in batch:
            client.prefetch(name)
        results = await asyncio.gather(*(visit(name) for name in batch))
        frontier = [dep for deps in results for dep in deps]
    return count


async def _run(settings: IndexSettings, label: str) -> None:
    start = time.perf_counter()
    async with IndexClient(settings) as client:
        count = await _walk(client)
        stats = client.stats()
    elapsed = time.perf_counter() - start
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.requests_by_kind.items()))
    print(
        f"{label:<28} {elapsed:7.2f} s  {stats.requests:4d} requests ({kinds or 'none'}); "
        f"{count} metadata; 304s {stats.not_modified}; cache hits {stats.cache_hits}; "
        f"merged {stats.merged}; {stats.bytes_downloaded / 1e6:.2f} MB"
    )


async def _series(base: IndexSettings, name: str) -> None:
    with tempfile.TemporaryDirectory(prefix="ulock-bench-") as cache:
        settings = IndexSettings(**{**_fields(base), "cache_dir": Path(cache)})
        await _run(settings, f"{name}: cold")
        await _run(settings, f"{name}: warm")
        await _run(
            IndexSettings(**{**_fields(settings), "refresh": True}), f"{name}: warm, refresh"
        )


def _fields(settings: IndexSettings) -> dict[str, object]:
    return {field: getattr(settings, field) for field in settings.__dataclass_fields__}


def _local_universe() -> dict[str, object]:
    """A synthetic universe shaped like the Sphinx set: the 15 names, 6 releases each, and a
    shared pool of 30 dependencies with 4 releases each."""
    pool = [f"dep{i:02d}" for i in range(30)]
    packages: dict[str, object] = {}
    for number, name in enumerate(DIRECT):
        requires = [f"{pool[(number * 3 + k) % len(pool)]}>=1" for k in range(4)]
        packages[name] = {
            "versions": {f"{major}.0.0": {"requires": requires} for major in range(1, 7)}
        }
    for number, name in enumerate(pool):
        requires = [f"{pool[(number + 1) % len(pool)]}>=1"] if number % 3 == 0 else []
        packages[name] = {
            "versions": {f"1.{minor}.0": {"requires": requires} for minor in range(4)}
        }
    return {"packages": packages}


async def _local() -> None:
    try:
        from tests.support.index_server import IndexServer, ServerOptions
    except ImportError:
        print("local: tests/support/index_server.py is not available; skipped")
        return
    for label, options in [
        ("local, PEP 658", ServerOptions(metadata_files=True)),
        ("local, ranges", ServerOptions(metadata_files=False, range_requests=True)),
    ]:
        with IndexServer(_local_universe(), options=options) as server:
            index = IndexConfig(name="local", url=server.simple_url, default=True)
            await _series(IndexSettings(indexes=(index,)), label)


async def _live() -> None:
    await _series(IndexSettings(), "live public index")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="also run against the public index")
    args = parser.parse_args()
    asyncio.run(_local())
    if args.live:
        asyncio.run(_live())


if __name__ == "__main__":
    main()
