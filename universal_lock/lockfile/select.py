"""Which entries of a lock an installer picks for one environment (PEP 751 installation rules).

``packaging.pylock.Pylock.select`` is the reference implementation and does the choosing; this
module hands it a ``Lock``, maps the answer back onto the model, and turns its
``PylockSelectError`` into a ``SelectionError`` that says in words what is wrong (the
environment is outside the lock's ``environments``, the Python version is outside
``requires-python``, two entries of one name apply, no wheel fits). ``ulock sync`` uses
``select``; the test oracle that checks every environment of a universal lock uses
``select_packages``, which needs no platform tags.

The environment must be complete (every marker variable): packaging would otherwise fill the
gaps from the running interpreter, silently selecting for the wrong machine.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from packaging.markers import Marker, default_environment
from packaging.pylock import Package, Pylock, PylockSelectError
from packaging.tags import Tag, sys_tags
from packaging.utils import parse_wheel_filename

from universal_lock.errors import UlockError
from universal_lock.lockfile.model import (
    Lock,
    LockedArchive,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockedVcs,
)
from universal_lock.lockfile.writer import as_dict

__all__ = [
    "ENVIRONMENT_KEYS",
    "LockSelector",
    "Selected",
    "SelectionError",
    "select",
    "select_packages",
]

ENVIRONMENT_KEYS: tuple[str, ...] = tuple(sorted(default_environment()))
"""The marker variables an environment passed to ``select`` must define."""

Artifact = LockedFile | LockedDirectory | LockedArchive | LockedVcs


@dataclass(frozen=True, slots=True, kw_only=True)
class Selected:
    """One entry to install and the thing to install it from (a wheel, the sdist, or the
    entry's directory, archive or vcs source)."""

    package: LockedPackage
    artifact: Artifact


class SelectionError(UlockError):
    """The lock cannot be installed into this environment; ``reason`` says why.

    Reasons: ``environment`` (outside ``environments``), ``requires-python`` (the lock's or,
    with ``package`` set, one entry's), ``ambiguous`` (two entries of ``package`` apply),
    ``unknown-extra``, ``unknown-group``, ``conflict`` (extras or groups declared in the
    project's ``conflicts`` asked for together), ``no-wheel`` (for ``package``).
    """

    def __init__(
        self, message: str, *, reason: str, package: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason
        self.package = package


class LockSelector:
    """Answers selection questions about one lock; builds packaging's model of it once."""

    def __init__(self, lock: Lock) -> None:
        self.lock = lock
        self._pylock = Pylock.from_dict(as_dict(lock))
        self._all_tags = _wheel_tags(lock)

    def select(
        self,
        environment: Mapping[str, str],
        *,
        extras: Collection[str] = (),
        groups: Collection[str] | None = None,
        tags: Sequence[Tag] | None = None,
    ) -> tuple[Selected, ...]:
        """The entries to install and the artifact of each, in lock order.

        ``groups=None`` means the lock's ``default-groups``; ``tags`` default to the running
        interpreter's (``packaging.tags.sys_tags``) and decide which wheel is chosen.
        """
        self._check_request(environment, extras, groups)
        return tuple(self._run(environment, extras, groups, list(tags or sys_tags())))

    def select_packages(
        self,
        environment: Mapping[str, str],
        *,
        extras: Collection[str] = (),
        groups: Collection[str] | None = None,
    ) -> tuple[LockedPackage, ...]:
        """The entries an installer picks for ``environment``, whatever its platform tags."""
        self._check_request(environment, extras, groups)
        # Offering every tag any wheel has means a wheel is always found; only the choice of
        # entries matters here.
        chosen = self._run(environment, extras, groups, self._all_tags)
        return tuple(selected.package for selected in chosen)

    def _check_request(
        self,
        environment: Mapping[str, str],
        extras: Collection[str],
        groups: Collection[str] | None,
    ) -> None:
        missing = [key for key in ENVIRONMENT_KEYS if key not in environment]
        if missing:
            raise ValueError(f"the environment lacks marker variables: {', '.join(missing)}")
        unknown_extras = sorted(set(extras) - set(self.lock.extras))
        if unknown_extras:
            raise SelectionError(
                f"the lock has no extra `{unknown_extras[0]}`",
                reason="unknown-extra",
                hint=_known("extras", self.lock.extras),
            )
        unknown_groups = sorted(set(groups or ()) - set(self.lock.dependency_groups))
        if unknown_groups:
            raise SelectionError(
                f"the lock has no dependency group `{unknown_groups[0]}`",
                reason="unknown-group",
                hint=_known("dependency groups", self.lock.dependency_groups),
            )
        selected_groups = set(self.lock.default_groups if groups is None else groups)
        for members in self.lock.conflicts:
            clash = [
                member
                for member in members
                if member.extra in extras or member.group in selected_groups
            ]
            if len(clash) >= 2:
                raise SelectionError(
                    f"{' and '.join(map(str, clash))} are declared to conflict "
                    "and cannot be installed together",
                    reason="conflict",
                    hint="choose one of them (`[tool.ulock] conflicts` in pyproject.toml)",
                )

    def _run(
        self,
        environment: Mapping[str, str],
        extras: Collection[str],
        groups: Collection[str] | None,
        tags: Sequence[Tag],
    ) -> list[Selected]:
        position = {id(package): i for i, package in enumerate(self._pylock.packages)}
        try:
            return [
                self._to_model(self.lock.packages[position[id(package)]], package, artifact)
                for package, artifact in self._pylock.select(
                    environment=dict(environment),  # type: ignore[arg-type]
                    tags=tags,
                    extras=extras,
                    dependency_groups=groups,
                )
            ]
        except PylockSelectError as error:
            raise _explain(self.lock, environment, extras, groups, error) from None

    @staticmethod
    def _to_model(locked: LockedPackage, package: Package, artifact: object) -> Selected:
        if artifact is package.vcs and locked.vcs is not None:
            return Selected(package=locked, artifact=locked.vcs)
        if artifact is package.directory and locked.directory is not None:
            return Selected(package=locked, artifact=locked.directory)
        if artifact is package.archive and locked.archive is not None:
            return Selected(package=locked, artifact=locked.archive)
        if artifact is package.sdist and locked.sdist is not None:
            return Selected(package=locked, artifact=locked.sdist)
        for wheel, locked_wheel in zip(package.wheels or (), locked.wheels, strict=True):
            if artifact is wheel:
                return Selected(package=locked, artifact=locked_wheel)
        raise AssertionError(f"packaging chose an unknown artifact of {locked.name}")


def select(
    lock: Lock,
    environment: Mapping[str, str],
    *,
    extras: Collection[str] = (),
    groups: Collection[str] | None = None,
    tags: Sequence[Tag] | None = None,
) -> tuple[Selected, ...]:
    """``LockSelector(lock).select(...)``: what to install for ``environment``."""
    return LockSelector(lock).select(environment, extras=extras, groups=groups, tags=tags)


def select_packages(
    lock: Lock,
    environment: Mapping[str, str],
    *,
    extras: Collection[str] = (),
    groups: Collection[str] | None = None,
) -> tuple[LockedPackage, ...]:
    """``LockSelector(lock).select_packages(...)``: the entries chosen for ``environment``."""
    return LockSelector(lock).select_packages(environment, extras=extras, groups=groups)


def _wheel_tags(lock: Lock) -> list[Tag]:
    tags = {tag for package in lock.packages for wheel in package.wheels for tag in _tags(wheel)}
    return sorted(tags, key=str)


def _tags(wheel: LockedFile) -> frozenset[Tag]:
    return parse_wheel_filename(wheel.name)[3]


def _known(what: str, names: Sequence[str]) -> str:
    if not names:
        return f"the lock defines no {what}"
    return f"the lock defines these {what}: {', '.join(f'`{name}`' for name in names)}"


def _explain(
    lock: Lock,
    environment: Mapping[str, str],
    extras: Collection[str],
    groups: Collection[str] | None,
    error: PylockSelectError,
) -> SelectionError:
    """Say which PEP 751 rule the environment broke, by checking the rules in packaging's order."""
    python = environment["python_full_version"]
    relock = "add this environment to the project and run `ulock lock` again"
    if lock.requires_python is not None and not lock.requires_python.contains(
        python, prereleases=True
    ):
        return SelectionError(
            f"Python {python} is outside the lock's requires-python `{lock.requires_python}`",
            reason="requires-python",
        )
    if lock.environments and not any(
        Marker(text).evaluate(dict(environment)) for text in lock.environments
    ):
        return SelectionError(
            f"this environment ({_describe(environment)}) matches none of the lock's "
            f"environments: {', '.join(f'`{text}`' for text in lock.environments)}",
            reason="environment",
            hint=relock,
        )
    chosen: dict[str, LockedPackage] = {}
    for package in _applying(lock, environment, extras, groups):
        if package.requires_python is not None and not package.requires_python.contains(
            python, prereleases=True
        ):
            return SelectionError(
                f"`{package.name}` {package.version} requires Python "
                f"`{package.requires_python}`, and this environment has Python {python}",
                reason="requires-python",
                package=package.name,
                hint=relock,
            )
        if package.name in chosen:
            other = chosen[package.name]
            return SelectionError(
                f"two entries of `{package.name}` apply to this environment: "
                f"{_entry(other)} and {_entry(package)}",
                reason="ambiguous",
                package=package.name,
                hint="the lock is inconsistent; run `ulock lock` again",
            )
        chosen[package.name] = package
    return SelectionError(
        f"cannot install the lock here: {error}",
        reason="no-wheel",
        hint="no wheel of the package fits this platform and it has no sdist to build",
    )


def _applying(
    lock: Lock,
    environment: Mapping[str, str],
    extras: Collection[str],
    groups: Collection[str] | None,
) -> Iterator[LockedPackage]:
    marker_environment: dict[str, str | frozenset[str]] = dict(environment)
    marker_environment["extras"] = frozenset(extras)
    marker_environment["dependency_groups"] = frozenset(
        lock.default_groups if groups is None else groups
    )
    for package in lock.packages:
        if package.marker is None or Marker(package.marker).evaluate(
            marker_environment, context="lock_file"
        ):
            yield package


def _entry(package: LockedPackage) -> str:
    version = "" if package.version is None else f" {package.version}"
    marker = "" if package.marker is None else f" (marker `{package.marker}`)"
    return f"`{package.name}`{version}{marker}"


def _describe(environment: Mapping[str, str]) -> str:
    keys = ("sys_platform", "platform_machine", "python_full_version")
    return ", ".join(f"{key} {environment[key]!r}" for key in keys)
