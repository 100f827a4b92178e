"""The step-driven API: requests, cloning at a fork point, priorities, bad input."""

from __future__ import annotations

import pytest
from packaging.ranges import VersionRange
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import InvalidRequirementData, UlockError
from universal_lock.solver import (
    FULL,
    Failed,
    MemoryProvider,
    NeedsDependencies,
    NeedsVersion,
    Solved,
    Solver,
    Unavailable,
    candidate_priority,
    drive,
    exact,
    explain,
    parse_range,
    solve,
)

UNIVERSE = {
    "a": {"1.0": {"c": "<2"}, "2.0": {"c": ">=2"}},
    "b": {"1.0": {}, "2.0": {}},
    "c": {"1.0": {}, "2.0": {}},
}


def _answer(solver, provider):
    """Answer one request from provider; return the request that was answered."""
    request = solver.step()
    if isinstance(request, NeedsVersion):
        solver.choose(request.package, provider.choose_version(request.package, request.versions))
    elif isinstance(request, NeedsDependencies):
        answer = provider.get_dependencies(request.package, request.version)
        if isinstance(answer, Unavailable):
            solver.mark_unavailable(request.package, request.version, answer.reason)
        else:
            solver.add_dependencies(request.package, request.version, answer)
    return request


def test_step_repeats_the_pending_request_until_answered():
    solver = Solver("root", "1", {"a": ">=1"})
    first = solver.step()
    assert first == NeedsVersion(package="a", versions=parse_range("a", ">=1"))
    assert solver.step() == first
    solver.choose("a", "2.0")
    assert solver.step() == NeedsDependencies(package="a", version=Version("2.0"))


def test_answers_must_match_the_request():
    solver = Solver("root", "1", {"a": ">=1"})
    solver.step()
    with pytest.raises(ValueError, match="not waiting"):
        solver.choose("b", "1.0")
    with pytest.raises(ValueError, match="outside the range"):
        solver.choose("a", "0.5")
    solver.choose("a", "1.0")
    with pytest.raises(ValueError, match=r"asked about a==1\.0, not 2\.0"):
        solver.add_dependencies("a", "2.0", {})


def test_clone_is_independent_and_both_finish_differently():
    provider = MemoryProvider(UNIVERSE)
    solver = Solver("root", "1", {"a": ">=1", "b": "==2.0"}, priority=provider.priority)
    # Run to the point where the solver asks which version of `a` to take: the fork point.
    while not (isinstance(request := solver.step(), NeedsVersion) and request.package == "a"):
        _answer(solver, provider)
    fork = solver.clone()
    fetched_before_fork = provider.calls["get_dependencies"]

    # The original takes a 2.0 (then c>=2); the fork is given only a 1.0 (then c<2).
    solver.choose("a", "2.0")
    original = drive(solver, provider)
    fork.choose("a", "1.0")
    forked = drive(fork, provider)

    assert isinstance(original, Solved) and isinstance(forked, Solved)
    assert original.solution["a"] == Version("2.0") and original.solution["c"] == Version("2.0")
    assert forked.solution["a"] == Version("1.0") and forked.solution["c"] == Version("1.0")
    # b was decided before the fork; neither side asked for its dependencies again.
    assert original.solution["b"] == forked.solution["b"] == Version("2.0")
    fetched = provider.calls["get_dependencies"] - fetched_before_fork
    assert fetched == 4  # a 2.0, c 2.0 for the original; a 1.0, c 1.0 for the fork
    # Mutating the fork after the original finished leaves the original untouched.
    assert solver.step() == original


def test_a_clone_does_not_see_what_the_original_learns():
    provider = MemoryProvider(UNIVERSE)
    solver = Solver("root", "1", {"a": ">=1", "c": ">=2"}, priority=lambda p, r: (p != "c", p))
    fork = solver.clone()
    before = fork.incompatibilities_for("a")
    result = drive(solver, provider)
    assert isinstance(result, Solved) and result.solution["a"] == Version("2.0")
    assert len(solver.incompatibilities_for("a")) > len(before)  # a 1.0 and a 2.0's dependencies
    assert fork.incompatibilities_for("a") == before
    assert fork.stats.decisions == 1  # the root only
    assert isinstance(fork.step(), NeedsVersion)


