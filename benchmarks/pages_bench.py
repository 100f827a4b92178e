"""Project pages: CPU time to pack a fetched page for the cache, and to read it back.

A warm lock spends most of its index time turning cached pages into ``Distribution`` values; a
cold one first parses each page's JSON. This measures both steps on a synthetic page shaped
like a big project on the public index (many releases, dozens of wheels each, a sha256, a
core-metadata hash and an upload time per file), so it needs no network:

    python benchmarks/pages_bench.py [--releases 200] [--wheels 40] [--repeat 5]

or, for real pages, every page in a ulock cache directory (after a lock has filled it):

    python benchmarks/pages_bench.py --cache-dir ~/.cache/ulock

Printed: files per page, then per step the best of ``--repeat`` runs in ms and in µs per file;
for the synthetic page also the memory its packed form keeps (what a lock holds per page until
it ends) and the peak while it is decoded and packed, both by ``tracemalloc``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from packaging.utils import canonicalize_name

from universal_lock.index.cache import CachedPage, DiskCache
from universal_lock.index.page_files import PageFiles, to_distributions
from universal_lock.index.parse_json import json_page_files

PAGE_URL = "https://index.example/simple/bigproject/"
PLATFORMS = (
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "manylinux_2_17_aarch64.manylinux2014_aarch64",
    "musllinux_1_2_x86_64",
    "macosx_11_0_arm64",
    "macosx_10_9_x86_64",
    "win_amd64",
    "win32",
    "win_arm64",
)


def synthetic_page(releases: int, wheels: int) -> str:
    """A PEP 691 JSON page: ``releases`` versions with ``wheels`` wheels and an sdist each."""
    files = []
    for number in range(releases):
        version = f"{number // 20}.{number % 20}.0"
        names = [f"bigproject-{version}.tar.gz"]
        for index in range(wheels):
            python = f"cp3{8 + index // len(PLATFORMS) % 6}"
            platform = PLATFORMS[index % len(PLATFORMS)]
            names.append(f"bigproject-{version}-{python}-{python}-{platform}.whl")
        for name in names:
            digest = f"{hash((name, 'file')) & (2**256 - 1):064x}"
            # The public index's layout: a hashed directory (2/2/60 hex digits) per file.
            where = f"{hash((name, 'dir')) & (2**256 - 1):064x}"
            files.append(
                {
                    "filename": name,
                    "url": "https://files.example/packages/"
                    f"{where[:2]}/{where[2:4]}/{where[4:]}/{name}",
                    "hashes": {"sha256": digest},
                    "requires-python": ">=3.8",
                    "core-metadata": {"sha256": digest[::-1]},
                    "size": 1_000_000 + number,
                    "upload-time": f"20{10 + number % 15}-0{1 + number % 9}-1{number % 9}"
                    "T12:34:56.789012Z",
                    "yanked": False,
                }
            )
    return json.dumps({"meta": {"api-version": "1.1"}, "name": "bigproject", "files": files})


def _best(step: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        step()
        timings.append(time.process_time() - start)
    return min(timings)


def _report(label: str, seconds: float, files: int) -> None:
    print(f"  {label:42s} {seconds * 1000:8.1f} ms  {seconds / max(files, 1) * 1e6:6.2f} µs/file")


def bench_synthetic(releases: int, wheels: int, repeat: int) -> None:
    body = synthetic_page(releases, wheels)
    files = json_page_files(json.loads(body), PAGE_URL)
    count = len(files.filenames)
    print(f"synthetic page: {count} files, {len(body) / 1e6:.1f} MB of JSON")
    name = canonicalize_name("bigproject")
    page = CachedPage(
        url=PAGE_URL,
        content_type="application/vnd.pypi.simple.v1+json",
        files=files,
        etag=None,
        last_modified=None,
        fetched_at=time.time(),
        max_age=600.0,
        no_cache=False,
    )
    with tempfile.TemporaryDirectory() as scratch:
        cache = DiskCache(Path(scratch))
        cache.write_page("bench", name, page)
        steps: list[tuple[str, Callable[[], object]]] = [
            (
                "cold: decode the JSON and pack it",
                lambda: json_page_files(json.loads(body), PAGE_URL),
            ),
            ("cache: write the packed page", lambda: cache.write_page("bench", name, page)),
            ("warm: read the packed page", lambda: cache.read_page("bench", name)),
            (
                "warm: distributions from the page",
                lambda: to_distributions(files, index="b", project=name),
            ),
        ]
        for label, step in steps:
            _report(label, _best(step, repeat), count)
    _report_memory(body, count)


def _report_memory(body: str, count: int) -> None:
    encoded = body.encode()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        packed = json_page_files(json.loads(encoded), PAGE_URL)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(packed.filenames) == count
    print(
        f"  {'memory: kept by the packed page':42s} {(kept - before) / 2**20:8.1f} MiB"
        f"  {(kept - before) / count:6.0f} B/file"
    )
    print(f"  {'memory: peak while decoding and packing':42s} {(peak - before) / 2**20:8.1f} MiB")


def bench_cache(cache_dir: Path, repeat: int) -> None:
    cache = DiskCache(cache_dir)
    # The current page layout's directory (see ``universal_lock.index.cache``).
    entries = sorted((cache_dir / "simple-v3").glob("*/*.page"))
    pages: list[tuple[str, PageFiles]] = []
    for entry in entries:
        stored = cache.read_page(entry.parent.name, canonicalize_name(entry.stem))
        if stored is not None and stored.files.filenames:
            pages.append((entry.stem, stored.files))
    count = sum(len(files.filenames) for _, files in pages)
    print(f"{len(pages)} cached pages with files, {count} files, in {cache_dir}")

    def read_all() -> None:
        for entry in entries:
            cache.read_page(entry.parent.name, canonicalize_name(entry.stem))

    def build_all() -> None:
        for name, files in pages:
            to_distributions(files, index="b", project=name)

    _report("warm: read every packed page", _best(read_all, repeat), count)
    _report("warm: distributions from every page", _best(build_all, repeat), count)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--wheels", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache-dir", type=Path, help="measure the pages cached here instead")
    arguments = parser.parse_args(argv)
    if arguments.cache_dir is not None:
        bench_cache(arguments.cache_dir, arguments.repeat)
    else:
        bench_synthetic(arguments.releases, arguments.wheels, arguments.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
