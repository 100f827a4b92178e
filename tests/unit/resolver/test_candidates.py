"""Candidate ordering: the policy, and that remembering answers never serves a stale one."""

from __future__ import annotations

from packaging.version import Version

from universal_lock.resolver.candidates import Policy, VersionFiles, ordered
from universal_lock.solver import FULL, parse_range


def _entry(text: str, *, yanked: bool = False) -> VersionFiles:
    return VersionFiles.of(version=Version(text), files=(), python=FULL, yanked=yanked)


def _order(listing, allowed, **options):
    arguments = {"policy": Policy(), "explicit_prerelease": False, "direct": False}
    arguments.update(options)
    return [str(entry.version) for entry in ordered(listing, allowed, **arguments)]


def test_highest_final_first_within_the_range():
    listing = [_entry("1.0"), _entry("1.5"), _entry("2.0b1"), _entry("2.0"), _entry("3.0")]
    allowed = parse_range("p", "<3")
    assert _order(listing, allowed) == ["2.0", "1.5", "1.0"]
    assert _order(listing, allowed, explicit_prerelease=True) == ["2.0", "2.0b1", "1.5", "1.0"]
    assert _order(listing, allowed, policy=Policy(resolution="lowest")) == ["1.0", "1.5", "2.0"]
    assert _order(listing, allowed, preferences=[Version("1.5")]) == ["1.5", "2.0", "1.0"]


def test_yanked_only_when_the_project_pins_it():
    listing = [_entry("1.0"), _entry("2.0", yanked=True)]
    assert _order(listing, FULL) == ["1.0"]
    assert _order(listing, FULL, yanked_pins=frozenset({Version("2.0")})) == ["2.0", "1.0"]


def test_a_listing_changed_in_place_is_filtered_again():
    # The same list object and the same range object, asked twice: the second answer must
    # follow the list's new contents, not the remembered filtering.
    listing = [_entry("1.0"), _entry("2.0")]
    allowed = parse_range("p", ">=1")
    assert _order(listing, allowed) == ["2.0", "1.0"]
    listing[1] = _entry("3.0")
    assert _order(listing, allowed) == ["3.0", "1.0"]
    listing.append(_entry("4.0"))
    assert _order(listing, allowed) == ["4.0", "3.0", "1.0"]
    assert _order(tuple(listing), allowed) == ["4.0", "3.0", "1.0"]
