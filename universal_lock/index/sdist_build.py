"""Preparing an sdist's metadata with its PEP 517 backend, in an isolated build environment.

The environment is a fresh virtualenv without pip; the build requirements are wheels chosen by
a ``BuildRequirementsResolver`` (from the same indexes and sources as everything else),
downloaded and verified by the index client, and installed with ``installer``. Nothing is
fetched from anywhere else. The backend runs in a subprocess through ``pyproject_hooks``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import tarfile
import tempfile
import tomllib
import venv
import warnings
import zipfile
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from packaging.requirements import InvalidRequirement, Requirement

from universal_lock.index.errors import MetadataBuildFailed
from universal_lock.index.models import Distribution

# What pip assumes for a project with no [build-system] table (PEP 518).
_LEGACY_REQUIRES = ("setuptools>=40.8.0",)
_LEGACY_BACKEND = "setuptools.build_meta:__legacy__"
_log = logging.getLogger(__name__)


class BuildRequirementsResolver(Protocol):
    """Chooses the wheels that make up a build environment for the running interpreter.

    The resolver (issue: universal resolver) will implement this with a real resolution; the
    index client ships ``PinningBuildResolver``, which handles the simple cases.
    """

    async def resolve_build_requirements(
        self, requirements: Sequence[Requirement], *, for_sdist: str
    ) -> Sequence[Distribution]:
        """Every wheel to install (transitively closed), or raise a ``UlockError`` saying why
        there is none. ``for_sdist`` names the sdist being built, for messages."""
        ...


Downloader = Callable[[Distribution, Path], Awaitable[Path]]


async def prepare_sdist_metadata(
    sdist: Path, *, resolver: BuildRequirementsResolver, download: Downloader
) -> bytes:
    """Run ``prepare_metadata_for_build_wheel`` for ``sdist``; return the ``METADATA`` bytes.

    Falls back to building the wheel when the backend lacks the hook (as PEP 517 allows).
    Raises ``MetadataBuildFailed`` with the backend's output when the hook fails.
    """
    with tempfile.TemporaryDirectory(prefix="ulock-build-") as work:
        work_dir = Path(work)
        source = await asyncio.to_thread(_extract, sdist, work_dir / "src")
        requires, backend, backend_path = _build_system(source, sdist.name)
        env_dir = work_dir / "env"
        python = await asyncio.to_thread(_create_env, env_dir)
        scheme = await asyncio.to_thread(_scheme_paths, python)
        installed: set[str] = set()

        async def install(requirements: Sequence[Requirement]) -> None:
            wheels = await resolver.resolve_build_requirements(requirements, for_sdist=sdist.name)
            for wheel in wheels:
                if wheel.filename in installed:
                    continue
                path = await download(wheel, work_dir / "wheels")
                await asyncio.to_thread(_install_wheel, path, scheme, python)
                installed.add(wheel.filename)

        if requires:
            await install(requires)
        from pyproject_hooks import BuildBackendHookCaller

        hooks = BuildBackendHookCaller(
            str(source),
            backend,
            backend_path=backend_path,
            python_executable=str(python),
            runner=_quiet_runner,
        )
        metadata_dir = work_dir / "metadata"
        metadata_dir.mkdir()
        try:
            extra = await asyncio.to_thread(_quietly, hooks.get_requires_for_build_wheel)
            if extra:
                await install([_requirement(str(text), sdist.name) for text in extra])
            dist_info = await asyncio.to_thread(
                _quietly, hooks.prepare_metadata_for_build_wheel, str(metadata_dir), None, True
            )
        except subprocess.CalledProcessError as error:
            output = (error.stderr or error.stdout or b"").decode("utf-8", "replace")
            message = f"the build backend failed:\n{output[-2000:]}"
            raise MetadataBuildFailed(sdist.name, message) from None
        except Exception as error:  # pyproject_hooks raises its own family for bad backends
            raise MetadataBuildFailed(sdist.name, f"{type(error).__name__}: {error}") from None
        metadata = metadata_dir / str(dist_info) / "METADATA"
        if not metadata.is_file():
            raise MetadataBuildFailed(sdist.name, "the backend produced no METADATA file")
        return metadata.read_bytes()


def _quietly(hook: Callable[..., Any], *args: Any) -> Any:
    # pyproject_hooks re-raises the backend's warnings in this process, where Python would
    # print them; only the CLI may write to the terminal, so they go to the debug log.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = hook(*args)
    for warning in caught:
        _log.debug("build backend warning: %s", warning.message)
    return result


def _extract(sdist: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    try:
        if sdist.name.endswith(".zip"):
            with zipfile.ZipFile(sdist) as archive:
                for name in archive.namelist():
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise MetadataBuildFailed(sdist.name, f"unsafe member path {name!r}")
                archive.extractall(target)
        else:
            with tarfile.open(sdist, "r:*") as archive:
                archive.extractall(target, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as error:
        raise MetadataBuildFailed(sdist.name, f"cannot unpack: {error}") from None
    entries = [entry for entry in target.iterdir()]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    raise MetadataBuildFailed(sdist.name, "an sdist must hold exactly one top-level directory")


def _build_system(source: Path, filename: str) -> tuple[list[Requirement], str, list[str] | None]:
    pyproject = source / "pyproject.toml"
    table: Mapping[str, object] = {}
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise MetadataBuildFailed(filename, f"invalid pyproject.toml: {error}") from None
        build_system = data.get("build-system")
        table = build_system if isinstance(build_system, dict) else {}
    if not table:
        return [Requirement(text) for text in _LEGACY_REQUIRES], _LEGACY_BACKEND, None
    requires = table.get("requires", [])
    if not isinstance(requires, list):
        raise MetadataBuildFailed(filename, "`build-system.requires` must be a list")
    backend = table.get("build-backend", _LEGACY_BACKEND)
    backend_path = table.get("backend-path")
    paths = backend_path if isinstance(backend_path, list) else None
    return (
        [_requirement(str(text), filename) for text in requires],
        str(backend),
        [str(path) for path in paths] if paths else None,
    )


def _requirement(text: str, filename: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise MetadataBuildFailed(
            filename, f"invalid build requirement {text!r}: {error}"
        ) from None


def _create_env(env_dir: Path) -> Path:
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", clear=True).create(env_dir)
    bin_dir = "Scripts" if os.name == "nt" else "bin"
    return env_dir / bin_dir / ("python.exe" if os.name == "nt" else "python")


def _scheme_paths(python: Path) -> dict[str, str]:
    code = "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"
    output = subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True
    ).stdout
    paths: dict[str, str] = json.loads(output)
    return paths


def _install_wheel(path: Path, scheme: Mapping[str, str], python: Path) -> None:
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    destination = SchemeDictionaryDestination(
        {
            "purelib": scheme["purelib"],
            "platlib": scheme["platlib"],
            "headers": scheme["include"],
            "scripts": scheme["scripts"],
            "data": scheme["data"],
        },
        interpreter=str(python),
        script_kind="posix" if os.name != "nt" else "win-amd64",
    )
    with WheelFile.open(path) as source:
        install(source, destination, {"INSTALLER": b"ulock"})


def _quiet_runner(
    cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
) -> None:
    env = dict(os.environ)
    if extra_environ:
        env.update(extra_environ)
    # Keep the user's site-packages out of the isolated build.
    env.pop("PYTHONPATH", None)
    env["PYTHONNOUSERSITE"] = "1"
    subprocess.run(list(cmd), cwd=cwd, env=env, check=True, capture_output=True)
