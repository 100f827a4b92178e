"""The on-disk cache: freshness rules, atomic writes, and two processes writing at once."""

from __future__ import annotations

import marshal
import subprocess
import sys
import textwrap

import pytest
from packaging.utils import canonicalize_name

from universal_lock.index.cache import CachedPage, DiskCache
from universal_lock.index.entries import FileEntry
from universal_lock.index.page_files import columns_of


def _page(**overrides):
    values = {
        "url": "https://h.example/simple/a/",
        "content_type": "text/html",
        "files": columns_of(
            [FileEntry(filename="a-1.0.tar.gz", url="https://h.example/a-1.0.tar.gz")]
        ),
        "etag": '"v1"',
        "last_modified": None,
        "fetched_at": 1000.0,
        "max_age": None,
        "no_cache": False,
    }
    values.update(overrides)
    return CachedPage(**values)


def test_freshness_follows_max_age_else_the_default_period():
    assert _page(max_age=60.0).is_fresh(1059.0, fresh_period=600)
    assert not _page(max_age=60.0).is_fresh(1061.0, fresh_period=600)
    assert not _page(max_age=0.0).is_fresh(1000.0, fresh_period=600)
    assert _page().is_fresh(1599.0, fresh_period=600)
    assert not _page().is_fresh(1601.0, fresh_period=600)
    assert not _page(no_cache=True).is_fresh(1000.5, fresh_period=600)
    # A clock that went backwards does not make an entry fresh forever.
    assert not _page().is_fresh(900.0, fresh_period=600)


def test_pages_and_metadata_round_trip(tmp_path):
    cache = DiskCache(tmp_path)
    name = canonicalize_name("A")
    assert cache.read_page("idx", name) is None
    cache.write_page("idx", name, _page())
    assert cache.read_page("idx", name) == _page()
    cache.write_metadata("ab" * 32, b"Name: a\n")
    assert cache.read_metadata("ab" * 32) == b"Name: a\n"
    assert cache.read_metadata("cd" * 32) is None
    # A corrupt entry is a miss, not a crash.
    entry = tmp_path / "simple-v3" / "idx" / "a.page"
    intact = entry.read_bytes()
    for damaged in (b"{not marshal", intact[: len(intact) // 2], intact[:-1], b""):
        entry.write_bytes(damaged)
        assert cache.read_page("idx", name) is None
    # No temporary files are left behind.
    assert not list(tmp_path.rglob("*.part"))


def test_stored_files_are_found_by_hash(tmp_path):
    cache = DiskCache(tmp_path)
    download = cache.tmp_dir() / "x.part"
    download.write_bytes(b"wheel")
    stored = cache.store_file(download, "ff" * 32, "a-1.0-py3-none-any.whl")
    assert stored.read_bytes() == b"wheel"
    assert cache.cached_file("ff" * 32, "a-1.0-py3-none-any.whl") == stored
    assert cache.cached_file("ee" * 32, "a-1.0-py3-none-any.whl") is None
    again = cache.tmp_dir() / "y.part"
    again.write_bytes(b"wheel")
    assert cache.store_file(again, "ff" * 32, "a-1.0-py3-none-any.whl") == stored
    assert not again.exists()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from universal_lock.index.cache import DiskCache
    cache = DiskCache(Path(sys.argv[1]))
    marker = sys.argv[2].encode()
    for i in range(300):
        cache.write_metadata("aa" * 32, marker * 5000)
        data = cache.read_metadata("aa" * 32)
        assert data is not None and len(data) == 5000 and len(set(data)) == 1, "torn read"
    """
)


def test_two_processes_writing_one_entry_never_tear_it(tmp_path):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), marker], stderr=subprocess.PIPE
        )
        for marker in ("x", "y")
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    final = DiskCache(tmp_path).read_metadata("aa" * 32)
    assert final in (b"x" * 5000, b"y" * 5000)
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize("layout", ["simple-v1", "simple-v2"])
def test_an_earlier_page_layout_is_removed_when_a_page_is_first_written(tmp_path, layout):
    old = tmp_path / layout / "idx"
    old.mkdir(parents=True)
    (old / "a.json").write_text("{}")
    # What the previous layout held: a page of this name, never to be read as one now.
    marshalled = marshal.dumps(("ulock-page-2/x", "u", "t", None, None, 1.0, None, False, ()))
    (old / "a.page").write_bytes(marshalled)
    cache = DiskCache(tmp_path)
    cache.write_metadata("ab" * 32, b"Name: a\n")  # reading or other writes keep it
    assert cache.read_page("idx", canonicalize_name("a")) is None
    assert old.exists()
    cache.write_page("idx", canonicalize_name("a"), _page())
    assert not (tmp_path / layout).exists()
    assert cache.read_page("idx", canonicalize_name("a")) == _page()


def test_an_entry_of_another_format_under_the_current_directory_is_a_miss(tmp_path):
    cache = DiskCache(tmp_path)
    name = canonicalize_name("a")
    cache.write_page("idx", name, _page())
    entry = tmp_path / "simple-v3" / "idx" / "a.page"
    values = list(marshal.loads(entry.read_bytes()))
    values[0] = "ulock-page-2/" + values[0].split("/", 1)[1]
    entry.write_bytes(marshal.dumps(tuple(values)))
    assert cache.read_page("idx", name) is None
