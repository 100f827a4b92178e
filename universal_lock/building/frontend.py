"""The PEP 517 frontend: prepare an sdist's or a source tree's metadata, or build its wheel.

One build: read ``[build-system]``; unpack the sdist (a directory is used in place); make a
fresh build environment with the given interpreter; ask the caller's ``RequirementProvider``
for the wheels of the static requirements and install them; call the backend's
``get_requires_for_build_*`` hook and do the same for what it returns (``dynamic=True``); then
call the build hook. The backend runs in subprocesses through ``pyproject_hooks``, quietly:
its output is kept and shown only when it fails, and its warnings go to the debug log.

The frontend never chooses or downloads a requirement itself: the provider does (the lock's
build dependencies, or a resolution), so every build uses the same indexes and sources as the
rest of ulock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from packaging.requirements import InvalidRequirement, Requirement

from universal_lock.building.archive import extract_sdist
from universal_lock.building.build_system import (
    BuildSystem,
    read_build_system,
    sdist_build_system,
)
from universal_lock.building.environment import BuildEnvironment
from universal_lock.building.errors import BuildFailed, HookMissing

_log = logging.getLogger(__name__)


class RequirementProvider(Protocol):
    """Turns build requirements into local wheel files to install into the build environment.

    The caller resolves, downloads and verifies; the result must be closed under dependencies
    (the frontend installs exactly these files). ``dynamic`` is False for the static
    ``build-system.requires`` and True for what the backend's ``get_requires_for_build_*``
    hook returned, which a lock cannot know beforehand. Raise a ``UlockError`` when the
    requirements cannot be met; it reaches the caller of the build unchanged.
    """

    async def __call__(
        self, requirements: Sequence[Requirement], *, dynamic: bool
    ) -> Sequence[Path]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOutcome:
    """A finished build: ``path`` is the ``METADATA`` file or the wheel (inside the build's
    ``work_dir``), ``build_system`` what was read, ``dynamic_requires`` what the backend's
    ``get_requires_for_build_*`` hook asked for on top of it."""

    path: Path
    build_system: BuildSystem
    dynamic_requires: tuple[Requirement, ...]


async def prepare_metadata(
    source: Path, *, python: Path | None, work_dir: Path, provide: RequirementProvider
) -> BuildOutcome:
    """The core metadata of ``source`` (an sdist file or a source tree), through the backend's
    ``prepare_metadata_for_build_wheel``; when the backend lacks that hook, the wheel is built
    and its ``METADATA`` taken (as PEP 517 allows).

    ``python`` makes the build environment (``None``: the running interpreter). ``work_dir``
    holds ``src``, ``env`` and ``metadata``; the caller removes it. Raises ``BuildFailed``.
    """
    build = await _start(source, python=python, work_dir=work_dir, provide=provide)
    dynamic = await build.install_dynamic("get_requires_for_build_wheel")
    out = build.work_dir / "metadata"
    out.mkdir(exist_ok=True)
    dist_info = await build.call(
        "prepare_metadata_for_build_wheel",
        lambda hooks: hooks.prepare_metadata_for_build_wheel(str(out), _allow_fallback=True),
    )
    metadata = out / str(dist_info) / "METADATA"
    if not metadata.is_file():
        raise BuildFailed(build.label, "the build backend produced no METADATA file")
    return BuildOutcome(path=metadata, build_system=build.system, dynamic_requires=dynamic)


async def build_wheel(
    source: Path,
    *,
    python: Path | None,
    editable: bool,
    work_dir: Path,
    provide: RequirementProvider,
) -> BuildOutcome:
    """Build ``source`` (an sdist file or a source tree) into a wheel, or into an editable
    wheel (PEP 660) when ``editable``, for the interpreter ``python`` (``None``: the running
    one).

    ``work_dir`` holds ``src``, ``env`` and ``dist`` (where the wheel is). Raises
    ``BuildFailed``, or ``HookMissing`` when an editable build meets a backend without PEP 660.
    """
    from pyproject_hooks import HookMissing as MissingHook

    kind = "editable" if editable else "wheel"
    build = await _start(source, python=python, work_dir=work_dir, provide=provide)
    dynamic = await build.install_dynamic(f"get_requires_for_build_{kind}")
    out = build.work_dir / "dist"
    out.mkdir(exist_ok=True)
    try:
        name = await build.call(
            f"build_{kind}", lambda hooks: getattr(hooks, f"build_{kind}")(str(out))
        )
    except MissingHook:
        if editable:
            raise HookMissing(build.label) from None
        raise BuildFailed(build.label, "its build backend has no `build_wheel` hook") from None
    wheel = out / str(name)
    if not wheel.is_file() or wheel.suffix != ".whl":
        raise BuildFailed(build.label, f"the build backend did not write the wheel `{name}`")
    return BuildOutcome(path=wheel, build_system=build.system, dynamic_requires=dynamic)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Build:
    """One build in progress: the unpacked tree, its environment and backend."""

    label: str
    work_dir: Path
    system: BuildSystem
    environment: BuildEnvironment
    provide: RequirementProvider
    hooks: Any  # pyproject_hooks.BuildBackendHookCaller, imported lazily

    async def install_dynamic(self, hook_name: str) -> tuple[Requirement, ...]:
        """Ask ``hook_name`` what else the build needs, and install it."""
        texts = await self.call(hook_name, lambda hooks: getattr(hooks, hook_name)())
        if not isinstance(texts, list):
            raise BuildFailed(self.label, f"`{hook_name}` returned {texts!r}, not a list")
        requirements = tuple(_requirement(str(text), self.label) for text in texts)
        if requirements:
            wheels = await self.provide(requirements, dynamic=True)
            await asyncio.to_thread(self.environment.install, wheels)
        return requirements

    async def call(self, hook_name: str, hook: Callable[[Any], Any]) -> Any:
        """Run one hook in a thread; turn the backend's failures into ``BuildFailed``
        (``pyproject_hooks.HookMissing`` passes through, for the caller to judge)."""
        return await asyncio.to_thread(_call, self.label, self.system, hook_name, hook, self.hooks)


async def _start(
    source: Path, *, python: Path | None, work_dir: Path, provide: RequirementProvider
) -> _Build:
    label = source.name
    work_dir = work_dir.absolute()
    work_dir.mkdir(parents=True, exist_ok=True)
    is_sdist = source.is_file()
    if is_sdist:
        system = await asyncio.to_thread(sdist_build_system, source)
    else:
        system = await asyncio.to_thread(read_build_system, source, label=label)
    # The static requirements are fetched while the tree is unpacked and the environment made.
    wanted = asyncio.ensure_future(_provide(provide, system.requires))
    try:
        tree = source.absolute()
        if is_sdist:
            tree = await asyncio.to_thread(extract_sdist, source, work_dir / "src")
        environment = await asyncio.to_thread(
            BuildEnvironment.create, work_dir / "env", python=python, label=label
        )
        wheels = await wanted
    finally:
        # On the way out through an error: stop the fetch, and collect its own error so
        # asyncio does not complain that nobody retrieved it.
        if not wanted.done():
            wanted.cancel()
        await asyncio.gather(wanted, return_exceptions=True)
    await asyncio.to_thread(environment.install, wheels)
    from pyproject_hooks import BuildBackendHookCaller

    hooks = BuildBackendHookCaller(
        str(tree),
        system.backend,
        backend_path=list(system.backend_path) if system.backend_path else None,
        python_executable=str(environment.python),
        runner=_quiet_runner,
    )
    return _Build(
        label=label,
        work_dir=work_dir,
        system=system,
        environment=environment,
        provide=provide,
        hooks=hooks,
    )


async def _provide(
    provide: RequirementProvider, requirements: Sequence[Requirement]
) -> Sequence[Path]:
    if not requirements:
        return ()
    return await provide(requirements, dynamic=False)


def _call(
    label: str, system: BuildSystem, hook_name: str, hook: Callable[[Any], Any], hooks: Any
) -> Any:
    from pyproject_hooks import BackendUnavailable
    from pyproject_hooks import HookMissing as MissingHook

    try:
        return hook(hooks)
    except subprocess.CalledProcessError as error:
        output = (error.stdout or b"").decode("utf-8", "replace")
        raise BuildFailed(
            label, f"the build backend's `{hook_name}` hook failed", output=output
        ) from None
    except BackendUnavailable as error:
        raise BuildFailed(
            label,
            f"the build backend `{system.backend}` cannot be imported",
            output=str(error.traceback or ""),
        ) from None
    except MissingHook:
        raise
    except Exception as error:  # pyproject_hooks' own failures (unsupported operation, ...)
        raise BuildFailed(
            label, f"the build backend's `{hook_name}` hook failed: {type(error).__name__}: {error}"
        ) from None


def _requirement(text: str, label: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise BuildFailed(
            label, f"its build backend asked for an invalid requirement {text!r}: {error}"
        ) from None


def _quiet_runner(
    cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
) -> None:
    """Run one hook's subprocess with its output captured (stdout and stderr interleaved)."""
    env = dict(os.environ)
    env.update(extra_environ or {})
    env.pop("PYTHONPATH", None)  # the caller's path must not leak into the isolated build
    env["PYTHONNOUSERSITE"] = "1"
    subprocess.run(
        list(cmd), cwd=cwd, env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    _log_warnings(Path(cmd[-1]) / "output.json")


def _log_warnings(output: Path) -> None:
    """Move the backend's warnings from the hook's answer to the debug log.

    pyproject_hooks would re-raise them with ``warnings.warn`` in this process, where Python
    prints them; only the command line may print, and catching them with
    ``warnings.catch_warnings`` is not safe while other builds run in other threads. The
    answer file is the hook's control directory's ``output.json``; if that ever changes,
    nothing is moved and the warnings show as before.
    """
    try:
        answer = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(answer, dict) or not answer.get("warnings"):
        return
    for warning in answer["warnings"]:
        _log.debug("build backend warning: %s", warning.get("message"))
    answer["warnings"] = []
    output.write_text(json.dumps(answer), encoding="utf-8")
