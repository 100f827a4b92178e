"""Properties of ``diff_locks`` over generated locks: self-diffs, reversal, JSON round trip."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.lockfile.strategies import MARKERS, digests, locks
from universal_lock.lockfile import Lock, LockedPackage
from universal_lock.lockfile.diff import diff_locks
from universal_lock.lockfile.diff_render import diff_from_json, render_json, render_text


@st.composite
def _edited(draw: st.DrawFn, package: LockedPackage) -> LockedPackage:
    """The same entry with its marker, index or file hashes perhaps changed."""
    if draw(st.booleans()):
        package = replace(package, marker=draw(st.none() | st.sampled_from(MARKERS)))
    if package.wheels and draw(st.booleans()):
        wheels = tuple(replace(w, hashes={"sha256": draw(digests)}) for w in package.wheels)
        package = replace(package, wheels=wheels)
    if package.wheels and draw(st.booleans()):
        package = replace(package, index=draw(st.sampled_from([None, "https://m.example/simple"])))
    return replace(package, build_requires=())


@st.composite
def lock_pairs(draw: st.DrawFn) -> tuple[Lock, Lock]:
    """An old lock and a new one that keeps, edits, drops and adds entries."""
    old, other = draw(locks()), draw(locks())
    old = replace(old, packages=tuple(replace(p, build_requires=()) for p in old.packages))
    kept = [draw(_edited(p)) for p in old.packages if draw(st.booleans())]
    added = [replace(p, build_requires=()) for p in other.packages]
    new = replace(other, packages=tuple(kept + added))
    return old, new


@given(locks())
def test_a_lock_does_not_differ_from_itself(lock: Lock) -> None:
    assert diff_locks(lock, lock).is_empty


@given(lock_pairs())
def test_json_round_trips(pair: tuple[Lock, Lock]) -> None:
    old, new = pair
    result = diff_locks(old, new)
    text = render_json(result)
    assert diff_from_json(text) == result
    assert render_json(diff_from_json(text)) == text
    render_text(result)  # every diff renders


@given(lock_pairs())
def test_every_entry_is_accounted_for(pair: tuple[Lock, Lock]) -> None:
    """Each entry of either lock is unchanged or on exactly one side of exactly one change."""
    old, new = pair
    result = diff_locks(old, new)
    for section, before, after in (
        ("packages", old.packages, new.packages),
        ("build-packages", old.build_packages, new.build_packages),
    ):
        changes = [change for change in result.changes if change.section == section]
        names_old = Counter(p.name for p in before)
        names_new = Counter(p.name for p in after)
        for name in names_old | names_new:
            of_name = [change for change in changes if change.name == name]
            added = sum(change.kind == "added" for change in of_name)
            removed = sum(change.kind == "removed" for change in of_name)
            paired_changed = len(of_name) - added - removed
            # Matched pairs (changed or not) use up min(old, new) entries at most.
            assert removed - added == names_old[name] - names_new[name]
            assert paired_changed <= min(names_old[name], names_new[name])


@given(lock_pairs())
def test_reversing_swaps_added_and_removed(pair: tuple[Lock, Lock]) -> None:
    old, new = pair
    forward = diff_locks(old, new).counts()
    backward = diff_locks(new, old).counts()
    assert (forward["added"], forward["removed"]) == (backward["removed"], backward["added"])
    assert (forward["upgraded"], forward["downgraded"]) == (
        backward["downgraded"],
        backward["upgraded"],
    )
    assert len(diff_locks(old, new).changes) == len(diff_locks(new, old).changes)
