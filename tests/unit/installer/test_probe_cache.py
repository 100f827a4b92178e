"""The probe's answer about a venv, kept for the next venv made the same way (probe_cache).

The oracle is a real probe of the same venv: a cached answer must equal it. To tell a cached
answer from a fresh one, a test marks the stored entry (an impossible ``platform_release``)
and looks for the mark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from universal_lock.installer.interpreter import Interpreter, probe, venv_python
from universal_lock.installer.probe_cache import probe_cached

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the cache is kept on POSIX")


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return venv_python(path)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "interpreters-v1").glob("*.json"))


def _mark(cache: Path) -> None:
    (entry,) = _entries(cache)
    kept = json.loads(entry.read_text())
    kept["environment"]["platform_release"] = "from-the-cache"
    entry.write_text(json.dumps(kept))


def _from_cache(interpreter: Interpreter) -> bool:
    return interpreter.environment["platform_release"] == "from-the-cache"


def test_a_second_venv_made_the_same_way_gets_the_answer_a_probe_gives(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _venv(tmp_path / "first")
    assert probe_cached(first, cache) == probe(first)
    assert len(_entries(cache)) == 1
    second = _venv(tmp_path / "second")
    answered = probe_cached(second, cache)
    assert answered == probe(second)
    assert answered.prefix == tmp_path / "second"
    assert answered.paths["purelib"].startswith(str(tmp_path / "second") + "/")
    assert answered.is_venv
    _mark(cache)
    assert _from_cache(probe_cached(_venv(tmp_path / "third"), cache))


def test_a_venv_with_pip_or_the_system_site_packages_is_always_probed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe_cached(_venv(tmp_path / "first"), cache)
    _mark(cache)
    with_pip = _venv(tmp_path / "with-pip")
    (Path(probe(with_pip).paths["purelib"]) / "pip").mkdir()
    assert not _from_cache(probe_cached(with_pip, cache))
    system = _venv(tmp_path / "system")
    config = system.parent.parent / "pyvenv.cfg"
    config.write_text(
        config.read_text().replace(
            "include-system-site-packages = false", "include-system-site-packages = true"
        )
    )
    assert not _from_cache(probe_cached(system, cache))
    assert len(_entries(cache)) == 1  # neither was stored


def test_an_installation_is_answered_from_the_cache_until_its_site_packages_change(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    base = Path(sys.base_prefix) / "bin" / "python3"
    answered = probe_cached(base, cache)
    assert answered == probe(base)
    assert not answered.is_venv
    _mark(cache)
    assert _from_cache(probe_cached(base, cache))
    (entry,) = _entries(cache)
    kept = json.loads(entry.read_text())
    kept["site_times"] = {site: when + 1 for site, when in kept["site_times"].items()}
    entry.write_text(json.dumps(kept))  # as if something was installed there since
    assert probe_cached(base, cache) == probe(base)


def test_an_unreadable_entry_or_cache_is_a_miss(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    python = _venv(tmp_path / "venv")
    probe_cached(python, cache)
    (entry,) = _entries(cache)
    entry.write_text("{not json")
    assert probe_cached(python, cache) == probe(python)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert probe_cached(python, blocked) == probe(python)  # cannot be written: still answered
