"""What the probe said about an interpreter, kept: for the next venv made the same way, and for
a Python installation until its site-packages change.

Probing starts the target interpreter (~40 ms of a ~0.3 s sync). Its answer about a virtual
environment depends on the base interpreter, the venv's ``pyvenv.cfg``, the machine (kernel,
libc) and the probe script, and on the venv's own directory only through ``sys.prefix``,
which the install paths start with. So the answer is stored once per (base interpreter
binary and its size and mtime, ``pyvenv.cfg`` less its ``command`` line, where the
interpreter sits in the venv, ``os.uname()``, the glibc version, the probe script's digest),
with the venv's directory replaced by a placeholder, and serves every venv made the same way,
including a fresh one.

An interpreter outside a venv (the one a new venv is made from) is kept under its own path
and the same machine facts, with the modification times of its site-packages directories:
installing or removing anything there (pip, whose tag list the probe then reports) changes
them, and the entry is not used.

Not kept, so always probed: venvs that see the system site-packages, machines without glibc
(musl's version comes from its loader; macOS) and Windows, venvs whose probe found pip (then pip's
tag list is used, and pip is the venv's own), and a venv whose ``sys.prefix`` is not the
directory above the interpreter's directory (the placeholder rule would not hold). A venv with
a ``pip`` directory in its site-packages is never answered from the cache. A cache that cannot
be read or written is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from universal_lock.installer.interpreter import (
    PROBE_SCRIPT,
    Interpreter,
    InterpreterError,
    interpreter_from_report,
    run_probe,
)

_DIRECTORY = "interpreters-v1"
_PLACEHOLDER = "{venv}"


def probe_cached(python: Path, cache_dir: Path) -> Interpreter:
    """``interpreter.probe(python)``, answered from ``cache_dir`` when it can be (a venv made
    the same way, or this installation with its site-packages unchanged)."""
    venv = Path(os.path.abspath(python)).parent.parent  # noqa: PTH100 - as sys.prefix is made
    in_venv = (venv / "pyvenv.cfg").is_file()
    key = _key(python, venv if in_venv else None)
    entry = cache_dir / _DIRECTORY / f"{key}.json" if key is not None else None
    if entry is not None:
        cached = _load(entry, python, venv) if in_venv else _load_installation(entry, python)
        if cached is not None:
            return cached
    report = run_probe(python)
    interpreter = interpreter_from_report(python, report)
    if entry is not None and in_venv and _storable(report, venv):
        _store(entry, report, venv)
    elif entry is not None and not in_venv and report.get("prefix") == report.get("base_prefix"):
        _store_installation(entry, report)
    return interpreter


def _key(python: Path, venv: Path | None) -> str | None:
    """The cache key of ``python`` (in ``venv``, or an installation when ``None``)."""
    if os.name == "nt":
        return None
    try:
        config = (venv / "pyvenv.cfg").read_text(encoding="utf-8") if venv else ""
        binary = os.path.realpath(python)
        found = Path(binary).stat()
        libc = os.confstr("CS_GNU_LIBC_VERSION")
        script = PROBE_SCRIPT.read_bytes()
    except (OSError, ValueError):
        return None
    settings = [line.strip() for line in config.splitlines() if line.strip()]
    if not libc or any(_is_system_site(line) for line in settings):
        return None
    absolute = os.path.abspath(python)  # noqa: PTH100
    parts = {
        "binary": [binary, found.st_size, found.st_mtime_ns],
        "config": sorted(line for line in settings if not line.startswith("command")),
        "inside": os.path.relpath(absolute, venv) if venv else ["installation", absolute],
        "machine": list(os.uname()),
        "libc": libc,
        "probe": hashlib.sha256(script).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _is_system_site(line: str) -> bool:
    name, _, value = line.partition("=")
    return name.strip() == "include-system-site-packages" and value.strip().lower() != "false"


def _storable(report: dict[str, Any], venv: Path) -> bool:
    return (
        not report.get("pip_tags")
        and report.get("prefix") == str(venv)
        and report.get("base_prefix") != str(venv)
    )


def _store(entry: Path, report: dict[str, Any], venv: Path) -> None:
    kept = dict(report)
    kept["prefix"] = _PLACEHOLDER
    kept["paths"] = {name: _template(path, venv) for name, path in report["paths"].items()}
    _write(entry, kept)


def _store_installation(entry: Path, report: dict[str, Any]) -> None:
    kept = dict(report)
    sites = _site_times(report["paths"])
    if sites is None:
        return
    kept["site_times"] = sites
    _write(entry, kept)


def _site_times(paths: dict[str, str]) -> dict[str, int] | None:
    """The modification time of each site-packages directory (changed by any install)."""
    try:
        return {
            site: Path(site).stat().st_mtime_ns
            for site in dict.fromkeys((paths["purelib"], paths["platlib"]))
        }
    except (OSError, KeyError, TypeError):
        return None


def _load_installation(entry: Path, python: Path) -> Interpreter | None:
    try:
        kept = json.loads(entry.read_text(encoding="utf-8"))
        if _site_times(kept["paths"]) != kept["site_times"]:
            return None  # something was installed or removed there since
        return interpreter_from_report(python, kept)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, InterpreterError):
        return None


def _write(entry: Path, kept: dict[str, Any]) -> None:
    kept.pop("executable", None)  # the interpreter's own path; the caller's is used
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(kept, stream)
        Path(temporary).replace(entry)
    except OSError:
        pass  # a cache that cannot be written only costs the next sync a probe


def _load(entry: Path, python: Path, venv: Path) -> Interpreter | None:
    try:
        kept = json.loads(entry.read_text(encoding="utf-8"))
        report = dict(kept)
        report["prefix"] = str(venv)
        report["paths"] = {name: _fill(path, venv) for name, path in kept["paths"].items()}
        interpreter = interpreter_from_report(python, report)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, InterpreterError):
        return None
    sites = {interpreter.paths["purelib"], interpreter.paths["platlib"]}
    if any(os.path.isdir(os.path.join(site, "pip")) for site in sites):  # noqa: PTH112, PTH118
        return None  # the probe would use this pip's tags
    return interpreter


def _template(path: str, venv: Path) -> str:
    prefix = str(venv)
    if path == prefix or path.startswith(prefix + os.sep):
        return _PLACEHOLDER + path[len(prefix) :]
    return path


def _fill(path: str, venv: Path) -> str:
    if path.startswith(_PLACEHOLDER):
        return str(venv) + path[len(_PLACEHOLDER) :]
    return path