def _fillers_then_trouble(count):
    """``count`` unrelated packages decided first, then ``t`` whose newest version fails.

    ``t 2`` needs ``h``, and ``h``'s only version needs ``z<2`` while the root needs
    ``z>=2``: the conflict is found at the last level, and the learned ``{t==2}`` is
    almost satisfied from level 0 on, so plain backjumping undoes every filler.
    """
    fillers = [f"f{index:02d}" for index in range(count)]
    universe = {name: {"1": {}} for name in fillers}
    universe.update(
        {
            "t": {"1": {}, "2": {"h": ""}},
            "h": {"1": {"z": "<2"}},
            "z": {"1": {}, "2": {}},
        }
    )
    root = {"z": ">=2", **{name: "" for name in fillers}, "t": ""}
    order = {name: index for index, name in enumerate(["z", *fillers, "t", "h"])}
    return root, universe, lambda package, _versions: order[package]


def _versions_asked(solver, provider):
    asked = []
    while not isinstance(request := solver.step(), Solved | Failed):
        if isinstance(request, NeedsVersion):
            asked.append(request.package)
        _answer(solver, provider)
    return asked, request


@pytest.mark.parametrize("chronological_after", [None, 0, 10])
def test_a_long_backjump_keeps_the_levels_below_the_conflict(chronological_after):
    root, universe, priority = _fillers_then_trouble(20)
    provider = MemoryProvider(universe)
    solver = Solver("root", "1", root, priority=priority, chronological_after=chronological_after)
    asked, result = _versions_asked(solver, provider)
    assert isinstance(result, Solved)
    assert result.solution["t"] == Version("1") and "h" not in result.solution
    fillers = [name for name in asked if name.startswith("f")]
    if chronological_after is None:
        # Plain PubGrub: back to level 0 (the root), so z and all twenty fillers again.
        # Decisions: the root, z, the fillers, t 2, z and the fillers again, t 1.
        assert len(fillers) == 40 and solver.stats.decisions == 1 + 1 + 20 + 1 + 21 + 1
    else:
        # Only t's level is undone: each filler is asked for once.
        assert fillers == sorted(set(fillers)) and len(fillers) == 20
        assert solver.stats.decisions == 1 + 1 + 20 + 1 + 1


def test_short_backjumps_stay_plain_pubgrub_by_default():
    # Within the default limit the solver jumps exactly where PubGrub says.
    root, universe, priority = _fillers_then_trouble(5)
    provider = MemoryProvider(universe)
    asked, result = _versions_asked(Solver("root", "1", root, priority=priority), provider)
    assert isinstance(result, Solved)
    assert sum(name.startswith("f") for name in asked) == 10


def test_a_long_backjump_is_chronological_by_default_and_cloned_so():
    root, universe, priority = _fillers_then_trouble(40)
    provider = MemoryProvider(universe)
    solver = Solver("root", "1", root, priority=priority).clone()
    asked, result = _versions_asked(solver, provider)
    assert isinstance(result, Solved) and result.solution["t"] == Version("1")
    assert sum(name.startswith("f") for name in asked) == 40


def test_dependencies_given_once_are_not_asked_again_after_backjumping():
    # x is decided first; foo 2.0.0 then fails through bar, the solver backjumps
    # to before x and decides x again, from what it already knows.
    universe = {
        "x": {"1.0.0": {}},
        "foo": {"2.0.0": {"bar": ">=1.0.0,<2.0.0"}, "1.0.0": {}},
        "bar": {"1.0.0": {"foo": ">=1.0.0,<2.0.0"}},
    }
    provider = MemoryProvider(universe)
    solver = Solver("root", "1", {"x": "", "foo": ">=1"}, priority=lambda p, r: (p != "x", p))
    asked = []
    while not isinstance(request := solver.step(), Solved | Failed):
        asked.append((type(request).__name__, request.package))
        _answer(solver, provider)
    assert asked == [
        ("NeedsVersion", "x"),
        ("NeedsDependencies", "x"),
        ("NeedsVersion", "foo"),
        ("NeedsDependencies", "foo"),
        ("NeedsVersion", "bar"),
        ("NeedsDependencies", "bar"),  # bar 1.0.0 conflicts with foo 2.0.0: not decided
        ("NeedsVersion", "bar"),  # no other bar: conflict, learn {foo==2.0.0}, backjump
        ("NeedsVersion", "x"),  # x again, without asking for its dependencies again
        ("NeedsVersion", "foo"),
        ("NeedsDependencies", "foo"),
    ]
    assert solver.step().solution == {
        "foo": Version("1.0.0"),
        "root": Version("1"),
        "x": Version("1.0.0"),
    }
    assert solver.stats.backtracks == 1 and solver.stats.learned == 1


