"""The target interpreter: finding one for the lock's requires-python, creating the venv, and
asking it (the probe) for its marker environment, wheel tags and install paths.

The probe runs as a subprocess (``_probe_script.py``, standard library only), because the
target may be another Python than ulock's. Tags come from the target's own pip when it has
one, otherwise ``tags.tags_for`` computes them here from the probe's facts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, parse_tag
from packaging.version import InvalidVersion, Version

from universal_lock.errors import UlockError
from universal_lock.installer.tags import InterpreterFacts, tags_for

PROBE_SCRIPT = Path(__file__).with_name("_probe_script.py")
_TIMEOUT = 60


class InterpreterError(UlockError):
    """No usable interpreter: none fits requires-python, or the probe or venv creation failed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interpreter:
    """A probed interpreter: its executable, prefixes, marker environment, tags and scheme.

    ``paths`` is ``sysconfig.get_paths()`` there (``purelib``, ``platlib``, ``scripts``,
    ``data``, ``include``); ``is_venv`` tells ``prefix`` from ``base_prefix``.
    """

    executable: Path
    prefix: Path
    base_prefix: Path
    environment: Mapping[str, str]
    facts: InterpreterFacts
    tags: tuple[Tag, ...]
    paths: Mapping[str, str]

    @property
    def is_venv(self) -> bool:
        """True inside a virtual environment."""
        return self.prefix != self.base_prefix

    @property
    def python_version(self) -> Version:
        """``python_full_version`` as a ``Version``."""
        return Version(self.environment["python_full_version"])


def venv_python(venv: Path) -> Path:
    """The interpreter of the virtual environment at ``venv`` (which may not exist yet)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def probe(python: Path) -> Interpreter:
    """Run the probe with ``python`` and turn its report into an ``Interpreter``."""
    return interpreter_from_report(python, run_probe(python))


def run_probe(python: Path) -> dict[str, Any]:
    """The probe's report (a JSON object) about ``python``."""
    try:
        done = subprocess.run(
            [str(python), "-I", str(PROBE_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise InterpreterError(f"cannot run `{python}`: {error}") from None
    if done.returncode != 0:
        raise InterpreterError(f"`{python}` failed to describe itself:\n{done.stderr[-2000:]}")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = None
    if not isinstance(report, dict):
        raise InterpreterError(f"`{python}` gave an unreadable description of itself")
    return report


def interpreter_from_report(python: Path, report: Mapping[str, Any]) -> Interpreter:
    """The ``Interpreter`` a probe report describes; ``InterpreterError`` if it is malformed."""
    try:
        raw = report["facts"]
        facts = InterpreterFacts(
            version=(int(raw["version"][0]), int(raw["version"][1])),
            implementation=raw["implementation"],
            soabi=raw["soabi"],
            gil_disabled=raw["gil_disabled"],
            debug=raw["debug"],
            platform=raw["platform"],
            pointer_bits=raw["pointer_bits"],
            glibc=tuple(raw["glibc"]) if raw["glibc"] else None,
            musl=tuple(raw["musl"]) if raw["musl"] else None,
            mac_version=raw["mac_version"] or None,
        )
        pip_tags = report.get("pip_tags")
        if pip_tags:
            tags = [tag for text in pip_tags for tag in sorted(parse_tag(text), key=str)]
        else:
            tags = tags_for(facts)
        return Interpreter(
            executable=python,
            prefix=Path(report["prefix"]),
            base_prefix=Path(report["base_prefix"]),
            environment={key: str(value) for key, value in report["environment"].items()},
            facts=facts,
            tags=tuple(tags),
            paths=dict(report["paths"]),
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise InterpreterError(f"`{python}` gave an unreadable description of itself") from None


def find_interpreter(
    requires_python: SpecifierSet | None,
    version_of: Callable[[Path], Version | None] | None = None,
) -> Path:
    """The newest interpreter that satisfies ``requires_python``.

    Looks at ``python3.X`` on ``PATH`` and ``~/.pyenv/versions/*/bin/python``; when none fits,
    the interpreter running ulock, if it fits. Candidates are tried newest first by the
    version their name suggests, and each is asked for its real version before it is chosen
    (by ``version_of``, ``None`` when it cannot say; by default a small subprocess).
    """
    version_of = version_of or _version_of
    ranked = sorted(
        _candidates(),
        key=lambda candidate: (candidate[0] is not None, candidate[0] or Version("0")),
        reverse=True,
    )
    for _, candidate in ranked:
        version = version_of(candidate)
        if version is not None and _fits(version, requires_python):
            return candidate
    running = Version(".".join(str(part) for part in sys.version_info[:3]))
    if _fits(running, requires_python):
        return Path(sys.executable)
    raise InterpreterError(
        f"no Python interpreter satisfies the lock's requires-python `{requires_python}`",
        hint="install one (as `python3.X` on PATH or with pyenv), or pass `--venv` to an "
        "existing virtual environment",
    )


def create_venv(python: Path, target: Path) -> Path:
    """Create a virtual environment without pip at ``target``; return its interpreter.

    A half-created directory is removed when creation fails.
    """
    try:
        done = subprocess.run(
            [str(python), "-m", "venv", "--without-pip", str(target)],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        shutil.rmtree(target, ignore_errors=True)
        message = f"cannot create a virtual environment at `{target}`: {error}"
        raise InterpreterError(message) from None
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise InterpreterError(
            f"cannot create a virtual environment at `{target}`:\n{done.stderr[-2000:]}"
        )
    return venv_python(target)


def _fits(version: Version, requires_python: SpecifierSet | None) -> bool:
    return requires_python is None or requires_python.contains(version, prereleases=True)


def _candidates() -> Iterator[tuple[Version | None, Path]]:
    """(the version the name suggests, the interpreter) for every candidate."""
    seen: set[Path] = set()
    names = re.compile(r"python(3\.\d+)")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if "shims" in Path(directory).parts:
            continue  # pyenv's shims pick a version by configuration, not by their name
        try:
            # Names are matched before paths are made: /usr/bin holds thousands of entries.
            found = sorted(name for name in os.listdir(directory or ".") if names.fullmatch(name))  # noqa: PTH208
        except OSError:
            continue
        for name in found:
            entry = Path(directory or ".") / name
            match = names.fullmatch(name)
            if match and entry not in seen:
                seen.add(entry)
                yield _guess(match.group(1)), entry
    for entry in sorted((Path.home() / ".pyenv" / "versions").glob("*/bin/python")):
        if entry not in seen:
            seen.add(entry)
            yield _guess(entry.parts[-3]), entry


def _guess(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _version_of(python: Path) -> Version | None:
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
        return Version(done.stdout.strip()) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, InvalidVersion):
        return None
