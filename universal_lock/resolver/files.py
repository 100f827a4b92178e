"""Where a version's files can be installed, as markers. Pure.

The resolver asks two questions of a version's files: does a required environment that
needs the package get a file (else the fork splits, or an older version is tried), and
where could the version be installed at all (so a version shared from another fork never
costs a platform). Wheel tags become markers through the marker algebra; an sdist can be
built anywhere its Requires-Python allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from packaging.version import Version

from universal_lock.index import Distribution
from universal_lock.markers import FALSE, MarkerTree, marker_from_wheel_tags
from universal_lock.resolver.candidates import VersionFiles
from universal_lock.resolver.requirements import split_key


def usable_region(entry: VersionFiles, region: MarkerTree) -> MarkerTree:
    """The part of ``region`` where some file of ``entry`` can be installed."""
    usable = region & MarkerTree.from_python_range(entry.python)
    if any(dist.kind == "sdist" for dist in entry.files):
        return usable
    wheels = FALSE
    for dist in entry.files:
        wheels = wheels | marker_from_wheel_tags(dist.tags)
    return usable & wheels


def missing_required_environment(
    entry: VersionFiles, needed: MarkerTree, required_environments: Sequence[MarkerTree]
) -> MarkerTree | None:
    """A required environment overlapping ``needed`` where no file of ``entry`` installs.

    ``needed`` is where the package is needed within the fork, not the whole fork: a
    Windows-only dependency needs no Linux wheel even when Linux is required.
    """
    if any(dist.kind == "sdist" for dist in entry.files):
        return None
    for required in required_environments:
        wanted = required & needed
        if wanted.is_empty():
            continue
        if all((marker_from_wheel_tags(dist.tags) & wanted).is_empty() for dist in entry.files):
            return required
    return None


def first_missing_required(
    solution: Mapping[str, Version],
    reached: Mapping[str, MarkerTree],
    entry_of: Callable[[str, Version], VersionFiles],
    required_environments: Sequence[MarkerTree],
) -> tuple[str, Version, MarkerTree] | None:
    """The first (by name) solved package, its version and a required environment it
    reaches (per ``reached``) where none of its files installs; None when all are fine."""
    for key, version in sorted(solution.items()):
        name, extra = split_key(key)
        if extra is not None:
            continue
        needed = reached.get(key, FALSE)
        missing = missing_required_environment(
            entry_of(name, version), needed, required_environments
        )
        if missing is not None:
            return name, version, missing
    return None


def metadata_file(files: Sequence[Distribution]) -> Distribution:
    """The file to read metadata from: a wheel when there is one (cheapest), else the sdist."""
    wheels = [dist for dist in files if dist.kind == "wheel"]
    return (wheels or list(files))[0]
