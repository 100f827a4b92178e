"""The isolated build environment: a fresh virtual environment without pip, and wheels
installed into it with ``installer``.

With the running interpreter the environment is made in-process (``venv.EnvBuilder``) and its
install scheme computed here; with another interpreter, by that interpreter (``-m venv
--without-pip``), which is then asked for its scheme once. Either way each wheel is installed
in-process, with no subprocess per wheel. The environment refuses a second, different file of
a name it already holds: installing over it would leave two versions half on top of each other.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sysconfig
import venv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)

from universal_lock.building.errors import BuildFailed

_TIMEOUT = 120
_SCHEME_CODE = "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"


class BuildEnvironment:
    """A virtual environment for one build; ``python`` is its interpreter."""

    def __init__(self, python: Path, scheme: Mapping[str, str], *, label: str) -> None:
        self.python = python
        self._scheme = {
            "purelib": scheme["purelib"],
            "platlib": scheme["platlib"],
            "headers": scheme.get("include", scheme["purelib"]),
            "scripts": scheme["scripts"],
            "data": scheme["data"],
        }
        self._label = label
        self._installed: dict[NormalizedName, str] = {}

    @classmethod
    def create(cls, directory: Path, *, python: Path | None, label: str) -> BuildEnvironment:
        """Make the environment at ``directory`` with ``python`` (``None``: the running
        interpreter). Raises ``BuildFailed`` when that interpreter cannot make one."""
        if python is None:
            builder = venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", clear=True)
            try:
                builder.create(directory)
            except (OSError, subprocess.SubprocessError) as error:
                raise BuildFailed(label, f"cannot create the build environment: {error}") from None
            env_python = _venv_python(directory)
            # The same interpreter: its own "venv" scheme with this prefix is what the new
            # environment's interpreter would report, without starting it.
            base = {"base": str(directory), "platbase": str(directory)}
            base |= {"installed_base": str(directory), "installed_platbase": str(directory)}
            return cls(env_python, sysconfig.get_paths("venv", vars=base), label=label)
        _run([str(python), "-m", "venv", "--without-pip", str(directory)], label=label)
        env_python = _venv_python(directory)
        scheme = json.loads(_run([str(env_python), "-I", "-c", _SCHEME_CODE], label=label))
        # A venv reports its base interpreter's include directory: headers a wheel ships must
        # stay inside the throwaway environment.
        scheme["include"] = str(directory / "include")
        return cls(env_python, scheme, label=label)

    @property
    def installed(self) -> frozenset[str]:
        """The file names of the wheels installed so far."""
        return frozenset(self._installed.values())

    def install(self, wheels: Iterable[Path]) -> None:
        """Install each wheel not installed yet (``INSTALLER`` = ulock)."""
        from installer import install
        from installer.destinations import SchemeDictionaryDestination
        from installer.sources import WheelFile

        for wheel in wheels:
            name = _project_name(wheel)
            present = self._installed.get(name)
            if present == wheel.name:
                continue
            if present is not None:
                raise BuildFailed(
                    self._label,
                    f"its build requirements need both `{present}` and `{wheel.name}`",
                )
            destination = SchemeDictionaryDestination(
                self._scheme, interpreter=str(self.python), script_kind=_script_kind()
            )
            try:
                with WheelFile.open(wheel) as source:
                    install(source, destination, {"INSTALLER": b"ulock\n"})
            except Exception as error:  # installer raises plain exceptions for bad wheels
                raise BuildFailed(
                    self._label,
                    f"installing the build requirement `{wheel.name}` failed: {error}",
                ) from None
            self._installed[name] = wheel.name


def _project_name(wheel: Path) -> NormalizedName:
    try:
        return parse_wheel_filename(wheel.name)[0]
    except InvalidWheelFilename:
        # Not a standard name: installer decides whether it installs; keyed by the file name.
        return canonicalize_name(wheel.name)


def _venv_python(directory: Path) -> Path:
    if os.name == "nt":
        return directory / "Scripts" / "python.exe"
    return directory / "bin" / "python"


_ScriptKind = Literal["posix", "win-ia32", "win-amd64", "win-arm64"]


def _script_kind() -> _ScriptKind:
    # The build runs on this machine, so its operating system and architecture are ours.
    if os.name != "nt":
        return "posix"
    machine = platform.machine().lower()
    if machine == "arm64":
        return "win-arm64"
    return "win-ia32" if machine == "x86" else "win-amd64"


def _run(command: list[str], *, label: str) -> str:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise BuildFailed(label, f"cannot create the build environment: {error}") from None
    if done.returncode != 0:
        raise BuildFailed(
            label, "cannot create the build environment", output=done.stderr or done.stdout
        )
    return done.stdout
