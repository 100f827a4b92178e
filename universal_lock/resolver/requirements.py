"""Requirements as the resolver sees them: keys for extras, markers without ``extra``, ranges.

A dependency on ``foo[a,b]`` becomes three solver packages: ``foo``, ``foo[a]`` and
``foo[b]``; each ``foo[x]`` version depends on ``foo`` at exactly its own version plus the
requirements ``foo`` declares for ``extra == 'x'``. So an extra is a package the solver can
reason about, and it is always at the version of its base.

Requirement markers mention the requirement-level variable ``extra``; the resolver fixes it
(to the extra being expanded, or to none) before the marker meets the fork region, so no
marker leaving this module names ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from packaging.ranges import VersionRange
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from universal_lock.markers import TRUE, MarkerTree, parse_marker
from universal_lock.solver import parse_range


@dataclass(frozen=True, slots=True, kw_only=True)
class Scoped:
    """A requirement with the region where it applies (``extra`` already fixed).

    ``direct`` marks the project's own requirements (they rank first for resolution
    ``lowest-direct``).
    """

    key: str
    name: NormalizedName
    versions: VersionRange
    marker: MarkerTree
    direct: bool = False


def package_key(name: str, extra: str | None = None) -> str:
    """The solver's name for a package, or for one extra of it: ``foo`` / ``foo[bar]``."""
    return name if extra is None else f"{name}[{extra}]"


def split_key(key: str) -> tuple[NormalizedName, str | None]:
    """Inverse of :func:`package_key`."""
    if key.endswith("]") and "[" in key:
        name, _, extra = key[:-1].partition("[")
        return NormalizedName(name), extra
    return NormalizedName(key), None


def requirement_marker(requirement: Requirement, extra: str | None) -> MarkerTree:
    """The region where ``requirement`` applies when its owner is installed with ``extra``.

    ``extra`` is None for the owner's base dependencies. The result never mentions the
    ``extra`` variable; it is FALSE when the requirement does not apply at all.
    """
    facts = _facts(requirement)
    if facts.marker_text is None:
        return TRUE
    return _restrict(facts.marker_text, None if extra is None else canonicalize_name(extra))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Facts:
    """What the resolver reads off one requirement object, worked out once."""

    requirement: Requirement  # keeps the object (and so its id) alive while the entry lives
    name: NormalizedName
    versions: VersionRange
    marker_text: str | None
    extras: tuple[NormalizedName, ...]


# Keyed by the requirement object's identity: metadata parsing shares one object per distinct
# requirement string, and rendering a marker or specifier back to text (the keys of the
# caches below) costs more than everything else done with a requirement here.
_known: dict[int, _Facts] = {}


def _facts(requirement: Requirement) -> _Facts:
    known = _known.get(id(requirement))
    if known is None or known.requirement is not requirement:
        name = canonicalize_name(requirement.name)
        known = _Facts(
            requirement=requirement,
            name=name,
            versions=parse_range(name, str(requirement.specifier)),
            marker_text=None if requirement.marker is None else str(requirement.marker),
            extras=tuple(sorted(canonicalize_name(extra) for extra in requirement.extras)),
        )
        if len(_known) >= 65536:
            _known.clear()
        _known[id(requirement)] = known
    return known


@lru_cache(maxsize=8192)
def _restrict(marker_text: str, extra: str | None) -> MarkerTree:
    return parse_marker(marker_text).with_extra(extra or "")


def scope_requirements(
    requirements: Iterable[Requirement],
    *,
    extra: str | None,
    scope: MarkerTree = TRUE,
    direct: bool = False,
) -> list[Scoped]:
    """Turn requirements into scoped entries, one per solver key (base and each extra).

    ``scope`` narrows every marker (an extra's or a group's lock-level marker, for the
    project's own requirements); requirements that do not apply are left out.
    """
    scoped: list[Scoped] = []
    for requirement in requirements:
        marker = requirement_marker(requirement, extra) & scope
        if marker.is_empty():
            continue
        facts = _facts(requirement)
        name, versions = facts.name, facts.versions
        scoped.append(Scoped(key=name, name=name, versions=versions, marker=marker, direct=direct))
        for wanted in facts.extras:
            scoped.append(
                Scoped(
                    key=package_key(name, wanted),
                    name=name,
                    versions=versions,
                    marker=marker,
                    direct=direct,
                )
            )
    return scoped


def apply_overrides(
    requirements: Sequence[Requirement], overrides: Mapping[str, Sequence[Requirement]]
) -> list[Requirement]:
    """``requirements`` with every requirement on an overridden package replaced.

    All of a package's requirements (whatever their markers or extras) give way to the
    overrides for it, which are added once, where the first of them stood.
    """
    if not overrides:
        return list(requirements)
    result: list[Requirement] = []
    replaced: set[str] = set()
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name in overrides:
            if name not in replaced:
                replaced.add(name)
                result.extend(overrides[name])
            continue
        result.append(requirement)
    return result
