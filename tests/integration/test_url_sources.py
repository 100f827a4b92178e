"""`url` sources end to end: a package taken from a file URL on some platforms, from the index
elsewhere; locked with the URL and the file's hash, synced from it, relocked without a download,
and no credential of the URL written anywhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.cli import run_ulock
from universal_lock.lockfile import read_lock

UNIVERSE = {
    "packages": {
        "torch": {"versions": {"2.3.0": {}}},
        "app-dep": {"versions": {"1.0.0": {"requires": ["torch"]}}},
    },
    # A build of torch published somewhere that is not an index (a release page, a bucket).
    "indexes": {"builds": {"packages": {"torch": {"versions": {"2.3.0+special": {}}}}}},
}


def write_project(directory: Path, url: str, simple_url: str) -> Path:
    directory.mkdir()
    (directory / "pyproject.toml").write_text(
        f"""
[project]
name = "p"
version = "1"
requires-python = ">=3.8"
dependencies = ["app-dep"]

[[tool.ulock.index]]
name = "test"
url = "{simple_url}"
default = true

[tool.ulock.sources]
torch = [{{ url = "{url}", marker = "sys_platform == 'linux'" }}]
"""
    )
    return directory


def test_a_url_source_is_locked_synced_and_relocked_without_download(
    tmp_path: Path, index_server, capsys
) -> None:
    server = index_server(UNIVERSE, basic_auth=("alice", "s3cret"))
    wheel = "torch-2.3.0+special-py3-none-any.whl"
    url = server.file_url(wheel, index="builds").replace("://", "://alice:s3cret@")
    simple = server.simple_url.replace("://", "://alice:s3cret@")
    project = write_project(tmp_path / "p", url, simple)
    cache = tmp_path / "cache"
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    text = (project / "pylock.toml").read_text()
    assert "s3cret" not in text and "alice" not in text
    lock = read_lock(project / "pylock.toml")
    torch = {str(p.version): p for p in lock.packages if p.name == "torch"}
    assert set(torch) == {"2.3.0", "2.3.0+special"}
    special = torch["2.3.0+special"]
    assert special.marker == "sys_platform == 'linux'"
    assert special.index is None  # not from an index
    (file,) = special.wheels
    assert file.url == server.file_url(wheel, index="builds")  # as given, without credentials
    assert file.size is not None and len(file.sha256 or "") == 64
    assert torch["2.3.0"].marker == "sys_platform != 'linux'"

    # A relock downloads nothing: the URL's hash is remembered.
    server.clear_log()
    (project / "pylock.toml").unlink()
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0
    assert (project / "pylock.toml").read_text() == text
    assert not [r for r in server.requests if r.path.endswith(".whl")]

    # Sync installs the URL's file (credentials come from the project's settings, not the lock).
    venv = tmp_path / "venv"
    capsys.readouterr()
    sync = ("sync", "--directory", str(project), "--venv", str(venv), "--frozen")
    assert run_ulock(*sync, "--cache-dir", str(tmp_path / "fresh-cache")) == 0
    assert "s3cret" not in capsys.readouterr().err
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import torch; print(torch.__version__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "2.3.0+special"


def test_a_url_that_names_another_package_or_no_version_is_refused(
    tmp_path: Path, index_server, capsys
) -> None:
    server = index_server(UNIVERSE)
    other = server.file_url("app_dep-1.0.0-py3-none-any.whl")
    project = write_project(tmp_path / "p", other, server.simple_url)
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "names a file of `app-dep`" in err
    project = write_project(tmp_path / "q", f"{server.url}/files/latest", server.simple_url)
    assert run_ulock("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 2
    assert "does not name a wheel or an sdist" in " ".join(capsys.readouterr().err.split())
