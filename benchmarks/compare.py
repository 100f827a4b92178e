"""Compare ``ulock lock`` with ``uv lock``, ``pdm lock`` and ``poetry lock`` on the same projects.

    python benchmarks/compare.py [--live] [--projects a,b] [--tools ulock,uv] [--runs N]
                                 [--modes cold,warm] [--timer auto|hyperfine|time] [--json F]

(or ``nox -s bench -- compare ...``). Projects are the TOML files in ``benchmarks/projects/``;
the ones on the public index run only with ``--live`` (never in CI). The others are served from
127.0.0.1 by the test index server in a helper process (``universes.py``) or are local
directories (the torch example).

For each project and cache mode, every tool runs ``--runs`` times, alternating between tools
(A B C D, then B C D A, ...) so that a burst of load on the shared machine spreads over all of
them. ``cold``: a fresh cache directory and no lock before each run. ``warm``: one untimed run
fills the cache, then each timed run starts with the lock removed and the cache kept. Then
``ulock lock --check`` is timed on the up-to-date lock. A tool that fails or times out is
reported as such and not run again in that mode.

The table gives medians of wall time and of CPU time (user + system, including child
processes), the wall min-max, the largest peak RSS over the runs, and each tool's median
over ulock's (``uv 0.5x`` means uv took half ulock's time).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from timing import Sample, available_timer, measure  # noqa: E402
from tools import TOOLS, Tool, compile_bytecode, ensure_tools, environment  # noqa: E402

EXAMPLES = HERE.parent / "examples"


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    name: str
    description: str
    index: str
    """``public``, ``local:UNIVERSE`` (universes.py) or ``example:DIRECTORY``."""
    requires_python: str
    dependencies: tuple[str, ...]
    tools: tuple[str, ...]


@dataclass(slots=True, kw_only=True)
class Row:
    project: str
    mode: str
    tool: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def good(self) -> list[Sample]:
        return [sample for sample in self.samples if sample.ok]

    @property
    def failure(self) -> str | None:
        failed = [sample for sample in self.samples if not sample.ok]
        return failed[0].detail if failed else None


def load_projects() -> dict[str, Project]:
    projects = {}
    for path in sorted((HERE / "projects").glob("*.toml")):
        data = tomllib.loads(path.read_text())
        projects[path.stem] = Project(
            name=path.stem,
            description=data["description"],
            index=data["index"],
            requires_python=data.get("requires-python", ">=3.10"),
            dependencies=tuple(data.get("dependencies", ())),
            tools=tuple(data.get("tools", TOOLS)),
        )
    return projects


class _LocalIndex:
    """A universe served by ``universes.py`` in a helper process, for the length of a project."""

    def __init__(self, universe: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(HERE / "universes.py"), universe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url:
            raise SystemExit(f"the local index for {universe} did not start")

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)


def _root_requirements(project: Project) -> tuple[str, ...]:
    if project.dependencies or not project.index.startswith("local:"):
        return project.dependencies
    from universes import UNIVERSES

    root, _ = UNIVERSES[project.index.removeprefix("local:")]()
    return tuple(root)


def _pyproject(project: Project, tool: Tool, url: str | None) -> str:
    dependencies = "".join(f"  {json.dumps(text)},\n" for text in _root_requirements(project))
    text = (
        f'[project]\nname = "bench-{project.name}"\nversion = "0.1.0"\n'
        f'requires-python = "{project.requires_python}"\ndependencies = [\n{dependencies}]\n'
    )
    return text + ("\n" + tool.source_table(url) if url else "")


def _torch_as_uv(directory: Path) -> None:
    """Rewrite the example's ``[tool.ulock]`` tables as uv's (ulock reads them the same)."""
    text = (directory / "pyproject.toml").read_text()
    text = text.replace("[[tool.ulock.index]]", "[[tool.uv.index]]")
    text = text.replace("[tool.ulock.sources]", "[tool.uv.sources]")
    for index in ("cu128", "cpu", "default"):
        text = text.replace(f'"./indexes/{index}"', f'"{directory / "indexes" / index}"')
    (directory / "pyproject.toml").write_text(text)


def _prepare_directory(project: Project, tool: Tool, root: Path, url: str | None) -> Path:
    directory = root / f"{project.name}-{tool.name}"
    if project.index.startswith("example:"):
        source = EXAMPLES / project.index.removeprefix("example:")
        shutil.copytree(source, directory, ignore=shutil.ignore_patterns("pylock.toml"))
        _torch_as_uv(directory)
    else:
        if url is None and tool.simple_api_only:
            from universal_lock.index import DEFAULT_INDEX_URL

            url = DEFAULT_INDEX_URL
        directory.mkdir()
        (directory / "pyproject.toml").write_text(_pyproject(project, tool, url))
    return directory


def _run_once(
    tool: Tool, directory: Path, cache: Path, *, arguments: argparse.Namespace, cold: bool
) -> Sample:
    (directory / tool.lock_file).unlink(missing_ok=True)
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    log = directory.parent / f"{directory.name}.log"
    log.write_text("")
    return measure(
        tool.command(directory, cache),
        timer=arguments.timer,
        cwd=directory,
        env=environment(tool, cache),
        timeout=arguments.timeout,
        log=log,
    )


def bench_project(
    project: Project, tools: list[Tool], arguments: argparse.Namespace, root: Path
) -> list[Row]:
    server = None
    url = None
    if project.index.startswith("local:"):
        server = _LocalIndex(project.index.removeprefix("local:"))
        url = server.url
    try:
        directories = {tool.name: _prepare_directory(project, tool, root, url) for tool in tools}
        caches = {tool.name: root / f"cache-{project.name}-{tool.name}" for tool in tools}
        rows: list[Row] = []
        for mode in arguments.modes:
            mode_rows = {
                tool.name: Row(project=project.name, mode=mode, tool=tool.name) for tool in tools
            }
            rows.extend(mode_rows.values())
            active = list(tools)
            if mode == "warm":
                for tool in list(active):
                    shutil.rmtree(caches[tool.name], ignore_errors=True)
                    first = _run_once(
                        tool, directories[tool.name], caches[tool.name],
                        arguments=arguments, cold=False,
                    )  # fmt: skip
                    if not first.ok:
                        mode_rows[tool.name].samples.append(first)
                        active.remove(tool)
            for round_number in range(arguments.runs):
                shift = round_number % max(1, len(active))
                for tool in active[shift:] + active[:shift]:
                    sample = _run_once(
                        tool, directories[tool.name], caches[tool.name],
                        arguments=arguments, cold=mode == "cold",
                    )  # fmt: skip
                    mode_rows[tool.name].samples.append(sample)
                    _progress(project.name, mode, tool.name, sample)
                active = [tool for tool in active if mode_rows[tool.name].samples[-1].ok]
        if "ulock" in directories and any(r.tool == "ulock" and r.good for r in rows):
            rows.append(_check(project, directories["ulock"], caches["ulock"], arguments))
        return rows
    finally:
        if server is not None:
            server.close()


def _check(project: Project, directory: Path, cache: Path, arguments: argparse.Namespace) -> Row:
    """Time ``ulock lock --check`` on the lock the last run left behind."""
    tool = TOOLS["ulock"]
    row = Row(project=project.name, mode="check", tool="ulock lock --check")
    for _ in range(arguments.runs):
        row.samples.append(
            measure(
                [*tool.command(directory, cache), "--check"],
                timer=arguments.timer,
                cwd=directory,
                env=environment(tool, cache),
                timeout=arguments.timeout,
                log=directory.parent / "check.log",
            )
        )
    return row


def _progress(project: str, mode: str, tool: str, sample: Sample) -> None:
    state = "ok" if sample.ok else f"FAILED: {sample.detail[:200]}"
    print(
        f"  {project:14s} {mode:5s} {tool:7s} {sample.wall:7.2f} s wall {sample.cpu:7.2f} s CPU"
        f" {sample.peak_mib:6.0f} MiB  {state}",
        file=sys.stderr,
        flush=True,
    )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| project | cache | tool | wall median (s) | wall min-max (s) | CPU median (s)"
        " | peak RSS (MiB) | wall ÷ ulock | CPU ÷ ulock |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    reference = {(row.project, row.mode): row for row in rows if row.tool == "ulock" and row.good}
    for row in rows:
        good = row.good
        if not good:
            lines.append(
                f"| {row.project} | {row.mode} | {row.tool} | failed | | | | | |"
                f" <!-- {row.failure} -->"
            )
            continue
        walls, cpus = [s.wall for s in good], [s.cpu for s in good]
        base = reference.get((row.project, row.mode))
        ratio_wall = ratio_cpu = ""
        if base is not None and row.mode != "check":
            ratio_wall = f"{_median(walls) / _median([s.wall for s in base.good]):.2f}x"
            ratio_cpu = f"{_median(cpus) / max(_median([s.cpu for s in base.good]), 1e-9):.2f}x"
        partial = "" if len(good) == len(row.samples) else f" ({len(good)}/{len(row.samples)} ok)"
        lines.append(
            f"| {row.project} | {row.mode} | {row.tool}{partial} | {_median(walls):.2f}"
            f" | {min(walls):.2f}-{max(walls):.2f} | {_median(cpus):.2f}"
            f" | {max(s.peak_mib for s in good):.0f} | {ratio_wall} | {ratio_cpu} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    projects = load_projects()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="also the public-index projects")
    parser.add_argument("--projects", help=f"comma-separated, from: {', '.join(projects)}")
    parser.add_argument("--tools", default="ulock,uv,pdm,poetry")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--modes", default="cold,warm")
    parser.add_argument("--timer", default="auto", choices=["auto", "hyperfine", "time"])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write every sample here")
    arguments = parser.parse_args(argv)
    arguments.modes = arguments.modes.split(",")
    arguments.timer = available_timer(arguments.timer)
    if arguments.projects:
        chosen = [projects[name] for name in arguments.projects.split(",")]
    else:
        chosen = [p for p in projects.values() if arguments.live or p.index != "public"]
    if not arguments.live and any(p.index == "public" for p in chosen):
        parser.error("projects on the public index need --live")
    tool_names = arguments.tools.split(",")
    versions = ensure_tools(tool_names)
    compile_bytecode()
    print(f"timer: {arguments.timer}; {arguments.runs} runs per tool and mode", file=sys.stderr)
    print(f"machine: {platform.platform()}, Python {platform.python_version()}", file=sys.stderr)
    for text in versions.values():
        print(f"  {text}", file=sys.stderr)
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ulock-compare-") as scratch:
        for project in chosen:
            tools = [TOOLS[name] for name in tool_names if name in project.tools]
            print(f"== {project.name}: {project.description}", file=sys.stderr, flush=True)
            rows.extend(bench_project(project, tools, arguments, Path(scratch)))
    print(
        f"\ntimer: {arguments.timer}; {arguments.runs} runs; {time.perf_counter() - started:.0f} s"
    )
    print(", ".join(versions.values()))
    print()
    print(table(rows))
    if arguments.json:
        payload = {
            "timer": arguments.timer,
            "versions": versions,
            "machine": platform.platform(),
            "rows": [
                {"project": r.project, "mode": r.mode, "tool": r.tool,
                 "samples": [asdict(s) for s in r.samples]}
                for r in rows
            ],
        }  # fmt: skip
        arguments.json.write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
