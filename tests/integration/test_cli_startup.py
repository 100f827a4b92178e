"""Start-up: `ulock lock --check` loads only what a fingerprint comparison needs.

`--check` runs in pre-commit hooks and CI on every change, so its cost is its imports. It must
not load the resolver, the solver, the index client, aiohttp, rich, pydantic or typer: `main`
answers it before typer starts (`cli._fast`, held to typer's answers in test_cli_fast.py).
Other commands go through typer, which would build its option parsers with pydantic;
`cli._coercion` gives ulock's plain options typer's coercion without it (test_cli_coercion.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "torch-multiplatform"

_PROBE = """
import sys
sys.argv = ["ulock", "lock", "--check", "--directory", sys.argv[1]]
from universal_lock.cli import main
code = 0
try:
    main()
except SystemExit as done:
    code = done.code
heavy = ("rich", "aiohttp", "pydantic", "typer", "universal_lock.resolver", "universal_lock.solver",
         "universal_lock.index.client", "universal_lock.operations.lock")
print(code, sorted(name for name in heavy if name in sys.modules), file=sys.stdout)
"""


@pytest.mark.parametrize("current", [True, False])
def test_check_imports_nothing_heavy(tmp_path: Path, current: bool) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    if not current:
        (project / "pylock.toml").unlink()
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(project)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split(" ", 1) == ["0" if current else "1", "[]\n"]
    expected = "up to date" if current else "missing or out of date"
    assert expected in done.stderr


def test_the_collector_thresholds_are_raised_for_a_command_and_restored_after() -> None:
    import gc

    from universal_lock.cli import _GC_THRESHOLDS, app, main

    seen: list[tuple[int, int, int]] = []

    @app.command("probe-gc", hidden=True)
    def _probe() -> None:
        seen.append(gc.get_threshold())

    before = gc.get_threshold()
    try:
        main(["probe-gc"])
    finally:
        app.registered_commands.pop()
    assert seen == [_GC_THRESHOLDS] != [before]
    assert gc.get_threshold() == before


_LOCK_PROBE = """
import sys
sys.argv = ["ulock", "lock", "--directory", sys.argv[1], "--cache-dir", sys.argv[2]]
from universal_lock.cli import main
main()
unneeded = ("pydantic", "typer", "universal_lock.project.schema",
            "universal_lock.index.sdist_build", "universal_lock.building.frontend",
            "universal_lock.building.archive", "universal_lock.solver.memory")
print(sorted(name for name in unneeded if name in sys.modules))
"""


def test_lock_of_wheels_only_imports_no_typer_validation_or_build_frontend(tmp_path: Path) -> None:
    # The example's indexes are local directories of wheels: nothing to build, a valid
    # `[tool.ulock]`, so neither pydantic nor the PEP 517 frontend has any work to do.
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    done = subprocess.run(
        [sys.executable, "-c", _LOCK_PROBE, str(project), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "[]\n"
    assert "(7 packages)" in done.stderr