def test_learned_incompatibility_explains_the_dead_end():
    universe = {
        "foo": {"2.0.0": {"bar": ">=1.0.0,<2.0.0"}, "1.0.0": {}},
        "bar": {"1.0.0": {"foo": ">=1.0.0,<2.0.0"}},
    }
    result = solve("root", "1", {"foo": ">=2"}, MemoryProvider(universe))
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because bar==1.0.0 depends on foo>=1.0.0,<2.0.0 and no other versions of bar match"
        " >=1.0.0,<2.0.0, bar>=1.0.0,<2.0.0 requires foo>=1.0.0,<2.0.0.\n"
        "Because foo==2.0.0 depends on bar>=1.0.0,<2.0.0 and no other versions of foo match"
        " >=2.0.0, foo>=2.0.0 requires bar>=1.0.0,<2.0.0.\n"
        "Thus, foo>=2.0.0 cannot be used.\n"
        "So, because root depends on foo>=2, the requirements are unsatisfiable."
    )


def test_default_priority_decides_exact_pins_then_fewest_candidates_then_name():
    universe = {
        "many": {str(v): {} for v in range(1, 6)},
        "few": {"1": {}, "2": {}},
        "also-few": {"1": {}, "2": {}},
        "pinned": {"1": {}, "2": {}, "3": {}},
    }
    provider = MemoryProvider(universe)
    solver = Solver(
        "root",
        "1",
        {"many": "", "few": "", "also-few": "", "pinned": "==2"},
        priority=provider.priority,
    )
    order = []
    while not isinstance(request := solver.step(), Solved):
        if isinstance(request, NeedsVersion):
            order.append(request.package)
        _answer(solver, provider)
    assert order == ["pinned", "also-few", "few", "many"]
    assert candidate_priority("x", exact(Version("1")), []) < candidate_priority("x", FULL, [])
    assert candidate_priority("x", FULL, [], direct=True)[0] == 0


def test_unavailable_versions_are_skipped_and_explained_with_their_reason():
    universe = {
        "a": {"1.0": Unavailable(reason="no wheel for this platform"), "0.9": {}},
    }
    result = solve("root", "1", {"a": ">=0.9"}, MemoryProvider(universe))
    assert isinstance(result, Solved)
    assert result.solution["a"] == Version("0.9")

    result = solve("root", "1", {"a": ">=1.0"}, MemoryProvider(universe))
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because a==1.0 is unavailable (no wheel for this platform) and no other versions of a"
        " match >=1.0, a>=1.0 cannot be used.\n"
        "So, because root depends on a>=1.0, the requirements are unsatisfiable."
    )


def test_missing_package_and_root_level_conflict_are_explained():
    result = solve("root", "1", {"ghost": ">=1"}, MemoryProvider({}))
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because no versions of ghost match >=1 and root depends on ghost>=1,"
        " the requirements are unsatisfiable."
    )


def test_self_dependency_outside_its_own_version_makes_it_unusable():
    universe = {"a": {"2": {"a": "<1"}, "1": {"a": ">=1"}}}
    result = solve("root", "1", {"a": ""}, MemoryProvider(universe))
    assert isinstance(result, Solved)
    assert result.solution["a"] == Version("1")
    result = solve("root", "1", {"a": ">=2"}, MemoryProvider(universe))
    assert isinstance(result, Failed)
    assert "a==2 depends on a<1" in explain(result)


def test_prerelease_and_local_versions_are_exact_members():
    universe = {"torch": {"2.3.0+cu128": {}, "2.3.0": {}, "2.4.0rc1": {}}}
    result = solve("root", "1", {"torch": "==2.3.0+cu128"}, MemoryProvider(universe))
    assert isinstance(result, Solved) and str(result.solution["torch"]) == "2.3.0+cu128"
    result = solve("root", "1", {"torch": ">=2.4.0rc1"}, MemoryProvider(universe))
    assert isinstance(result, Solved) and str(result.solution["torch"]) == "2.4.0rc1"


