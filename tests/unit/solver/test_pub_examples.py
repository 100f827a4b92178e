"""Every worked example of Dart pub's doc/solver.md, with caret ranges spelled in PEP 440.

`^1.0.0` becomes `>=1.0.0,<2.0.0`. Each example runs in two modes:

- "shared": the provider states dependencies for runs of adjacent versions with
  identical dependencies (``SharedDependencies``), as pub's package lister does;
  the explanations are pub's, word for word up to spelling ("cannot be used"
  for "is forbidden", "the requirements are unsatisfiable" for "version solving
  failed");
- "per version": dependencies of one version at a time, as the async resolver
  gives them; explanations then name single versions and the ranges in which
  no other version exists.
"""

from __future__ import annotations

import pytest
from packaging.version import Version

from universal_lock.solver import (
    Failed,
    MemoryProvider,
    NeedsDependencies,
    NeedsVersion,
    Solved,
    Solver,
    drive,
    explain,
    parse_range,
    solve,
)

CARET_1 = ">=1.0.0,<2.0.0"
CARET_2 = ">=2.0.0,<3.0.0"
CARET_3 = ">=3.0.0,<4.0.0"


MODES = pytest.mark.parametrize("shared", [False, True], ids=["per-version", "shared"])


def _solve(root_dependencies, universe, *, shared=False):
    provider = MemoryProvider(universe, share_adjacent=shared)
    return solve("root", "1.0.0", root_dependencies, provider)


def _versions(result):
    assert isinstance(result, Solved), explain(result) if isinstance(result, Failed) else result
    return {name: str(version) for name, version in result.solution.items()}


@MODES
def test_no_conflicts(shared):
    universe = {
        "foo": {"1.0.0": {"bar": CARET_1}},
        "bar": {"1.0.0": {}, "2.0.0": {}},
    }
    result = _solve({"foo": CARET_1}, universe, shared=shared)
    assert _versions(result) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.0.0"}


@MODES
def test_avoiding_conflict_during_decision_making(shared):
    universe = {
        "foo": {"1.1.0": {"bar": CARET_2}, "1.0.0": {}},
        "bar": {"1.0.0": {}, "1.1.0": {}, "2.0.0": {}},
    }
    provider = MemoryProvider(universe, share_adjacent=shared)
    result = solve("root", "1.0.0", {"foo": CARET_1, "bar": CARET_1}, provider)
    assert _versions(result) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.1.0"}


def test_avoiding_conflict_follows_pubs_steps():
    # Pub decides foo first; foo 1.1.0's dependency on bar ^2 would conflict with
    # the derivation bar ^1 at once, so it is not decided: propagation derives
    # "not foo 1.1.0" (step 7) and foo 1.0.0 is decided instead, without backtracking.
    solver = Solver(
        "root", "1.0.0", {"foo": CARET_1, "bar": CARET_1}, priority=lambda p, r: (p != "foo", p)
    )
    request = solver.step()
    assert request == NeedsVersion(package="foo", versions=parse_range("foo", CARET_1))
    solver.choose("foo", "1.1.0")
    assert solver.step() == NeedsDependencies(package="foo", version=Version("1.1.0"))
    solver.add_dependencies("foo", "1.1.0", {"bar": CARET_2})
    assert solver.stats.decisions == 1  # only the root
    request = solver.step()
    assert isinstance(request, NeedsVersion) and request.package == "foo"
    assert Version("1.1.0") not in request.versions
    assert Version("1.0.0") in request.versions
    solver.choose("foo", "1.0.0")
    solver.add_dependencies("foo", "1.0.0", {})
    request = solver.step()
    assert request == NeedsVersion(package="bar", versions=parse_range("bar", CARET_1))
    solver.choose("bar", "1.1.0")
    solver.add_dependencies("bar", "1.1.0", {})
    result = solver.step()
    assert _versions(result) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.1.0"}
    assert solver.stats.backtracks == 0
    assert solver.stats.conflicts == 0


@pytest.mark.parametrize(("shared", "learned"), [(False, "{foo==2.0.0}"), (True, "{foo>=2.0.0}")])
def test_performing_conflict_resolution(shared, learned):
    universe = {
        "foo": {"2.0.0": {"bar": CARET_1}, "1.0.0": {}},
        "bar": {"1.0.0": {"foo": CARET_1}},
    }
    provider = MemoryProvider(universe, share_adjacent=shared)
    solver = Solver("root", "1.0.0", {"foo": ">=1.0.0"}, priority=provider.priority)
    result = drive(solver, provider)
    assert _versions(result) == {"root": "1.0.0", "foo": "1.0.0"}
    assert solver.stats.conflicts >= 1
    # The learned fact is pub's step 9, `{foo >=2.0.0}` (per version: foo 2.0.0 only).
    found = [str(i) for i in solver.incompatibilities_for("foo") if not i.is_external]
    assert found == [learned]


@MODES
def test_conflict_resolution_with_a_partial_satisfier(shared):
    universe = {
        "foo": {"1.1.0": {"left": CARET_1, "right": CARET_1}, "1.0.0": {}},
        "left": {"1.0.0": {"shared": ">=1.0.0"}},
        "right": {"1.0.0": {"shared": "<2.0.0"}},
        "shared": {"2.0.0": {}, "1.0.0": {"target": CARET_1}},
        "target": {"2.0.0": {}, "1.0.0": {}},
    }
    result = _solve({"foo": CARET_1, "target": CARET_2}, universe, shared=shared)
    assert _versions(result) == {"root": "1.0.0", "foo": "1.0.0", "target": "2.0.0"}


