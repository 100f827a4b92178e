"""``ulock sync``: make a virtual environment match the lock exactly.

Steps: make sure the lock is current (``--locked`` fails, ``--frozen`` trusts it, otherwise it
is relocked); find the target (an existing venv, or a new one made with the newest Python
that satisfies the lock's requires-python); probe its interpreter; select the entries for its
environment and the chosen extras and groups; plan against what is installed; then fetch and
verify every file, build the project and any sdist, and only then change the environment, one
distribution at a time (see ``installer.transaction``). ``--dry-run`` stops after the plan
and creates nothing; ``--python-platform`` plans for another machine.
"""

from __future__ import annotations

import functools
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import Version

from universal_lock.errors import InputError, UlockError
from universal_lock.index.cache_dir import resolve_cache_dir
from universal_lock.installer.fetch import (
    Fetched,
    FileRequest,
    cached_files,
    fetch_all,
    fetch_local,
)
from universal_lock.installer.installed import InstalledDistribution, installed_distributions
from universal_lock.installer.interpreter import (
    Interpreter,
    InterpreterError,
    create_venv,
    find_interpreter,
    venv_python,
)
from universal_lock.installer.plan import Action, Plan, Wanted, make_plan
from universal_lock.installer.probe_cache import probe_cached
from universal_lock.installer.python_platform import synthesize
from universal_lock.installer.tags import tags_for
from universal_lock.lockfile import (
    Lock,
    LockedDirectory,
    LockedFile,
    Selected,
    read_lock,
    select,
)
from universal_lock.operations.sync_build import (
    BuildContext,
    LockedBuildRequirements,
    dynamic_build_resolver,
)

if TYPE_CHECKING:
    from universal_lock.index import BuildRequirementsResolver, IndexClient, IndexSettings
    from universal_lock.installer.transaction import Environment
    from universal_lock.operations.lock import LockOutcome

# The index client (aiohttp), the resolver and the project model are imported only when a
# sync needs them: a sync from a current lock of local files never does, and start-up time is
# a large part of a small sync.

Progress = Callable[[str], None]


