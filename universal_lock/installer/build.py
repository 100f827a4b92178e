"""Building a wheel from a source tree or an sdist with its PEP 517 backend, for the target.

The build runs in a fresh virtual environment made with the target interpreter, so compiled
code matches it. Its requirements come from a ``BuildRequirementsResolver`` (the seam: this
session passes the index client's greedy pinning, which takes wheels from the project's own
indexes; locked build dependencies, issue 5's second half, will plug in here), downloaded and
verified by the index client, and installed with ``installer``. The backend runs in a
subprocess through ``pyproject_hooks``; its output is shown only when it fails.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tarfile
import tomllib
import zipfile
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from universal_lock.errors import UlockError
from universal_lock.index import BuildRequirementsResolver, Distribution
from universal_lock.installer.interpreter import create_venv, probe
from universal_lock.installer.transaction import Environment

# What PEP 517 frontends assume for a project without a [build-system] table.
_DEFAULT_REQUIRES = ("setuptools>=40.8.0",)
_DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"

Downloader = Callable[[Distribution, Path], Awaitable[Path]]


class BuildFailed(UlockError):
    """A wheel could not be built from a source tree or an sdist."""


async def build_wheel(
    source: Path,
    *,
    python: Path,
    editable: bool,
    work_dir: Path,
    resolver: BuildRequirementsResolver,
    download: Downloader,
) -> Path:
    """Build ``source`` (a directory, or an sdist file) into a wheel in ``work_dir``."""
    label = source.name
    if source.is_file():
        source = await asyncio.to_thread(_extract, source, work_dir / "src")
    requires, backend, backend_path = _build_system(source, label)
    env_python = await asyncio.to_thread(create_venv, python, work_dir / "env")
    build_env = Environment(await asyncio.to_thread(probe, env_python), work_dir / "backup")
    installed: set[str] = set()

    async def provide(requirements: Sequence[Requirement]) -> None:
        if not requirements:
            return
        for dist in await resolver.resolve_build_requirements(requirements, for_sdist=label):
            if dist.filename not in installed:
                wheel = await download(dist, work_dir / "wheels")
                await asyncio.to_thread(build_env.install_wheel, wheel)
                installed.add(dist.filename)

    await provide(requires)
    from pyproject_hooks import BuildBackendHookCaller, HookMissing

    hooks = BuildBackendHookCaller(
        str(source),
        backend,
        backend_path=backend_path,
        python_executable=str(env_python),
        runner=_quiet_runner,
    )
    out = work_dir / "dist"
    out.mkdir(parents=True, exist_ok=True)
    try:
        if editable:
            extra = await asyncio.to_thread(hooks.get_requires_for_build_editable)
            await provide([_requirement(str(text), label) for text in extra])
            name = await asyncio.to_thread(hooks.build_editable, str(out))
        else:
            extra = await asyncio.to_thread(hooks.get_requires_for_build_wheel)
            await provide([_requirement(str(text), label) for text in extra])
            name = await asyncio.to_thread(hooks.build_wheel, str(out))
    except HookMissing:
        raise BuildFailed(
            f"the build backend of `{label}` cannot make editable installs (no PEP 660 hooks)",
            hint="sync with `--no-editable`",
        ) from None
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or b"").decode("utf-8", "replace")
        raise BuildFailed(f"building `{label}` failed:\n{output[-2000:]}") from None
    except Exception as error:  # pyproject_hooks raises its own family for broken backends
        raise BuildFailed(f"building `{label}` failed: {type(error).__name__}: {error}") from None
    return out / str(name)


def _extract(sdist: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    try:
        if sdist.name.endswith(".zip"):
            with zipfile.ZipFile(sdist) as archive:
                for member in archive.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise BuildFailed(f"`{sdist.name}` has an unsafe member {member!r}")
                archive.extractall(target)
        else:
            with tarfile.open(sdist, "r:*") as archive:
                archive.extractall(target, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as error:
        raise BuildFailed(f"cannot unpack `{sdist.name}`: {error}") from None
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    raise BuildFailed(f"`{sdist.name}` must hold exactly one top-level directory")


def _build_system(source: Path, label: str) -> tuple[list[Requirement], str, list[str] | None]:
    pyproject = source / "pyproject.toml"
    table: Mapping[str, Any] = {}
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise BuildFailed(f"`{label}` has an invalid pyproject.toml: {error}") from None
        found = data.get("build-system")
        table = found if isinstance(found, dict) else {}
    if not table:
        return [Requirement(text) for text in _DEFAULT_REQUIRES], _DEFAULT_BACKEND, None
    requires = table.get("requires", [])
    if not isinstance(requires, list):
        raise BuildFailed(f"`{label}`: `build-system.requires` must be a list")
    backend_path = table.get("backend-path")
    return (
        [_requirement(str(text), label) for text in requires],
        str(table.get("build-backend", _DEFAULT_BACKEND)),
        [str(path) for path in backend_path] if isinstance(backend_path, list) else None,
    )


def _requirement(text: str, label: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise BuildFailed(f"`{label}` has an invalid build requirement {text!r}: {error}") from None


def _quiet_runner(
    cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
) -> None:
    env = dict(os.environ)
    env.update(extra_environ or {})
    env.pop("PYTHONPATH", None)  # keep the caller's path out of the isolated build
    env["PYTHONNOUSERSITE"] = "1"
    subprocess.run(list(cmd), cwd=cwd, env=env, check=True, capture_output=True)
