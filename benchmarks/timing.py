"""One timed run of a command, through a standard timing tool: hyperfine or GNU time.

- ``hyperfine``: ``hyperfine -N -i --runs 1 --export-json F -- CMD`` (no shell in between);
  wall time, user and system CPU come from its JSON.
- ``time``: ``/usr/bin/time -f '%e %U %S %M' -o F CMD``, the fields ``time -v`` prints as
  elapsed, user, system and maximum resident set size.

The runner alternates tools between single runs (A B A B ...), so each call times exactly one
run. Peak memory: GNU time reports the child's maximum RSS; under hyperfine it is read from the
resource usage of the hyperfine process tree (``os.wait4``), which is the largest RSS of any
process in it, hyperfine's own few MiB included. Either way it is the largest single process,
not a sum over a tool's worker processes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

TIMERS = ("hyperfine", "time")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    wall: float
    """Elapsed seconds."""
    cpu: float
    """User + system CPU seconds of the command and its children."""
    peak_mib: float
    ok: bool
    detail: str = ""
    """The last lines of output when the command failed or timed out."""


def available_timer(wanted: str) -> str:
    """The timer to use: ``wanted`` if given, else hyperfine when installed, else GNU time."""
    if wanted != "auto":
        if wanted == "hyperfine" and shutil.which("hyperfine") is None:
            raise SystemExit("hyperfine is not installed (apt-get install -y hyperfine)")
        if wanted == "time" and not Path("/usr/bin/time").exists():
            raise SystemExit("/usr/bin/time is not installed (apt-get install -y time)")
        return wanted
    if shutil.which("hyperfine"):
        return "hyperfine"
    if Path("/usr/bin/time").exists():
        return "time"
    raise SystemExit("need hyperfine or GNU time (/usr/bin/time)")


def measure(
    command: list[str], *, timer: str, cwd: Path, env: dict[str, str], timeout: float, log: Path
) -> Sample:
    """Time one run of ``command``; its output goes to ``log``."""
    with tempfile.TemporaryDirectory(prefix="ulock-bench-t-") as scratch:
        report = Path(scratch) / "report"
        if timer == "hyperfine":
            wrapped = [
                "hyperfine", "-N", "-i", "--runs", "1", "--style", "none",
                "--output", "inherit", "--export-json", str(report), "--", shlex.join(command),
            ]  # fmt: skip
        else:
            wrapped = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(report), *command]
        with log.open("ab") as output:
            process = subprocess.Popen(
                wrapped, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
            )
            timed_out = threading.Event()

            def _kill() -> None:
                timed_out.set()
                os.killpg(process.pid, signal.SIGKILL)

            alarm = threading.Timer(timeout, _kill)
            alarm.start()
            try:
                _, status, usage = os.wait4(process.pid, 0)
            finally:
                alarm.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
        if timed_out.is_set():
            return Sample(wall=timeout, cpu=0.0, peak_mib=0.0, ok=False, detail="timed out")
        if timer == "hyperfine":
            result = json.loads(report.read_text())["results"][0]
            wall, cpu = float(result["mean"]), float(result["user"]) + float(result["system"])
            exit_code = int(result["exit_codes"][0])
            peak_mib = usage.ru_maxrss / 1024
        else:
            fields = report.read_text().split()[-4:]
            wall, cpu = float(fields[0]), float(fields[1]) + float(fields[2])
            peak_mib = int(fields[3]) / 1024
            exit_code = process.returncode
    if exit_code != 0:
        lines = log.read_text(errors="replace").strip().splitlines()
        lines = [line for line in lines if "Ignoring non-zero exit code" not in line]
        # Progress spinners end many tools' output; the error line is the useful one.
        errors = [line for line in lines if "error" in line.lower()]
        tail = (errors or lines)[-3:]
        return Sample(wall=wall, cpu=cpu, peak_mib=peak_mib, ok=False, detail=" | ".join(tail))
    return Sample(wall=wall, cpu=cpu, peak_mib=peak_mib, ok=True)
