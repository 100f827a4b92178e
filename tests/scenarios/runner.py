"""Run a scenario (packse TOML schema, plus our `[ulock]` table) as a universal lock.

A scenario becomes a project directory: `[root]` gives `[project]` (its `requires` are the
dependencies; `requires_python`, else `resolver_options.python`, else `environment.python`
gives `requires-python`), `resolver_options` give `[tool.ulock]` settings, and the packages
are served by the real test index server on 127.0.0.1 (its default index replaces the
public one). `ulock lock` runs through the command line twice (the bytes must not change)
and `--check` must agree. A satisfiable scenario's lock is then judged by
`tests/support/oracle.py` in every environment of the grid, from the locked files' own
metadata (downloaded from the server, hashes checked).

Our scenarios add one table, `[ulock]`, which the packse loader never sees:

```toml
[ulock]
pyproject = '''...'''             # appended to the generated pyproject.toml (extras, groups,
                                  # [tool.ulock] keys, sources naming the indexes below)
extras_choices = [[], ["a"]]      # for the judge (default: none, and each extra alone)
group_choices = [[], ["dev"]]     # for the judge (default: none, and each group alone)
default_format = "simple"         # how the default index is offered: "simple" or "flat"

[ulock.indexes.cu128]             # one per [indexes.NAME] of the scenario
format = "simple"                 # "simple" (served), "flat" (a directory), "files" (copied
explicit = true                   # into NAME/ for `path` sources; no index declared)

[[ulock.expect.entries]]          # exact lock entries of one name: version -> marker
name = "numpy"
versions = { "1.26.0" = "python_full_version < '3.8'", "2.1.0" = "python_full_version >= '3.8'" }

[[ulock.expect.entries]]          # or as pairs, when one version has several entries
name = "torch"
locked = [["2.3.0", "sys_platform == 'darwin'"], ["2.3.0", "sys_platform != 'darwin'"]]

[[ulock.expect.selections]]       # what one environment installs (name -> version)
platform = "linux-x86_64"         # or linux-aarch64, darwin-arm64, darwin-x86_64, win
python = "3.12.1"
extras = []
groups = []                       # omitted: the lock's default groups
packages = { numpy = "2.1.0" }

[ulock.expect]
error = ["Because", "numpy"]      # for unsatisfiable scenarios: substrings of the message
```
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.support.builder import write_flat_directory
from tests.support.fixtures import IndexServerFactory
from tests.support.index_server import IndexServer
from tests.support.oracle import PLATFORMS, PYTHONS, environment, judge, locked_file_metadata
from tests.support.scenario import DEFAULT_INDEX, Scenario, scenario_from_dict
from universal_lock.cli import main
from universal_lock.lockfile import Lock, read_lock, select_packages
from universal_lock.markers import parse_marker

PLATFORM_NAMES: Mapping[str, tuple[str, str, str, str]] = {
    "linux-x86_64": PLATFORMS[0],
    "linux-aarch64": PLATFORMS[1],
    "darwin-arm64": PLATFORMS[2],
    "darwin-x86_64": PLATFORMS[3],
    "win": PLATFORMS[4],
}

#: resolver_options.python_platform (uv's target triples) -> a platform of the grid.
TARGET_PLATFORMS: Mapping[str, str] = {
    "x86_64-manylinux2014": "linux-x86_64",
    "x86_64-unknown-linux-gnu": "linux-x86_64",
    "aarch64-manylinux2014": "linux-aarch64",
    "aarch64-apple-darwin": "darwin-arm64",
    "x86_64-pc-windows-msvc": "win",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A scenario with our `[ulock]` table split off."""

    path: Path
    scenario: Scenario
    ulock: Mapping[str, Any] = field(default_factory=dict)

    @property
    def expect(self) -> Mapping[str, Any]:
        return self.ulock.get("expect", {})


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What locking did: the exit code, stderr, and the lock when one was written."""

    status: int
    stderr: str
    project: Path
    lock: Lock | None
    server: IndexServer


def load_case(path: Path) -> Case:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    ulock = data.pop("ulock", {})
    return Case(
        path=path,
        scenario=scenario_from_dict(data, source=path, default_name=path.stem),
        ulock=ulock,
    )


def unsupported(case: Case) -> str | None:
    """Why ulock cannot run this scenario as written, or None."""
    options = case.scenario.resolver_options
    if options.no_build or options.no_binary:
        return "ulock has no no-build / no-binary settings (build policy is the installer's)"
    return None


def target_python(case: Case) -> str | None:
    """The Python version the scenario is about (resolver option first, then environment)."""
    return case.scenario.resolver_options.python or case.scenario.environment.python


def requires_python(case: Case) -> str | None:
    scenario = case.scenario
    if scenario.root.requires_python:
        return scenario.root.requires_python
    python = target_python(case)
    if python is None:
        return None
    return f">={python}"


def pyproject_text(case: Case, server: IndexServer) -> str:
    scenario = case.scenario
    lines = ["[project]", 'name = "scenario-root"', 'version = "0.1.0"']
    python = requires_python(case)
    if python:
        lines.append(f"requires-python = {json.dumps(python)}")
    dependencies = ", ".join(json.dumps(text) for text in scenario.root.requires)
    lines.append(f"dependencies = [{dependencies}]")
    tool: list[str] = []
    options = scenario.resolver_options
    if options.prereleases:
        tool.append('prerelease = "allow"')
    if options.required_environments:
        values = ", ".join(json.dumps(text) for text in options.required_environments)
        tool.append(f"required-environments = [{values}]")
    extra: str = case.ulock.get("pyproject", "")
    header = "[tool.ulock]\n"
    if tool and header in extra:
        # One [tool.ulock] table: the generated keys go first in the scenario's own.
        extra = extra.replace(header, header + "\n".join(tool) + "\n", 1)
    elif tool:
        lines += ["", "[tool.ulock]", *tool]
    text = "\n".join(lines) + "\n"
    if extra:
        text += "\n" + extra.strip() + "\n"
    return text + _index_tables(case, server)


def _index_tables(case: Case, server: IndexServer) -> str:
    tables: list[str] = []
    configured = case.ulock.get("indexes", {})
    for name in case.scenario.indexes:
        options = configured.get(name, {})
        form = options.get("format", "simple")
        if form == "files":
            continue
        url = server.index_url(name) if form == "simple" else f"./{name}"
        tables.append(_index_table(name, url, form, explicit=options.get("explicit", True)))
    default_format = case.ulock.get("default_format", "simple")
    url = server.simple_url if default_format == "simple" else f"./{DEFAULT_INDEX}"
    table = _index_table("test", url, default_format, explicit=False)
    tables.append(table.replace("explicit = false", "default = true"))
    return "".join(tables)


def _index_table(name: str, url: str, form: str, *, explicit: bool) -> str:
    return (
        f"\n[[tool.ulock.index]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n"
        f"format = {json.dumps(form if form != 'files' else 'flat')}\n"
        f"explicit = {'true' if explicit else 'false'}\n"
    )


def _write_directories(case: Case, server: IndexServer, project: Path) -> None:
    universe = server.universe
    configured = case.ulock.get("indexes", {})
    for name in case.scenario.indexes:
        if configured.get(name, {}).get("format", "simple") in ("flat", "files"):
            write_flat_directory(universe, project / name, index=name)
    if case.ulock.get("default_format", "simple") == "flat":
        write_flat_directory(universe, project / DEFAULT_INDEX, index=DEFAULT_INDEX)


def run_cli(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def lock_case(
    case: Case,
    index_server: IndexServerFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Outcome:
    """Lock the scenario twice and check; the outcome of the first lock."""
    server = index_server(case.scenario)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(pyproject_text(case, server), encoding="utf-8")
    _write_directories(case, server, project)
    common = ("--directory", str(project), "--cache-dir", str(tmp_path / "cache"))
    capsys.readouterr()
    status = run_cli("lock", *common)
    stderr = capsys.readouterr().err
    lock_file = project / "pylock.toml"
    if status != 0:
        assert not lock_file.exists(), "a failed lock must not write pylock.toml"
        return Outcome(status=status, stderr=stderr, project=project, lock=None, server=server)
    first = lock_file.read_bytes()
    assert run_cli("lock", *common) == 0, capsys.readouterr().err
    assert lock_file.read_bytes() == first, "relocking changed the lock"
    assert run_cli("lock", "--check", *common) == 0, "`--check` disagrees with a fresh lock"
    return Outcome(
        status=status, stderr=stderr, project=project, lock=read_lock(lock_file), server=server
    )


# -- judging ---------------------------------------------------------------------------------


Requirements = list[Requirement]


def project_requirements(
    project: Path,
) -> tuple[dict[str | None, Requirements], dict[str, Requirements], Requirements, Requirements]:
    """Dependencies by extra (None: the base), groups, overrides, constraints (via tomllib)."""
    from packaging.dependency_groups import resolve_dependency_groups

    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["project"]
    requirements: dict[str | None, list[Requirement]] = {
        None: [Requirement(text) for text in table.get("dependencies", [])]
    }
    for extra, texts in table.get("optional-dependencies", {}).items():
        requirements[canonicalize_name(extra)] = [Requirement(text) for text in texts]
    raw_groups = data.get("dependency-groups", {})
    groups = {
        canonicalize_name(name): [
            Requirement(text) for text in resolve_dependency_groups(raw_groups, name)
        ]
        for name in raw_groups
    }
    tool = data.get("tool", {}).get("ulock", {})
    overrides = [Requirement(text) for text in tool.get("override-dependencies", [])]
    constraints = [Requirement(text) for text in tool.get("constraint-dependencies", [])]
    return requirements, groups, overrides, constraints


def judge_outcome(case: Case, outcome: Outcome) -> list[str]:
    """Every problem of the lock in every environment of the grid."""
    assert outcome.lock is not None
    requirements, groups, overrides, constraints = project_requirements(outcome.project)
    extras_choices = case.ulock.get("extras_choices")
    group_choices = case.ulock.get("group_choices")
    return judge(
        outcome.lock,
        project_requirements=requirements,
        group_requirements=groups,
        metadata=locked_file_metadata(outcome.project),
        extras_choices=None if extras_choices is None else [tuple(c) for c in extras_choices],
        group_choices=None if group_choices is None else [tuple(c) for c in group_choices],
        pythons=_grid_pythons(case),
        overrides=overrides,
        constraints=constraints,
    )


def _grid_pythons(case: Case) -> Sequence[str]:
    """The grid's Python versions plus the scenario's own (patch versions matter)."""
    extra = [target_python(case) or ""]
    return tuple(dict.fromkeys([*PYTHONS, *(_full(v) for v in extra if v)]))


def _full(python: str) -> str:
    return python if python.count(".") >= 2 else f"{python}.0"


def selection(
    lock: Lock,
    *,
    platform: str,
    python: str,
    extras: Sequence[str] = (),
    groups: Sequence[str] | None = None,
) -> dict[str, str]:
    """name -> version that PEP 751 selection installs in one environment."""
    env = environment(PLATFORM_NAMES[platform], _full(python))
    chosen = select_packages(lock, env, extras=tuple(extras), groups=groups)
    return {canonicalize_name(p.name): str(p.version) for p in chosen if p.version is not None}


def check_expectations(case: Case, outcome: Outcome) -> None:
    """The `[ulock.expect]` entries and selections of one of our scenarios."""
    assert outcome.lock is not None
    for expected in case.expect.get("entries", []):
        name = canonicalize_name(expected["name"])
        found = {
            str(p.version): p.marker
            for p in outcome.lock.packages
            if canonicalize_name(p.name) == name
        }
        if "locked" in expected:
            # [[version, marker], ...]: one name may have several entries of one version.
            pairs = sorted(
                (str(p.version), str(parse_marker(p.marker or "")))
                for p in outcome.lock.packages
                if canonicalize_name(p.name) == name
            )
            wanted_pairs = sorted((v, str(parse_marker(m))) for v, m in expected["locked"])
            assert pairs == wanted_pairs, f"{name}: locked {pairs}"
            continue
        wanted: Mapping[str, str] = expected["versions"]
        assert set(found) == set(wanted), f"{name}: locked {sorted(found)}"
        for version, marker in wanted.items():
            got = parse_marker(found[version] or "")
            assert got == parse_marker(marker), f"{name} {version}: marker `{found[version]}`"
    for expected in case.expect.get("selections", []):
        got = selection(
            outcome.lock,
            platform=expected["platform"],
            python=expected["python"],
            extras=expected.get("extras", ()),
            groups=expected.get("groups"),
        )
        wanted_packages = {canonicalize_name(k): v for k, v in expected["packages"].items()}
        assert got == wanted_packages, f"{expected}: selected {got}"


def expected_python_selection(case: Case) -> tuple[str, str] | None:
    """(platform, python) where a single-environment scenario's expected packages apply.

    Without a Python in the scenario, 3.12 (the interpreter packse's expectations assume).
    """
    python = target_python(case) or "3.12"
    spec = case.scenario.root.requires_python
    if spec and not SpecifierSet(spec).contains(_full(python), prereleases=True):
        return None
    target = case.scenario.resolver_options.python_platform
    return TARGET_PLATFORMS.get(target or "", "linux-x86_64"), python
