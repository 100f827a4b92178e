"""Compare two locks entry by entry: match each name's old and new entries, then classify.

Entries are keyed by name and the region where they apply. A name may have several entries
(one per marker region), so old and new entries of one name are matched before they are
compared: identical entries first, then entries whose markers overlap (preferring the same
version, then the same source), then entries of the same version whose regions moved. What is
left unmatched was added or removed. A single old and a single new entry are always a pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from packaging.specifiers import SpecifierSet

from universal_lock.lockfile.diff.model import (
    ChangeKind,
    EntryView,
    LockDiff,
    LockFieldChange,
    PackageChange,
    Section,
)
from universal_lock.lockfile.diff.regions import describe
from universal_lock.lockfile.model import Lock, LockedFile, LockedPackage
from universal_lock.markers import MarkerTree, parse_marker

__all__ = ["diff_locks", "entry_source"]


def diff_locks(old: Lock, new: Lock) -> LockDiff:
    """What changed from ``old`` to ``new``: lock-level keys, then entries sorted by name."""
    requires_python = new.requires_python or old.requires_python
    changes = [
        *_section_changes(old.packages, new.packages, "packages", requires_python),
        *_section_changes(
            old.build_packages, new.build_packages, "build-packages", requires_python
        ),
    ]
    return LockDiff(lock_changes=tuple(_lock_changes(old, new)), changes=tuple(changes))


def entry_source(package: LockedPackage) -> str:
    """Where an entry's files come from, as one stable string (the ``source`` of a change)."""
    if package.index is not None:
        return f"index {package.index}"
    if package.directory is not None:
        return f"directory {package.directory.path}"
    if package.archive is not None:
        return f"archive {package.archive.url or package.archive.path}"
    if package.vcs is not None:
        location = package.vcs.url or package.vcs.path
        return f"{package.vcs.type} {location}@{package.vcs.commit_id}"
    files = _files(package)
    paths = sorted({str(PurePosixPath(f.path).parent) for f in files if f.path is not None})
    if paths and all(f.path is not None for f in files):
        return "path " + ", ".join(paths)
    urls = sorted({(f.url or "").rsplit("/", 1)[0] for f in files if f.url is not None})
    return "url " + ", ".join(urls)


def _lock_changes(old: Lock, new: Lock) -> Iterable[LockFieldChange]:
    def text(lock: Lock) -> dict[str, tuple[str, ...]]:
        return {
            "environments": lock.environments,
            "requires-python": (str(lock.requires_python),) if lock.requires_python else (),
            "extras": lock.extras,
            "dependency-groups": lock.dependency_groups,
            "default-groups": lock.default_groups,
            "conflicts": tuple(
                " / ".join(str(member) for member in members) for members in lock.conflicts
            ),
        }

    before, after = text(old), text(new)
    for key, values in before.items():
        if values != after[key]:
            yield LockFieldChange(key=key, old=values, new=after[key])


def _section_changes(
    old: Sequence[LockedPackage],
    new: Sequence[LockedPackage],
    section: Section,
    requires_python: SpecifierSet | None,
) -> list[PackageChange]:
    old_by_name: dict[str, list[LockedPackage]] = defaultdict(list)
    new_by_name: dict[str, list[LockedPackage]] = defaultdict(list)
    for package in old:
        old_by_name[package.name].append(package)
    for package in new:
        new_by_name[package.name].append(package)
    changes: list[PackageChange] = []
    for name in sorted(old_by_name.keys() | new_by_name.keys()):
        for before, after in _match(old_by_name[name], new_by_name[name]):
            change = _classify(name, before, after, section, requires_python)
            if change is not None:
                changes.append(change)
    return changes


def _marker(package: LockedPackage) -> MarkerTree:
    return parse_marker(package.marker or "")


