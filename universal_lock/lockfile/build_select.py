"""Which locked files make up an entry's build environment in one environment.

An entry's ``build-requires`` pins (``name==version; marker``) are evaluated like the lock's
own markers (the target's marker environment, plus the chosen ``extras`` and
``dependency_groups``); each applying pin names one entry of ``[[tool.ulock.build-packages]]``
(or, for locks that share entries, of ``[[packages]]``) with that name and version whose
marker holds, and the best wheel of that entry for the target's tags is installed. A pin that
names no such entry, or an entry without a fitting wheel, is an error that says what to do.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename

from universal_lock.lockfile.model import BuildPin, Lock, LockedFile, LockedPackage
from universal_lock.lockfile.select import Selected, SelectionError

__all__ = ["applying_pins", "select_build_environment", "unmet_requirements"]


def applying_pins(
    lock: Lock,
    entry: LockedPackage,
    environment: Mapping[str, str],
    *,
    extras: Collection[str] = (),
    groups: Collection[str] | None = None,
) -> tuple[BuildPin, ...]:
    """The pins of ``entry`` whose marker holds for this environment, extras and groups."""
    scope = _scope(lock, environment, extras, groups)
    return tuple(pin for pin in entry.build_requires if _holds(pin.marker, scope))


def select_build_environment(
    lock: Lock,
    entry: LockedPackage,
    environment: Mapping[str, str],
    *,
    tags: Sequence[Tag],
    extras: Collection[str] = (),
    groups: Collection[str] | None = None,
) -> tuple[Selected, ...]:
    """The wheel to install for each pin of ``entry`` that applies here, in pin order."""
    scope = _scope(lock, environment, extras, groups)
    from universal_lock.building.wheel_choice import preferred_wheel, tag_ranks  # only for builds

    ranks = tag_ranks(tags)
    chosen: list[Selected] = []
    seen: dict[str, BuildPin] = {}
    for pin in entry.build_requires:
        if not _holds(pin.marker, scope):
            continue
        if pin.name in seen:
            raise SelectionError(
                f"two build requirements of `{entry.name}` apply here: `{seen[pin.name]}` "
                f"and `{pin}`",
                reason="ambiguous",
                package=pin.name,
                hint="the lock is inconsistent; run `ulock lock` again",
            )
        seen[pin.name] = pin
        package = _pinned_entry(lock, entry, pin, scope)
        wheel = preferred_wheel(package.wheels, _wheel_tags, ranks)
        if wheel is None:
            raise SelectionError(
                f"no wheel of `{pin.name}` {pin.version}, locked to build `{entry.name}`, "
                "fits this platform, and ulock does not build build requirements from source",
                reason="no-wheel",
                package=pin.name,
                hint=f"lock a `{pin.name}` version with a wheel for this platform",
            )
        chosen.append(Selected(package=package, artifact=wheel))
    return tuple(chosen)


def _scope(
    lock: Lock,
    environment: Mapping[str, str],
    extras: Collection[str],
    groups: Collection[str] | None,
) -> dict[str, str | frozenset[str]]:
    scope: dict[str, str | frozenset[str]] = dict(environment)
    scope["extras"] = frozenset(extras)
    scope["dependency_groups"] = frozenset(lock.default_groups if groups is None else groups)
    return scope


def _holds(marker: str | None, scope: Mapping[str, str | frozenset[str]]) -> bool:
    return marker is None or Marker(marker).evaluate(dict(scope), context="lock_file")


def _pinned_entry(
    lock: Lock,
    entry: LockedPackage,
    pin: BuildPin,
    scope: Mapping[str, str | frozenset[str]],
) -> LockedPackage:
    for pool in (lock.build_packages, lock.packages):
        matches = [
            package
            for package in pool
            if package.name == pin.name
            and package.version == pin.version
            and _holds(package.marker, scope)
        ]
        if len(matches) > 1:
            raise SelectionError(
                f"two entries of `{pin.name}` {pin.version} apply to the build of "
                f"`{entry.name}` here",
                reason="ambiguous",
                package=pin.name,
                hint="the lock is inconsistent; run `ulock lock` again",
            )
        if matches:
            return matches[0]
    raise SelectionError(
        f"the build requirement `{pin}` of `{entry.name}` names no entry of the lock "
        "that applies here",
        reason="stale-build",
        package=pin.name,
        hint="run `ulock lock` again",
    )


def _wheel_tags(wheel: LockedFile) -> frozenset[Tag]:
    return parse_wheel_filename(wheel.name)[3]


def unmet_requirements(
    requirements: Sequence[Requirement],
    pins: Sequence[BuildPin],
    environment: Mapping[str, str],
) -> tuple[Requirement, ...]:
    """The ``requirements`` that apply in ``environment`` and no pin of ``pins`` satisfies.

    Used twice: on the static build requirements before a build (anything unmet means the
    lock is stale), and on what the backend asks for dynamically (anything unmet must be
    resolved, and ulock says so).
    """
    versions = {canonicalize_name(pin.name): pin.version for pin in pins}
    scope = {**environment, "extra": ""}
    unmet: list[Requirement] = []
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate(scope):
            continue
        version = versions.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            unmet.append(requirement)
    return tuple(unmet)