class SyncFailed(UlockError):
    """The lock could not be installed (out of date with ``--locked``, or a change failed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncOptions:
    """What ``ulock sync`` was asked to do. ``groups`` replaces the lock's default groups
    when given (as pip and uv treat ``--group`` with a ``pylock.toml``)."""

    directory: Path
    venv: Path | None = None
    extras: tuple[str, ...] = ()
    all_extras: bool = False
    groups: tuple[str, ...] = ()
    all_groups: bool = False
    no_default_groups: bool = False
    editable: bool = True
    dry_run: bool = False
    locked: bool = False
    frozen: bool = False
    offline: bool = False
    cache_dir: Path | None = None
    python_platform: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncOutcome:
    """What happened: the plan, where, whether it was applied, a relock if one ran, and
    notes the user should read (build requirements resolved that the lock does not pin)."""

    plan: Plan
    venv: Path
    python_version: str
    created_venv: bool
    applied: bool
    relocked: LockOutcome | None = None
    notes: tuple[str, ...] = ()


def sync(options: SyncOptions, progress: Progress | None = None) -> SyncOutcome:
    """Run ``ulock sync``; raises ``UlockError`` subclasses on failure."""
    report = progress or (lambda _message: None)
    if options.python_platform is not None and not options.dry_run:
        raise InputError("`--python-platform` plans for another machine: it needs `--dry-run`")
    if options.locked and options.frozen:
        raise InputError("`--locked` and `--frozen` cannot be used together")
    lock_file = options.directory / "pylock.toml"
    relocked = None
    if options.frozen:
        if not lock_file.is_file():
            raise InputError("no lock to sync from (`--frozen`)", path=lock_file)
    elif not _is_current(options.directory):
        if options.locked:
            raise SyncFailed(
                f"`{lock_file}` is missing or out of date with pyproject.toml (`--locked`)",
                hint="run `ulock lock`, or drop `--locked` to let sync lock first",
            )
        if options.dry_run:
            raise SyncFailed(
                f"`{lock_file}` is missing or out of date, and `--dry-run` writes nothing",
                hint="run `ulock lock` first, or pass `--frozen` to plan from the lock as it is",
            )
        from universal_lock.operations.lock import LockOptions, lock

        report("locking")
        lock_options = LockOptions(
            directory=options.directory, offline=options.offline, cache_dir=options.cache_dir
        )
        relocked = lock(lock_options, progress=report)
    the_lock = read_lock(lock_file)
    venv = options.venv if options.venv is not None else options.directory / ".venv"
    # Plan before creating anything: a refused selection must not leave a new venv behind.
    # A venv about to be created is planned for with the interpreter it will be made from
    # (same environment and tags, nothing installed).
    cache_dir = resolve_cache_dir(options.cache_dir)
    target, base = _target(the_lock, venv, cache_dir)
    plan, context = _plan(the_lock, lock_file.parent, target, venv, options)
    python_version = target.environment["python_full_version"]
    if options.dry_run:
        return SyncOutcome(
            plan=plan, venv=venv, python_version=python_version, created_venv=False,
            applied=False, relocked=relocked,
        )  # fmt: skip
    if base is None and Path(sys.prefix).resolve() == target.prefix.resolve():
        # Making this environment match the lock would remove ulock (and what it imports)
        # while it runs.
        raise InputError(
            f"`{venv}` is the environment ulock itself runs from; sync will not change it",
            hint="install ulock on its own (for example with pipx) and sync from there",
        )
    if base is not None:
        report(f"creating {venv}")
        target = probe_cached(create_venv(base, venv), cache_dir)
    notes: list[str] = []
    if not plan.is_empty:

        def note(message: str) -> None:
            notes.append(message)
            report(message)

        _apply(plan, target, context, options, report, note)
    return SyncOutcome(
        plan=plan,
        venv=venv,
        python_version=python_version,
        created_venv=base is not None,
        applied=not plan.is_empty,
        relocked=relocked,
        notes=tuple(notes),
    )


def _is_current(directory: Path) -> bool:
    # Imported here: the fingerprint reads pyproject.toml (tomllib, the project's document),
    # which `--frozen` never needs.
    from universal_lock.operations.check import is_current

    return is_current(directory)


def _target(the_lock: Lock, venv: Path, cache_dir: Path) -> tuple[Interpreter, Path | None]:
    """The interpreter to plan for, and the base interpreter when the venv must be created."""
    python = venv_python(venv)
    if python.exists():
        existing = probe_cached(python, cache_dir)
        if not existing.is_venv:
            # Syncing removes what the lock does not list: never do that to a Python
            # installation itself.
            raise InputError(
                f"this is a Python installation (`{existing.prefix}`), not a virtual environment",
                path=venv,
                hint="pass `--venv` a virtual environment, or a directory to create one in",
            )
        return existing, None
    if venv.exists() and any(venv.iterdir()):
        raise InputError(
            "this directory exists but is not a virtual environment", path=venv,
            hint="remove it, or pass another `--venv`",
        )  # fmt: skip
    known: dict[Path, Interpreter] = {}

    def version_of(candidate: Path) -> Version | None:
        # A full probe, from the cache when it can: the chosen one is probed anyway.
        try:
            known[candidate] = probe_cached(candidate, cache_dir)
        except InterpreterError:
            return None
        return known[candidate].python_version

    base = find_interpreter(the_lock.requires_python, version_of)
    return known.get(base) or probe_cached(base, cache_dir), base


def _plan(
    the_lock: Lock, lock_dir: Path, target: Interpreter, venv: Path, options: SyncOptions
) -> tuple[Plan, BuildContext]:
    """The plan, and whom its builds are for."""
    environment = dict(target.environment)
    tags = list(target.tags)
    if options.python_platform is not None:
        environment, facts = synthesize(
            options.python_platform, python_full_version=environment["python_full_version"]
        )
        tags = tags_for(facts)
    extras = the_lock.extras if options.all_extras else tuple(
        str(canonicalize_name(extra)) for extra in options.extras
    )  # fmt: skip
    groups: tuple[str, ...] | None
    if options.all_groups:
        groups = the_lock.dependency_groups
    elif options.groups:
        groups = tuple(str(canonicalize_name(group)) for group in options.groups)
    else:
        groups = () if options.no_default_groups else None
    chosen = select(the_lock, environment, extras=extras, groups=groups, tags=tags)
    context = BuildContext(
        lock=the_lock,
        lock_dir=lock_dir,
        environment=environment,
        tags=tuple(tags),
        extras=tuple(extras),
        groups=groups,
    )
    wanted = [_wanted(selected, lock_dir, options.editable, context) for selected in chosen]
    installed: tuple[InstalledDistribution, ...] = ()
    if venv_python(venv).exists() and options.python_platform is None:
        sites = {Path(target.paths["purelib"]), Path(target.paths["platlib"])}
        installed = installed_distributions(sites)
    return make_plan(wanted, installed), context


def _wanted(selected: Selected, lock_dir: Path, editable: bool, context: BuildContext) -> Wanted:
    package, artifact = selected.package, selected.artifact
    name = canonicalize_name(package.name)
    if isinstance(artifact, LockedFile):
        return Wanted(
            name=name,
            version=package.version,
            selected=selected,
            sha256=artifact.sha256,
            build_digest=None if _is_wheel(artifact) else context.digest(package),
        )
    if isinstance(artifact, LockedDirectory):
        directory = (lock_dir / artifact.path).resolve()
        return Wanted(
            name=name,
            version=package.version,
            selected=selected,
            directory_url=directory.as_uri(),
            directory_path=artifact.path,
            source_dir=directory,
            editable=editable and artifact.editable,
            build_digest=context.digest(package),
        )
    raise SyncFailed(
        f"`{package.name}` is locked as an archive or a version-control checkout, "
        "which `ulock sync` cannot install yet"
    )


def _index_settings(options: SyncOptions) -> IndexSettings:
    from universal_lock.index import IndexSettings, resolve_cache_dir
    from universal_lock.operations.lock import LockOptions, index_settings
    from universal_lock.project import load_project

    if (options.directory / "pyproject.toml").is_file():
        lock_options = LockOptions(
            directory=options.directory, offline=options.offline, cache_dir=options.cache_dir
        )
        return index_settings(load_project(options.directory), lock_options)
    return IndexSettings(
        cache_dir=resolve_cache_dir(options.cache_dir),
        offline=options.offline,
        project_root=options.directory,
    )


def _apply(  # noqa: PLR0917 - one call site
    plan: Plan,
    target: Interpreter,
    context: BuildContext,
    options: SyncOptions,
    report: Progress,
    note: Progress,
) -> None:
    # Here, not at the top: `installer` (and the email package it loads) is ~20 ms that a sync
    # with nothing to change does not need.
    from universal_lock.installer.transaction import Environment

    changes = plan.of_kind("install", "upgrade", "downgrade", "reinstall")
    # Work files and backups live inside the environment: same filesystem, so moves are
    # renames, and nothing is left beside the project. Both are removed in every case.
    work = Path(tempfile.mkdtemp(prefix=".ulock-work-", dir=target.prefix))
    backup = Path(tempfile.mkdtemp(prefix=".ulock-backup-", dir=target.prefix))
    try:
        cache_dir = resolve_cache_dir(options.cache_dir)  # the index client's, too
        wheels = _prepare_local(changes, context, work, cache_dir, report)
        if wheels is None:
            import asyncio  # for downloads and builds only: local or cached wheels need no loop

            wheels = asyncio.run(_prepare(changes, target, context, options, work, report, note))
        # The changes run here, on the main thread and outside the event loop, so that Ctrl-C
        # meets them where each change can still put its distribution back (see _change).
        _change_all(plan, Environment(target, backup), wheels, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def _requests(changes: Sequence[Action]) -> list[FileRequest]:
    return [
        FileRequest(name=action.name, file=action.new.selected.artifact)
        for action in changes
        if action.new is not None and isinstance(action.new.selected.artifact, LockedFile)
    ]


def _builds(changes: Sequence[Action]) -> bool:
    return any(
        action.new is not None and not _is_wheel(action.new.selected.artifact) for action in changes
    )


def _prepare_local(
    changes: Sequence[Action], context: BuildContext, work: Path, cache_dir: Path, report: Progress
) -> dict[str, Fetched] | None:
    """The verified wheels when every change is a wheel with a local path or in the cache,
    read in this thread; ``None`` when something must be downloaded or built
    (``_prepare``)."""
    requests = _requests(changes)
    if _builds(changes):
        return None
    cached = cached_files(requests, lock_dir=context.lock_dir, cache_dir=cache_dir)
    if cached is None:
        return None
    report(f"fetching {len(requests)} files")
    files = fetch_local(requests, lock_dir=context.lock_dir, work_dir=work / "files", cached=cached)
    # No builds: every change installs a wheel, one request each.
    return {request.name: files[request.file.name] for request in requests}


async def _prepare(  # noqa: PLR0917 - one call site
    changes: Sequence[Action],
    target: Interpreter,
    context: BuildContext,
    options: SyncOptions,
    work: Path,
    report: Progress,
    note: Progress,
) -> dict[str, Fetched]:
    """Fetch and verify every file, and build what needs building: a wheel per name.

    Runs when something must be downloaded or built (else ``_prepare_local``); builds need
    the index client too, for their build requirements.
    """
    lock_dir = context.lock_dir
    requests = _requests(changes)
    report(f"fetching {len(requests)} files")
    from universal_lock.index import IndexClient

    async with IndexClient(_index_settings(options)) as client:
        files = await fetch_all(requests, client=client, lock_dir=lock_dir, work_dir=work / "files")
        return await _wheels(changes, files, target, context, work, client, report, note)


def _is_wheel(artifact: object) -> bool:
    return isinstance(artifact, LockedFile) and artifact.name.endswith(".whl")


async def _wheels(  # noqa: PLR0917 - one call site
    changes: Sequence[Action],
    files: dict[str, Path],
    target: Interpreter,
    context: BuildContext,
    work: Path,
    client: IndexClient,
    report: Progress,
    note: Progress,
) -> dict[str, Fetched]:
    """A wheel per changed name: the fetched wheel, or one built from a directory or sdist
    in a build environment of exactly the locked build requirements."""
    wheels: dict[str, Fetched] = {}
    unpinned: BuildRequirementsResolver | None = None
    for number, action in enumerate(changes):
        assert action.new is not None
        artifact = action.new.selected.artifact
        if isinstance(artifact, LockedFile) and _is_wheel(artifact):
            wheels[action.name] = files[artifact.name]
            continue
        from universal_lock.building import build_wheel
        from universal_lock.index.sdist_build import ResolvingProvider

        source = files[artifact.name] if isinstance(artifact, LockedFile) else None
        if source is None:
            assert action.new.source_dir is not None
            source = action.new.source_dir
        report(f"building {action.name}")
        build_dir = work / f"build-{number}"
        if unpinned is None:
            unpinned = dynamic_build_resolver(context, client)
        resolving = ResolvingProvider(
            unpinned,
            client.download_verified,
            for_sdist=source.name,
            wheel_dir=build_dir / "unpinned",
        )
        provide = LockedBuildRequirements(
            context,
            action.new.selected.package,
            client=client,
            work_dir=build_dir / "locked",
            fallback=functools.partial(resolving, dynamic=True),
            report=note,
        )
        built = await build_wheel(
            source,
            python=target.executable,
            editable=action.new.editable,
            work_dir=build_dir,
            provide=provide,
        )
        wheels[action.name] = built.path
    return wheels


def _change_all(
    plan: Plan, environment: Environment, wheels: dict[str, Fetched], report: Progress
) -> None:
    done: list[str] = []
    # Installs and replacements first, removals last: a failure midway never leaves a
    # dependency removed while its replacement is missing.
    ordered = [action for action in plan.actions if action.kind != "remove"]
    ordered += plan.of_kind("remove")
    for action in ordered:
        report(action.line())
        try:
            _change(action, environment, wheels)
        except UlockError as error:
            made = ", ".join(f"`{line}`" for line in done) or "none"
            raise SyncFailed(
                f"{error.message}\n`{action.line()}` was not made (the environment keeps the "
                f"old state of `{action.name}`); changes made before it: {made}",
                hint=error.hint or "fix the problem and run `ulock sync` again",
            ) from None
        done.append(action.line())


def _change(action: Action, environment: Environment, wheels: dict[str, Fetched]) -> None:
    stash = environment.stash(action.old) if action.old is not None else None
    if action.new is not None:
        new = action.new
        direct_url = None
        if new.directory_url is not None:
            direct_url = {"url": new.directory_url, "dir_info": {"editable": new.editable}}
        try:
            environment.install_wheel(
                wheels[action.name],
                source_sha256=new.sha256,
                direct_url=direct_url,
                build_digest=new.build_digest,
            )
        except BaseException:
            if stash is not None:
                environment.restore(stash)
            raise
    if stash is not None:
        environment.discard(stash)