LINEAR = {
    "foo": {"1.0.0": {"bar": CARET_2}},
    "bar": {"2.0.0": {"baz": CARET_3}},
    "baz": {"1.0.0": {}, "3.0.0": {}},
}

BRANCHING = {
    "foo": {
        "1.0.0": {"a": CARET_1, "b": CARET_1},
        "1.1.0": {"x": CARET_1, "y": CARET_1},
    },
    "a": {"1.0.0": {"b": CARET_2}},
    "b": {"1.0.0": {}, "2.0.0": {}},
    "x": {"1.0.0": {"y": CARET_2}},
    "y": {"1.0.0": {}, "2.0.0": {}},
}


def test_linear_error_reporting_as_pub_reports_it():
    result = _solve({"foo": CARET_1, "baz": CARET_1}, LINEAR, shared=True)
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because every version of foo depends on bar>=2.0.0,<3.0.0 which depends on"
        " baz>=3.0.0,<4.0.0, every version of foo requires baz>=3.0.0,<4.0.0.\n"
        "So, because root depends on both foo>=1.0.0,<2.0.0 and baz>=1.0.0,<2.0.0,"
        " the requirements are unsatisfiable."
    )


def test_branching_error_reporting_as_pub_reports_it():
    result = _solve({"foo": CARET_1}, BRANCHING, shared=True)
    assert isinstance(result, Failed)
    assert explain(result) == (
        "    Because foo<1.1.0 depends on a>=1.0.0,<2.0.0 which depends on b>=2.0.0,<3.0.0,"
        " foo<1.1.0 requires b>=2.0.0,<3.0.0.\n"
        "(1) So, because foo<1.1.0 depends on b>=1.0.0,<2.0.0, foo<1.1.0 cannot be used.\n"
        "\n"
        "    Because foo>=1.1.0 depends on x>=1.0.0,<2.0.0 which depends on y>=2.0.0,<3.0.0,"
        " foo>=1.1.0 requires y>=2.0.0,<3.0.0.\n"
        "    And because foo>=1.1.0 depends on y>=1.0.0,<2.0.0, foo>=1.1.0 cannot be used.\n"
        "    And because foo<1.1.0 cannot be used (1), foo cannot be used.\n"
        "    So, because root depends on foo>=1.0.0,<2.0.0, the requirements are unsatisfiable."
    )


def test_linear_error_reporting_per_version():
    result = _solve({"foo": CARET_1, "baz": CARET_1}, LINEAR)
    assert isinstance(result, Failed)
    assert explain(result) == (
        "Because bar==2.0.0 depends on baz>=3.0.0,<4.0.0 and no other versions of bar match"
        " >=2.0.0,<3.0.0, bar>=2.0.0,<3.0.0 requires baz>=3.0.0,<4.0.0.\n"
        "Because foo==1.0.0 depends on bar>=2.0.0,<3.0.0 and no other versions of foo match"
        " >=1.0.0,<2.0.0, foo>=1.0.0,<2.0.0 requires bar>=2.0.0,<3.0.0.\n"
        "Thus, foo>=1.0.0,<2.0.0 requires baz>=3.0.0,<4.0.0.\n"
        "So, because root depends on both foo>=1.0.0,<2.0.0 and baz>=1.0.0,<2.0.0,"
        " the requirements are unsatisfiable."
    )


def test_branching_error_reporting_per_version():
    result = _solve({"foo": CARET_1}, BRANCHING)
    assert isinstance(result, Failed)
    assert explain(result) == (
        "    Because a==1.0.0 depends on b>=2.0.0,<3.0.0 and no other versions of a match"
        " >=1.0.0,<2.0.0, a>=1.0.0,<2.0.0 requires b>=2.0.0,<3.0.0.\n"
        "    And because foo==1.0.0 depends on a>=1.0.0,<2.0.0,"
        " foo==1.0.0 requires b>=2.0.0,<3.0.0.\n"
        "(1) So, because foo==1.0.0 depends on b>=1.0.0,<2.0.0 and no other versions of foo"
        " match >=1.0.0,<2.0.0,!=1.1.0, foo>=1.0.0,<2.0.0,!=1.1.0 cannot be used.\n"
        "\n"
        "    Because x==1.0.0 depends on y>=2.0.0,<3.0.0 and no other versions of x match"
        " >=1.0.0,<2.0.0, x>=1.0.0,<2.0.0 requires y>=2.0.0,<3.0.0.\n"
        "    And because foo==1.1.0 depends on both x>=1.0.0,<2.0.0 and y>=1.0.0,<2.0.0,"
        " foo==1.1.0 cannot be used.\n"
        "    And because foo>=1.0.0,<2.0.0,!=1.1.0 cannot be used (1),"
        " foo>=1.0.0,<2.0.0 cannot be used.\n"
        "    So, because root depends on foo>=1.0.0,<2.0.0, the requirements are unsatisfiable."
    )