@pytest.mark.parametrize(
    ("call", "kind", "value"),
    [
        (lambda: Solver("root", "1", {"a": ">=1.0,<2,~"}), "specifier", ">=1.0,<2,~"),
        (lambda: Solver("root", "not a version", {}), "version", "not a version"),
        (lambda: MemoryProvider({"a": {"1.0": {"b": "=>2"}}}), "specifier", "=>2"),
        (lambda: MemoryProvider({"a": {"one": {}}}), "version", "one"),
    ],
)
def test_invalid_strings_are_clean_errors_naming_package_and_string(call, kind, value):
    with pytest.raises(InvalidRequirementData) as raised:
        call()
    error = raised.value
    assert isinstance(error, UlockError) and error.exit_code == 2
    assert error.kind == kind and error.value == value
    assert error.package in {"a", "b", "root"}
    assert repr(value) in str(error)


def test_invalid_dependency_from_a_driver_names_the_dependency():
    solver = Solver("root", "1", {"a": ""})
    solver.step()
    solver.choose("a", "1")
    with pytest.raises(InvalidRequirementData, match=r"invalid specifier of `b`: '>>1'"):
        solver.add_dependencies("a", "1", {"b": ">>1"})


def test_ranges_with_another_prerelease_policy_are_refused_clearly():
    wrong = SpecifierSet(">=1").to_range()
    with pytest.raises(ValueError, match="prereleases=True"):
        Solver("root", "1", {"a": wrong})
    right = SpecifierSet(">=1", prereleases=True).to_range()
    arbitrary = VersionRange.full(prereleases=True)
    solver = Solver("root", "1", {"a": right, "b": arbitrary})
    solver.step()
    assert solver.undecided() == {"a": right, "b": FULL}


def test_shared_self_dependency_does_not_block_its_own_version():
    # Stated for every version, "a depends on a>=1" only forbids versions below 1
    # (none exist); deciding a 1 must not be mistaken for a conflict (it once looped).
    universe = {"a": {"1": {"a": ">=1"}, "2": {"a": ">=1"}}}
    result = solve("root", "1", {"a": ""}, MemoryProvider(universe, share_adjacent=True))
    assert isinstance(result, Solved) and result.solution["a"] == Version("2")


def test_drive_step_budget_turns_a_runaway_loop_into_an_error():
    provider = MemoryProvider(UNIVERSE)
    solver = Solver("root", "1", {"a": ">=1"}, priority=provider.priority)
    with pytest.raises(RuntimeError, match="within 2 steps"):
        drive(solver, provider, max_steps=2)


def test_full_ranges_read_as_any_or_every_version():
    universe = {"a": {"1": {"b": ""}}, "b": {"1": {"c": ">=2"}}, "c": {"1": {}}}
    result = solve("root", "1", {"a": ""}, MemoryProvider(universe, share_adjacent=True))
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because every version of a depends on any version of b which depends on c>=2,"
        " every version of a requires c>=2.\n"
        "So, because no versions of c match >=2 and root depends on any version of a,"
        " the requirements are unsatisfiable."
    )


def test_two_dependers_that_exclude_each_other():
    universe = {
        "a": {"1": {"c": "<2"}, "2": {"c": "<2"}},
        "b": {"1": {"c": ">=2"}},
        "c": {"1": {}, "2": {}},
    }
    shared = solve("root", "1", {"a": "", "b": ""}, MemoryProvider(universe, share_adjacent=True))
    assert explain(shared) == (
        "Because every version of b depends on c>=2 and every version of a depends on c<2,"
        " every version of b is incompatible with every version of a.\n"
        "So, because root depends on both any version of a and any version of b,"
        " the requirements are unsatisfiable."
    )
    per_version = solve("root", "1", {"a": "", "b": ""}, MemoryProvider(universe))
    assert explain(per_version) == (
        "Because a==1 depends on c<2 and no other versions of a match !=2, a!=2 requires c<2.\n"
        "And because a==2 depends on c<2, every version of a requires c<2.\n"
        "Because b==1 depends on c>=2 and b has no other versions,"
        " every version of b requires c>=2.\n"
        "Thus, every version of b is incompatible with every version of a.\n"
        "So, because root depends on both any version of a and any version of b,"
        " the requirements are unsatisfiable."
    )
