"""Property tests: on random small universes the solver agrees with brute force.

A solution exists iff the solver finds one; every solution it returns is valid;
every failure can be explained; a clone taken at any step finishes exactly as
the original does. Both with dependencies given per version and shared by
runs of adjacent versions.
"""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from universal_lock.solver import (
    Failed,
    MemoryProvider,
    NeedsDependencies,
    NeedsVersion,
    Solved,
    Solver,
    Unavailable,
    answer,
    drive,
    explain,
    parse_range,
    solve,
)

PACKAGES = ["a", "b", "c", "d"]
# Far more requests than any of these universes needs: a loop fails instead of hanging.
STEP_BUDGET = 2_000
VERSIONS = ["1", "2", "3"]


@st.composite
def _specifiers(draw):
    low = draw(st.sampled_from(VERSIONS))
    high = draw(st.sampled_from(VERSIONS))
    return draw(
        st.sampled_from(
            ["", f">={low}", f"<{high}", f"=={low}", f">={low},<{high}", f"!={low}", f">{low}"]
        )
    )


@st.composite
def _dependencies(draw, names):
    targets = draw(st.lists(st.sampled_from([*names, "missing"]), max_size=3, unique=True))
    return {target: draw(_specifiers()) for target in targets}


@st.composite
def universes(draw):
    names = draw(st.lists(st.sampled_from(PACKAGES), min_size=1, max_size=4, unique=True))
    universe = {}
    for name in names:
        versions = draw(st.lists(st.sampled_from(VERSIONS), min_size=1, max_size=3, unique=True))
        releases = {}
        for version in versions:
            if draw(st.integers(0, 9)) == 0:
                releases[version] = Unavailable(reason="no wheel for this platform")
            else:
                releases[version] = draw(_dependencies(names))
        universe[name] = releases
    root_dependencies = draw(_dependencies(names))
    return root_dependencies, universe


def _satisfied(dependencies, chosen):
    for name, specifier in dependencies.items():
        version = chosen.get(name)
        if version is None or version not in parse_range(name, specifier):
            return False
    return True


def _brute_force(root_dependencies, universe):
    """Whether any assignment (package -> version or absent) is a valid install."""
    names = sorted(universe)
    options = [[None, *universe[name]] for name in names]
    for combination in itertools.product(*options):
        chosen = {n: Version(v) for n, v in zip(names, combination, strict=True) if v is not None}
        if not _satisfied(root_dependencies, chosen):
            continue
        if all(
            not isinstance(universe[n][v], Unavailable) and _satisfied(universe[n][v], chosen)
            for n, v in zip(names, combination, strict=True)
            if v is not None
        ):
            return True
    return False


def _assert_valid(solution, root_dependencies, universe):
    assert solution.pop("root") == Version("1")
    assert _satisfied(root_dependencies, solution)
    for name, version in solution.items():
        release = universe[name][str(version)]
        assert not isinstance(release, Unavailable)
        assert _satisfied(release, solution)
    # Nothing extra: every selected package is reachable from the root.
    reached, frontier = set(), list(root_dependencies)
    while frontier:
        name = frontier.pop()
        if name not in reached:
            reached.add(name)
            frontier += list(universe[name][str(solution[name])])
    assert reached == set(solution)


@given(universes(), st.booleans())
def test_solver_agrees_with_brute_force(case, shared):
    root_dependencies, universe = case
    provider = MemoryProvider(universe, share_adjacent=shared)
    result = solve("root", "1", root_dependencies, provider, max_steps=STEP_BUDGET)
    assert isinstance(result, Solved) == _brute_force(root_dependencies, universe)
    if isinstance(result, Solved):
        _assert_valid(dict(result.solution), root_dependencies, universe)
    else:
        assert explain(result).endswith("the requirements are unsatisfiable.")


@given(universes(), st.integers(0, 30), st.sampled_from([None, 0]))
def test_clone_at_any_step_finishes_like_the_original(case, fork_after, chronological_after):
    root_dependencies, universe = case
    provider = MemoryProvider(universe)
    solver = Solver(
        "root",
        "1",
        root_dependencies,
        priority=provider.priority,
        chronological_after=chronological_after,
    )
    for _ in range(fork_after):
        request = solver.step()
        if not isinstance(request, NeedsVersion | NeedsDependencies):
            break
        answer(solver, provider, request)
    fork = solver.clone()
    calls_before = provider.calls["get_dependencies"]
    original = drive(solver, provider, max_steps=STEP_BUDGET)
    calls_original = provider.calls["get_dependencies"] - calls_before
    forked = drive(fork, provider, max_steps=STEP_BUDGET)
    calls_fork = provider.calls["get_dependencies"] - calls_before - calls_original
    assert type(original) is type(forked)
    if isinstance(original, Solved):
        assert isinstance(forked, Solved)
        assert original.solution == forked.solution
    else:
        assert isinstance(original, Failed) and isinstance(forked, Failed)
        assert explain(original) == explain(forked)
    # The fork continued from the fork point: it asked for exactly what the original did.
    assert calls_fork == calls_original


@given(universes(), st.booleans())
def test_chronological_backtracking_agrees_with_brute_force(case, shared):
    # chronological_after=0: every backjump that could keep a level keeps it.
    root_dependencies, universe = case
    provider = MemoryProvider(universe, share_adjacent=shared)
    solver = Solver(
        "root", "1", root_dependencies, priority=provider.priority, chronological_after=0
    )
    result = drive(solver, provider, max_steps=STEP_BUDGET)
    assert isinstance(result, Solved) == _brute_force(root_dependencies, universe)
    if isinstance(result, Solved):
        _assert_valid(dict(result.solution), root_dependencies, universe)
    else:
        assert explain(result).endswith("the requirements are unsatisfiable.")


MANY_PACKAGES = [f"p{index:02d}" for index in range(12)]


@st.composite
def larger_universes(draw):
    """Twelve packages x up to five versions, each depending on later packages only.

    Too many assignments for brute force; deep enough that backjumps skip levels.
    """
    universe = {}
    for position, name in enumerate(MANY_PACKAGES):
        later = MANY_PACKAGES[position + 1 :]
        versions = draw(
            st.lists(
                st.sampled_from(["1", "2", "3", "4", "5"]), min_size=1, max_size=5, unique=True
            )
        )
        releases = {}
        for version in versions:
            targets = (
                draw(st.lists(st.sampled_from(later), max_size=3, unique=True)) if later else []
            )
            releases[version] = {
                target: draw(st.sampled_from(["", ">=2", "<3", "==4", ">=3,<5", "!=5", "==1"]))
                for target in targets
            }
        universe[name] = releases
    root_dependencies = {
        name: draw(st.sampled_from(["", ">=2", "<4"]))
        for name in draw(st.lists(st.sampled_from(MANY_PACKAGES), min_size=3, unique=True))
    }
    return root_dependencies, universe


@given(larger_universes(), st.integers(0, 2))
def test_chronological_and_plain_backjumping_agree_on_larger_universes(case, limit):
    root_dependencies, universe = case
    results = []
    for chronological_after in (None, limit):
        provider = MemoryProvider(universe)
        solver = Solver(
            "root",
            "1",
            root_dependencies,
            priority=provider.priority,
            chronological_after=chronological_after,
        )
        results.append(drive(solver, provider, max_steps=STEP_BUDGET))
    plain, chronological = results
    assert type(plain) is type(chronological)
    if isinstance(chronological, Solved):
        _assert_valid(dict(chronological.solution), root_dependencies, universe)
    else:
        assert explain(chronological).endswith("the requirements are unsatisfiable.")
