"""Local files verified before a sync changes anything (fetch_local): small wheels held as
their bytes, everything else copied; a file that differs from the lock is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from universal_lock.errors import InputError
from universal_lock.installer import fetch
from universal_lock.installer.fetch import (
    FileRequest,
    VerificationFailed,
    WheelBytes,
    cached_files,
    fetch_local,
)
from universal_lock.lockfile import LockedFile


def _request(
    directory: Path, name: str, data: bytes, *, locked: bytes | None = None
) -> FileRequest:
    (directory / name).write_bytes(data)
    expected = data if locked is None else locked
    file = LockedFile(
        name=name,
        path=name,
        size=len(expected),
        hashes={"sha256": hashlib.sha256(expected).hexdigest()},
    )
    return FileRequest(name=canonicalize_name(name.split("-", maxsplit=1)[0]), file=file)


def test_small_wheels_are_held_and_the_rest_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "IN_MEMORY_LIMIT", 10)
    monkeypatch.setattr(fetch, "IN_MEMORY_TOTAL", 15)
    requests = [
        _request(tmp_path, "a-1-py3-none-any.whl", b"a" * 8),
        _request(tmp_path, "b-1-py3-none-any.whl", b"b" * 8),  # over the total: copied
        _request(tmp_path, "c-1-py3-none-any.whl", b"c" * 11),  # over the limit: copied
        _request(tmp_path, "d-1.tar.gz", b"d" * 2),  # not a wheel: copied
        _request(tmp_path, "e-1-py3-none-any.whl", b"e" * 7),  # fits what is left
    ]
    work = tmp_path / "work"
    fetched = fetch_local(requests, lock_dir=tmp_path, work_dir=work)
    assert fetched["a-1-py3-none-any.whl"] == WheelBytes(name="a-1-py3-none-any.whl", data=b"a" * 8)
    assert fetched["e-1-py3-none-any.whl"] == WheelBytes(name="e-1-py3-none-any.whl", data=b"e" * 7)
    for name, data in [("b-1-py3-none-any.whl", b"b" * 8), ("c-1-py3-none-any.whl", b"c" * 11)]:
        copy = fetched[name]
        assert isinstance(copy, Path) and copy.is_relative_to(work) and copy.read_bytes() == data
    copy = fetched["d-1.tar.gz"]
    assert isinstance(copy, Path) and copy.name == "d-1.tar.gz" and copy.read_bytes() == b"dd"


@pytest.mark.parametrize("size", [4, 100], ids=["in-memory", "copied"])
def test_a_file_that_differs_from_the_lock_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(fetch, "IN_MEMORY_LIMIT", 50)
    wrong_size = _request(tmp_path, "a-1-py3-none-any.whl", b"x" * size, locked=b"y" * (size + 1))
    with pytest.raises(VerificationFailed, match=rf"expected size {size + 1}, got {size}"):
        fetch_local([wrong_size], lock_dir=tmp_path, work_dir=tmp_path / "work")
    wrong_hash = _request(tmp_path, "b-1-py3-none-any.whl", b"x" * size, locked=b"y" * size)
    with pytest.raises(VerificationFailed, match="expected sha256") as refused:
        fetch_local([wrong_hash], lock_dir=tmp_path, work_dir=tmp_path / "work")
    assert refused.value.actual == hashlib.sha256(b"x" * size).hexdigest()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    request = _request(tmp_path, "a-1-py3-none-any.whl", b"a")
    (tmp_path / "a-1-py3-none-any.whl").unlink()
    with pytest.raises(InputError, match=r"`a-1-py3-none-any.whl` \(of `a`\) does not exist"):
        fetch_local([request], lock_dir=tmp_path, work_dir=tmp_path / "work")


def test_files_with_a_url_are_read_from_the_cache_when_all_are_there(tmp_path: Path) -> None:
    from universal_lock.index.cache import DiskCache

    cache = DiskCache(tmp_path / "cache")
    remote = []
    for name, data in [("a-1-py3-none-any.whl", b"aa"), ("b-1-py3-none-any.whl", b"bb")]:
        sha256 = hashlib.sha256(data).hexdigest()
        file = LockedFile(
            name=name, url=f"https://example.invalid/{name}", size=len(data),
            hashes={"sha256": sha256},
        )  # fmt: skip
        remote.append(FileRequest(name=canonicalize_name(name[0]), file=file))
    local = _request(tmp_path, "c-1-py3-none-any.whl", b"cc")
    stored = tmp_path / "download"
    stored.write_bytes(b"aa")
    cache.store_file(stored, remote[0].file.sha256 or "", remote[0].file.name)
    requests = [*remote, local]
    assert cached_files(requests, lock_dir=tmp_path, cache_dir=cache.root) is None  # b missing
    stored.write_bytes(b"bX")  # what the cache holds for b is not what the lock says
    cache.store_file(stored, remote[1].file.sha256 or "", remote[1].file.name)
    found = cached_files(requests, lock_dir=tmp_path, cache_dir=cache.root)
    assert found is not None and sorted(found) == ["a-1-py3-none-any.whl", "b-1-py3-none-any.whl"]
    work = tmp_path / "work"
    fetched = fetch_local(requests[::2], lock_dir=tmp_path, work_dir=work, cached=found)
    assert fetched == {
        "a-1-py3-none-any.whl": WheelBytes(name="a-1-py3-none-any.whl", data=b"aa"),
        "c-1-py3-none-any.whl": WheelBytes(name="c-1-py3-none-any.whl", data=b"cc"),
    }
    with pytest.raises(VerificationFailed, match="from the cache does not match"):
        fetch_local(requests, lock_dir=tmp_path, work_dir=work, cached=found)
    assert not found["b-1-py3-none-any.whl"].exists()  # forgotten: the next run downloads it
    assert found["a-1-py3-none-any.whl"].exists()