def _match(
    old: list[LockedPackage], new: list[LockedPackage]
) -> list[tuple[LockedPackage | None, LockedPackage | None]]:
    """Pairs of (old, new) entries of one name; ``None`` on one side: added or removed."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    candidates: list[tuple[tuple[int, ...], int, int]] = []
    for i, before in enumerate(old):
        for j, after in enumerate(new):
            same_version = before.version == after.version
            same_source = entry_source(before) == entry_source(after)
            identical = before == after
            overlap = not _marker(before).is_disjoint(_marker(after))
            if not (identical or overlap or same_version):
                continue
            score = (identical, overlap, same_version, same_source, before.marker == after.marker)
            candidates.append((tuple(-int(flag) for flag in score), i, j))
    pairs: list[tuple[LockedPackage | None, LockedPackage | None]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    pairs += [(before, None) for i, before in enumerate(old) if i not in used_old]
    pairs += [(None, after) for j, after in enumerate(new) if j not in used_new]
    return sorted(pairs, key=_pair_order)


def _pair_order(pair: tuple[LockedPackage | None, LockedPackage | None]) -> tuple[object, ...]:
    entry = pair[1] if pair[1] is not None else pair[0]
    assert entry is not None
    return entry.sort_key


def _files(package: LockedPackage) -> tuple[LockedFile, ...]:
    return (*package.wheels, *((package.sdist,) if package.sdist is not None else ()))


def _digest(hashes: Mapping[str, str]) -> str:
    # ulock always records sha256; other writers may only give another algorithm.
    algorithm = "sha256" if "sha256" in hashes else min(hashes)
    return f"{algorithm}:{hashes[algorithm]}"


def _file_hashes(package: LockedPackage) -> dict[str, Mapping[str, str]]:
    """Every file of the entry (wheels, sdist, archive) by name, with its hashes."""
    hashes: dict[str, Mapping[str, str]] = {file.name: file.hashes for file in _files(package)}
    if package.archive is not None:
        location = package.archive.url or package.archive.path or "archive"
        hashes[location] = package.archive.hashes
    return hashes


def _differs(old: Mapping[str, str], new: Mapping[str, str]) -> bool:
    # Only algorithms both sides recorded can be compared; adding one is not a change.
    return any(old[algorithm] != new[algorithm] for algorithm in old.keys() & new.keys())


def _file_key(filename: str) -> str:
    """A wheel's tags (``cp312-cp312-manylinux_2_28_x86_64``) or ``sdist``: version-free."""
    if filename.endswith(".whl"):
        return "-".join(filename[: -len(".whl")].split("-")[2:])
    return "sdist"


def _view(package: LockedPackage) -> EntryView:
    return EntryView(
        version=None if package.version is None else str(package.version),
        marker=package.marker,
        source=entry_source(package),
        files=tuple(sorted((name, _digest(h)) for name, h in _file_hashes(package).items())),
        build_requires=tuple(str(pin) for pin in package.build_requires),
    )


def _classify(
    name: str,
    old: LockedPackage | None,
    new: LockedPackage | None,
    section: Section,
    requires_python: SpecifierSet | None,
) -> PackageChange | None:
    if old is None or new is None:
        entry = new if new is not None else old
        assert entry is not None
        return PackageChange(
            name=name,
            section=section,
            kinds=("added",) if new is not None else ("removed",),
            old=None if old is None else _view(old),
            new=None if new is None else _view(new),
            region=describe(_marker(entry), requires_python),
        )
    if old == new:
        return None
    kinds: list[ChangeKind] = []
    if old.version != new.version and old.version is not None and new.version is not None:
        kinds.append("upgraded" if new.version > old.version else "downgraded")
    old_digests, new_digests = _file_hashes(old), _file_hashes(new)
    hash_changed = tuple(
        sorted(
            file
            for file, hashes in new_digests.items()
            if file in old_digests and _differs(old_digests[file], hashes)
        )
    )
    if old.version == new.version and hash_changed:
        kinds.append("hash-changed")
    else:
        hash_changed = ()
    if entry_source(old) != entry_source(new):
        kinds.append("source-changed")
    old_keys = {_file_key(file) for file in old_digests}
    new_keys = {_file_key(file) for file in new_digests}
    if old_keys != new_keys:
        kinds.append("files-changed")
    old_marker, new_marker = _marker(old), _marker(new)
    gained = lost = None
    if old_marker != new_marker:
        kinds.append("marker-changed")
        if not (added := new_marker & ~old_marker).is_empty():
            gained = describe(added, requires_python)
        if not (removed := old_marker & ~new_marker).is_empty():
            lost = describe(removed, requires_python)
    pins_added = tuple(str(p) for p in new.build_requires if p not in old.build_requires)
    pins_removed = tuple(str(p) for p in old.build_requires if p not in new.build_requires)
    if pins_added or pins_removed:
        kinds.append("build-requires-changed")
    if not kinds:
        # Only details no reader acts on differ (sizes, upload times, requires-python).
        return None
    return PackageChange(
        name=name,
        section=section,
        kinds=tuple(kinds),
        old=_view(old),
        new=_view(new),
        region=describe(new_marker, requires_python),
        gained=gained,
        lost=lost,
        hash_changed=hash_changed,
        files_added=tuple(sorted(new_keys - old_keys)),
        files_removed=tuple(sorted(old_keys - new_keys)),
        build_requires_added=pins_added,
        build_requires_removed=pins_removed,
    )
