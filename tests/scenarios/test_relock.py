"""Relocking: the previous lock is a preference, its fork markers are reused, upgrades move.

The index gains newer releases between locks; a fresh cache makes sure the resolver sees
them, so an unchanged lock proves the preference, not a stale page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.runner import load_case, lock_case, run_cli, selection
from tests.support.fixtures import IndexServerFactory
from tests.support.scenario import scenario_from_dict
from universal_lock.lockfile import read_lock

OURS = Path(__file__).parent / "ours"


def _newer(path: Path) -> dict[str, object]:
    """The scenario's data with numpy 2.2.0 and scipy 1.15.0 published as well."""
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.pop("ulock", None)
    data["packages"]["numpy"]["versions"]["2.2.0"] = {"requires_python": ">=3.10"}
    data["packages"]["scipy"]["versions"]["1.15.0"] = {
        "requires_python": ">=3.10",
        "requires": ["numpy>=2"],
    }
    return data


def test_relock_keeps_versions_and_upgrade_moves_them(
    index_server: IndexServerFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = OURS / "python-version-fork.toml"
    outcome = lock_case(load_case(path), index_server, tmp_path, capsys)
    lock_file = outcome.project / "pylock.toml"
    before = lock_file.read_bytes()
    outcome.server.set_universe(scenario_from_dict(_newer(path)))
    project = ("--directory", str(outcome.project))

    assert run_cli("lock", *project, "--cache-dir", str(tmp_path / "fresh")) == 0
    assert lock_file.read_bytes() == before, "a relock moved to newer versions unasked"

    assert (
        run_cli("lock", *project, "--cache-dir", str(tmp_path / "c2"), "--upgrade-package", "numpy")
        == 0
    )
    lock = read_lock(lock_file)
    new = selection(lock, platform="linux-x86_64", python="3.12.1")
    assert new == {"numpy": "2.2.0", "scipy": "1.14.0"}
    old = selection(lock, platform="linux-x86_64", python="3.9.18")
    assert old == {"numpy": "1.26.0", "scipy": "1.10.0"}

    assert run_cli("lock", *project, "--cache-dir", str(tmp_path / "c3"), "--upgrade") == 0
    lock = read_lock(lock_file)
    assert selection(lock, platform="win", python="3.13.0") == {
        "numpy": "2.2.0",
        "scipy": "1.15.0",
    }
    assert lock.fork_markers, "the Python fork is recorded"
    capsys.readouterr()
