"""pip and uv install a lock ulock wrote, and choose the same entries as ``select_packages``.

The lock has local ``path`` wheels built here with zipfile (real, installable wheels), entries
split by platform marker, a default dependency group and an extra. The installers run in
``--dry-run`` mode against nothing but those files. The tools live in a virtual environment
under a cache directory (``$ULOCK_TEST_TOOLS``, else ``~/.cache/ulock-tests``), created on first
use from the package registry; without a registry, or without pip >= 26.1 or uv, the tests skip.
A failed setup is not retried: delete that directory to try again.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.version import Version

from universal_lock.lockfile import (
    Lock,
    LockedFile,
    LockedPackage,
    render,
    select_packages,
    write_atomic,
)

_TIMEOUT = 300


@dataclass(frozen=True)
class _Tools:
    python: Path
    uv: Path | None
    pip_ok: bool
    environment: dict[str, str]


def _tools_dir() -> Path:
    base = os.environ.get("ULOCK_TEST_TOOLS")
    root = Path(base) if base else Path.home() / ".cache" / "ulock-tests"
    return root / f"tools-py{sys.version_info[0]}{sys.version_info[1]}"


def _run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        env=env,
        check=False,
    )


def _create(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    if _run(sys.executable, "-m", "venv", directory).returncode:
        return
    python = directory / "bin" / "python"
    # Each tool on its own, so a missing uv still leaves pip usable (and vice versa).
    _run(python, "-m", "pip", "install", "--quiet", "pip>=26.1")
    _run(python, "-m", "pip", "install", "--quiet", "uv")
    (directory / "ready").write_text("ok\n")


def _current_tools() -> _Tools | None:
    """pip and uv from the test environment itself (the `test` extra installs both)."""
    version = _run(sys.executable, "-m", "pip", "--version")
    if version.returncode or Version(version.stdout.split()[1]) < Version("26.1"):
        return None
    scripts = Path(sys.executable).parent
    uv = scripts / "uv" if (scripts / "uv").exists() else None
    if uv is None:
        found = shutil.which("uv")
        uv = Path(found) if found else None
    from packaging.markers import default_environment

    return _Tools(
        python=Path(sys.executable), uv=uv, pip_ok=True, environment=dict(default_environment())
    )


@pytest.fixture(scope="session")
def tools() -> _Tools:
    """pip >= 26.1 and uv: from the test environment, else from a tools venv made once."""
    current = _current_tools()
    if current is not None and current.uv is not None:
        return current
    if sys.platform == "win32":  # pragma: no cover - the layout below is POSIX
        pytest.skip("the tools venv layout here is POSIX-only")
    directory = _tools_dir()
    directory.parent.mkdir(parents=True, exist_ok=True)
    with (directory.parent / f"{directory.name}.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # another test run may be creating it right now
        if not (directory / "ready").exists():
            _create(directory)
    python = directory / "bin" / "python"
    if not python.exists():
        pytest.skip("could not create a virtual environment for the installers")
    version = _run(python, "-c", "import pip; print(pip.__version__)")
    pip_ok = version.returncode == 0 and Version(version.stdout.strip()) >= Version("26.1")
    uv = directory / "bin" / "uv"
    probe = _run(
        python,
        "-c",
        "import json, packaging.markers as m; print(json.dumps(m.default_environment()))",
    )
    if probe.returncode:
        # The tools venv has no packaging; its interpreter is this one's base, so ours applies.
        from packaging.markers import default_environment

        environment = dict(default_environment())
    else:
        environment = json.loads(probe.stdout)
    return _Tools(
        python=python, uv=uv if uv.exists() else None, pip_ok=pip_ok, environment=environment
    )


def _wheel(directory: Path, name: str, version: str) -> LockedFile:
    filename = f"{name}-{version}-py3-none-any.whl"
    dist_info = f"{name}-{version}.dist-info"
    members = {
        f"{name}.py": b"VALUE = 1\n",
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: ulock-tests\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
        f"{len(data)}\n"
        for path, data in members.items()
    )
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    target = directory / "wheels" / filename
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    content = target.read_bytes()
    return LockedFile(
        name=filename,
        path=f"wheels/{filename}",
        size=len(content),
        hashes={"sha256": hashlib.sha256(content).hexdigest()},
    )


def _entry(directory: Path, name: str, version: str, marker: str) -> LockedPackage:
    return LockedPackage(
        name=name,
        version=Version(version),
        marker=marker,
        wheels=(_wheel(directory, name, version),),
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, Lock]]:
    here = f"sys_platform == '{sys.platform}'"
    elsewhere = f"sys_platform != '{sys.platform}'"
    lock = Lock(
        extras=("fast",),
        dependency_groups=("dev", "docs"),
        default_groups=("dev",),
        packages=(
            _entry(tmp_path, "tinypkg", "1.0", here),
            _entry(tmp_path, "tinypkg", "2.0", elsewhere),
            _entry(tmp_path, "devtool", "0.1", "'dev' in dependency_groups"),
            _entry(tmp_path, "doctool", "0.2", "'docs' in dependency_groups"),
            _entry(tmp_path, "fastlib", "3.0", "'fast' in extras and python_full_version >= '3.8'"),
        ),
    )
    write_atomic(tmp_path / "pylock.toml", render(lock))
    yield tmp_path, lock


def _expected(
    lock: Lock, tools: _Tools, extras: tuple[str, ...], groups: tuple[str, ...] | None
) -> list[str]:
    chosen = select_packages(lock, tools.environment, extras=extras, groups=groups)
    return sorted(f"{p.name}=={p.version}" for p in chosen)


# (extras, groups): no flags (default groups), an extra, a group instead of the default one.
SELECTIONS = [((), None), (("fast",), None), ((), ("docs",))]


@pytest.mark.parametrize(("extras", "groups"), SELECTIONS)
def test_pip_installs_what_ulock_selects(project, tools: _Tools, extras, groups) -> None:
    if not tools.pip_ok:
        pytest.skip("pip >= 26.1 is not available")
    directory, lock = project
    if groups:
        # pip reads a named group straight from the lock: `--group pylock.toml:NAME`.
        source = [arg for group in groups for arg in ("--group", f"pylock.toml:{group}")]
    else:
        source = ["-r", "pylock.toml" + (f"[{','.join(extras)}]" if extras else "")]
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    result = subprocess.run(
        [str(tools.python), "-m", "pip", "install", "--dry-run", "--quiet", "--no-index",
         "--disable-pip-version-check", "--report", "-", *source],
        cwd=directory, capture_output=True, text=True, timeout=_TIMEOUT, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    installed = sorted(
        f"{item['metadata']['name']}=={item['metadata']['version']}" for item in report["install"]
    )
    assert installed == _expected(lock, tools, extras, groups)
    assert "tinypkg==1.0" in installed
    assert ("devtool==0.1" in installed) == (groups is None)


@pytest.mark.parametrize(("extras", "groups"), SELECTIONS)
def test_uv_installs_what_ulock_selects(
    project, tools: _Tools, extras, groups, tmp_path_factory
) -> None:
    if tools.uv is None:
        pytest.skip("uv is not available")
    directory, lock = project
    flags = [arg for extra in extras for arg in ("--extra", extra)]
    flags += [arg for group in groups or () for arg in ("--group", group)]
    env = {**os.environ, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path_factory.mktemp("uv"))}
    result = subprocess.run(
        [str(tools.uv), "pip", "install", "--dry-run", "--offline", "--python", str(tools.python),
         "-r", "pylock.toml", *flags],
        cwd=directory, capture_output=True, text=True, timeout=_TIMEOUT, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    installed = sorted(re.findall(r"^ \+ (\S+==\S+)$", result.stderr, flags=re.MULTILINE))
    assert installed == _expected(lock, tools, extras, groups)
    assert ("fastlib==3.0" in installed) == bool(extras)
    assert ("doctool==0.2" in installed) == bool(groups)
