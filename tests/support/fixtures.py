"""pytest plugin: the `index_server` factory fixture, the session build cache, scenario lookup.

Registered from `tests/conftest.py` (`pytest_plugins`). Typical use::

    def test_something(index_server):
        server = index_server(scenario_path("fork/basic"), json=False)
        ...  # server.simple_url, server.requests, server.inject(...)

Servers are stopped when the test ends. Shared scenarios live in `shared/scenarios/packse/`
beside the repository (`<clone>/../shared`, or `$ULOCK_SHARED_DIR`); tests that need them are
skipped when that directory is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.support.builder import BuiltUniverse, DistributionBuilder
from tests.support.index_server import IndexServer, ServerOptions
from tests.support.scenario import Scenario

_REPOSITORY = Path(__file__).resolve().parents[2]


class IndexServerFactory(Protocol):
    def __call__(
        self, universe: Scenario | Mapping[str, Any] | BuiltUniverse | Path | str, **options: Any
    ) -> IndexServer: ...


def shared_dir() -> Path:
    """The shared/ directory beside the repository; skips the calling test when it is missing."""
    configured = os.environ.get("ULOCK_SHARED_DIR")
    directory = Path(configured) if configured else (_REPOSITORY / ".." / "shared").resolve()
    if not (directory / "scenarios").is_dir():
        pytest.skip(f"shared scenarios not found at {directory}")
    return directory


def scenarios_dir() -> Path:
    return shared_dir() / "scenarios" / "packse"


def scenario_path(name: str) -> Path:
    """A packse scenario file by relative path (`fork/basic`, with or without `.toml`) or name.

    A bare name (`basic`, `backtrack-to-missing-package`) must match exactly one file.
    """
    root = scenarios_dir()
    relative = name if name.endswith(".toml") else f"{name}.toml"
    if (root / relative).is_file():
        return root / relative
    matches = sorted(root.rglob(Path(relative).name))
    if len(matches) != 1:
        found = ", ".join(str(match.relative_to(root)) for match in matches) or "none"
        raise LookupError(f"scenario {name!r} matches {len(matches)} files under {root}: {found}")
    return matches[0]


def all_scenario_paths() -> list[Path]:
    """Every scenario file under shared/scenarios/, sorted (for parametrizing)."""
    return sorted((shared_dir() / "scenarios").rglob("*.toml"))


@pytest.fixture(scope="session")
def index_build_cache(tmp_path_factory: pytest.TempPathFactory) -> DistributionBuilder:
    """One builder per session: each distinct distribution is built once per test run."""
    return DistributionBuilder(tmp_path_factory.mktemp("index-dists"))


@pytest.fixture
def index_server(index_build_cache: DistributionBuilder) -> Iterator[IndexServerFactory]:
    """Start an `IndexServer` for a universe: `index_server(universe, **ServerOptions fields)`.

    `universe` is a `Scenario`, a dict in the scenario shape, a `BuiltUniverse`, a path to a
    scenario file, or a scenario name for `scenario_path`.
    """
    servers: list[IndexServer] = []

    def start(
        universe: Scenario | Mapping[str, Any] | BuiltUniverse | Path | str, **options: Any
    ) -> IndexServer:
        if isinstance(universe, str) and not Path(universe).is_file():
            universe = scenario_path(universe)
        server = IndexServer(universe, options=ServerOptions(**options), builder=index_build_cache)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
