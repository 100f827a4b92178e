"""Hints for a failed fork: what the user can change, found in the derivation's leaves.

The explanation says why there is no solution; a hint says what is near it: versions that
match but are pre-releases the policy held back, versions that are yanked, a package no
index offers at all. Pure: it reads what the resolver already fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from universal_lock.resolver.candidates import PrereleaseMode, VersionFiles
from universal_lock.resolver.requirements import split_key
from universal_lock.solver import Incompatibility, NoVersionsCause, format_range
from universal_lock.solver.incompatibility import DerivedCause

#: The versions the fork's source listed for a package name, or None if never fetched.
Listed = Callable[[str], Sequence[VersionFiles] | None]


def failure_hints(
    failure: Incompatibility, listed: Listed, prerelease: PrereleaseMode
) -> str | None:
    """One hint per package whose range matched nothing, joined by lines; None if none apply."""
    lines: list[str] = []
    seen: set[str] = set()
    for leaf in _leaves(failure):
        if not isinstance(leaf.cause, NoVersionsCause) or len(leaf.terms) != 1:
            continue
        term = leaf.terms[0]
        name, _extra = split_key(term.package)
        if name in seen:
            continue
        seen.add(name)
        versions = listed(name)
        if versions is None:
            continue
        wanted = format_range(term.versions)
        if not versions:
            lines.append(f"`{name}` was not found on the indexes that serve it here")
            continue
        inside = [entry for entry in versions if entry.version in term.versions]
        pre = [str(e.version) for e in inside if e.version.is_prerelease and not e.yanked]
        if pre and prerelease != "allow":
            lines.append(
                f"`{name}` has pre-releases matching {wanted} ({', '.join(pre[-3:])}), which are "
                f"used only when asked for: require `{name}>={pre[0]}`, or set "
                '`prerelease = "allow"` in `[tool.ulock]`'
            )
        yanked = [str(entry.version) for entry in inside if entry.yanked]
        if yanked:
            lines.append(
                f"`{name}` {', '.join(yanked[-3:])} matches {wanted} but is yanked; "
                f"a yanked version is used only when pinned with `==`"
            )
    return "\n".join(lines) if lines else None


def _leaves(incompatibility: Incompatibility) -> Iterator[Incompatibility]:
    stack = [incompatibility]
    while stack:
        current = stack.pop()
        if isinstance(current.cause, DerivedCause):
            stack.extend((current.cause.right, current.cause.left))
        else:
            yield current
