"""Which wheel a build environment installs: the one whose tags the interpreter prefers most.

``tags`` is the interpreter's supported tags, most preferred first (``packaging.tags.sys_tags``
order, or the same list worked out for another interpreter). A wheel ranks by its best tag;
a wheel with no supported tag cannot be installed there. The lock's build pins, the build
requirements resolved at sync time and the lock-time metadata builds all choose this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from packaging.tags import Tag

_T = TypeVar("_T")


def tag_ranks(tags: Sequence[Tag]) -> dict[Tag, int]:
    """Each supported tag's position: lower is preferred."""
    return {tag: position for position, tag in enumerate(tags)}


def tag_rank(wheel_tags: Iterable[Tag], ranks: Mapping[Tag, int]) -> int | None:
    """The position of a wheel's best supported tag, or ``None`` if none is supported."""
    return min((ranks[tag] for tag in wheel_tags if tag in ranks), default=None)


def preferred_wheel(
    wheels: Iterable[_T], tags_of: Callable[[_T], Iterable[Tag]], ranks: Mapping[Tag, int]
) -> _T | None:
    """The installable wheel the interpreter prefers most (the first of equals), or ``None``."""
    best: tuple[int, _T] | None = None
    for wheel in wheels:
        rank = tag_rank(tags_of(wheel), ranks)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, wheel)
    return None if best is None else best[1]


__all__ = ["preferred_wheel", "tag_rank", "tag_ranks"]
