"""`ulock sync` end to end: locks made by `ulock lock` from flat local indexes of real built
wheels, synced into real virtual environments (made with `--without-pip`)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.integration.test_pylock_installers import tools  # noqa: F401 - the shared fixture
from tests.support.builder import write_flat_directory
from tests.support.cli import run_ulock as run
from tests.support.inline_backend import PREAMBLE, WHEEL_WRITER

FLAT_DEFAULT = """
[[tool.ulock.index]]
name = "local"
url = "./whl"
format = "flat"
default = true
"""

UNIVERSE = {
    "packages": {
        "alpha": {"versions": {"1.0.0": {"requires": ["beta"]}, "2.0.0": {"requires": ["beta"]}}},
        "beta": {"versions": {"1.0.0": {}}},
        "gamma": {"versions": {"0.3.0": {}}},
        "linuxonly": {"versions": {"1.0.0": {}}},
        "devtool": {"versions": {"0.1.0": {}}},
        "fastlib": {"versions": {"3.0.0": {}}},
    }
}


def write_project(directory: Path, dependencies: str, extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(
        f"""
[project]
name = "demo"
version = "0.1"
requires-python = ">=3.8"
dependencies = [{dependencies}]

[project.optional-dependencies]
fast = ["fastlib"]

[dependency-groups]
dev = ["devtool"]
{extra}
"""
        + FLAT_DEFAULT
    )
    write_flat_directory(UNIVERSE, directory / "whl")
    return directory


def versions_in(venv: Path, *modules: str) -> dict[str, str | None]:
    code = (
        "import importlib, json, sys\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        out[name] = importlib.import_module(name).__version__\n"
        "    except ImportError:\n"
        "        out[name] = None\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code, *modules],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", '"alpha", "gamma"')


def test_sync_installs_the_selection_into_a_new_venv(project: Path, tmp_path: Path, capsys) -> None:
    cache = str(tmp_path / "cache")
    assert run("sync", "--directory", str(project), "--cache-dir", cache) == 0
    venv = project / ".venv"
    assert versions_in(venv, "alpha", "beta", "gamma", "devtool", "fastlib") == {
        "alpha": "2.0.0", "beta": "1.0.0", "gamma": "0.3.0", "devtool": "0.1.0", "fastlib": None,
    }  # fmt: skip
    capsys.readouterr()
    assert run("sync", "--directory", str(project), "--cache-dir", cache, "--dry-run") == 0
    assert capsys.readouterr().out == ""


def sync(project: Path, cache: Path, *flags: str) -> int:
    return run("sync", "--directory", str(project), "--cache-dir", str(cache), *flags)


def lock(project: Path, cache: Path) -> None:
    assert run("lock", "--directory", str(project), "--cache-dir", str(cache)) == 0


def set_dependencies(project: Path, old: str, new: str) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(old, new))


def test_dry_run_prints_the_plan_and_creates_nothing(project: Path, tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, cache, "--dry-run", "--extra", "fast") == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "+ alpha==2.0.0", "+ beta==1.0.0", "+ devtool==0.1.0", "+ fastlib==3.0.0", "+ gamma==0.3.0",
    ]  # fmt: skip
    assert "dry run" in captured.err
    assert not (project / ".venv").exists()

    assert sync(project, cache) == 0
    set_dependencies(project, '"alpha", "gamma"', '"alpha==1.0.0"')
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, cache, "--dry-run", "--extra", "fast") == 0
    assert capsys.readouterr().out.splitlines() == [
        "~ alpha==2.0.0 -> 1.0.0", "+ fastlib==3.0.0", "- gamma==0.3.0",
    ]  # fmt: skip
    assert versions_in(project / ".venv", "alpha", "gamma") == {"alpha": "2.0.0", "gamma": "0.3.0"}


def test_exact_sync_removes_extraneous_packages_and_a_second_sync_does_nothing(
    project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    assert sync(project, cache, "--all-extras") == 0
    venv = project / ".venv"
    assert versions_in(venv, "fastlib", "devtool")["fastlib"] == "3.0.0"
    # Tooling the venv may have been created with stays when the lock does not list it.
    site = next((venv / "lib").glob("python3.*/site-packages"))
    fake_pip = site / "pip-99.0.dist-info"
    fake_pip.mkdir()
    (fake_pip / "METADATA").write_text("Metadata-Version: 2.1\nName: pip\nVersion: 99.0\n")
    (fake_pip / "RECORD").write_text("pip-99.0.dist-info/METADATA,,\n")

    set_dependencies(project, '"alpha", "gamma"', '"alpha"')
    assert sync(project, cache, "--no-default-groups") == 0
    assert versions_in(venv, "alpha", "beta", "gamma", "fastlib", "devtool") == {
        "alpha": "2.0.0", "beta": "1.0.0", "gamma": None, "fastlib": None, "devtool": None,
    }  # fmt: skip
    assert fake_pip.is_dir()
    assert not list(site.glob("gamma*")) and not list(site.glob("fastlib*"))
    capsys.readouterr()
    assert sync(project, cache, "--no-default-groups") == 0
    assert "already matches the lock" in capsys.readouterr().err


def test_a_tampered_wheel_at_its_path_is_refused_and_nothing_changes(
    project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    assert sync(project, cache) == 0
    set_dependencies(project, '"alpha", "gamma"', '"alpha==1.0.0"')
    lock(project, cache)
    wheel = project / "whl" / "alpha-1.0.0-py3-none-any.whl"
    original = wheel.read_bytes()
    wheel.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    capsys.readouterr()
    assert sync(project, cache, "--locked") == 1
    err = capsys.readouterr().err
    expected = hashlib.sha256(original).hexdigest()
    assert f"expected sha256 {expected}" in err
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() in err
    assert versions_in(project / ".venv", "alpha", "gamma") == {"alpha": "2.0.0", "gamma": "0.3.0"}
    assert not list((project / ".venv").glob(".ulock-backup-*"))


def test_a_tampered_wheel_in_the_cache_is_refused_then_downloaded_again(
    index_server, tmp_path: Path, capsys
) -> None:
    server = index_server(UNIVERSE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f"""
[project]
name = "demo"
version = "0.1"
dependencies = ["gamma"]

[[tool.ulock.index]]
name = "local"
url = "{server.simple_url}"
default = true
"""
    )
    cache = tmp_path / "cache"
    assert sync(project, cache, "--venv", str(tmp_path / "first")) == 0
    cached = next((cache / "files-v1").rglob("gamma-0.3.0-py3-none-any.whl"))
    cached.write_bytes(cached.read_bytes() + b"tampered")
    capsys.readouterr()
    assert sync(project, cache, "--venv", str(tmp_path / "second")) == 1
    assert "expected size" in capsys.readouterr().err
    assert versions_in(tmp_path / "second", "gamma") == {"gamma": None}
    assert not cached.exists()  # forgotten, so the next run fetches it again
    assert sync(project, cache, "--venv", str(tmp_path / "second")) == 0
    assert versions_in(tmp_path / "second", "gamma") == {"gamma": "0.3.0"}


def test_python_platform_plans_for_another_machine(tmp_path: Path, capsys) -> None:
    project = write_project(
        tmp_path / "project",
        '"gamma", "linuxonly; sys_platform == \'linux\'", "fastlib; sys_platform == \'win32\'"',
    )
    cache = tmp_path / "cache"
    lock(project, cache)
    plans = {}
    for target in ("x86_64-pc-windows-msvc", "aarch64-unknown-linux-gnu", "aarch64-apple-darwin"):
        capsys.readouterr()
        assert sync(project, cache, "--dry-run", "--python-platform", target) == 0
        plans[target] = capsys.readouterr().out.splitlines()
    assert plans["x86_64-pc-windows-msvc"] == [
        "+ devtool==0.1.0",
        "+ fastlib==3.0.0",
        "+ gamma==0.3.0",
    ]
    assert plans["aarch64-unknown-linux-gnu"] == [
        "+ devtool==0.1.0",
        "+ gamma==0.3.0",
        "+ linuxonly==1.0.0",
    ]
    assert plans["aarch64-apple-darwin"] == ["+ devtool==0.1.0", "+ gamma==0.3.0"]
    assert not (project / ".venv").exists()
    assert sync(project, cache, "--python-platform", "x86_64-apple-darwin") == 2
    assert sync(project, cache, "--dry-run", "--python-platform", "sparc-sun-solaris") == 2


def test_locked_fails_on_a_stale_lock_and_plain_sync_relocks(
    project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    lock(project, cache)
    set_dependencies(project, '"alpha", "gamma"', '"gamma"')
    capsys.readouterr()
    assert sync(project, cache, "--locked") == 1
    assert "out of date" in capsys.readouterr().err
    assert not (project / ".venv").exists()
    assert sync(project, cache, "--frozen", "--dry-run") == 0
    assert "+ alpha==2.0.0" in capsys.readouterr().out
    assert sync(project, cache) == 0
    assert "wrote" in capsys.readouterr().err
    assert versions_in(project / ".venv", "alpha", "gamma") == {"alpha": None, "gamma": "0.3.0"}


BACKEND = (
    PREAMBLE
    + 'NAME, VERSION = "demo", "0.1"\n'
    + WHEEL_WRITER
    + r"""

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open(os.path.join("src", "demo", "__init__.py"), "rb") as source:
        return _wheel(wheel_directory, {"demo/__init__.py": source.read()})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"demo.pth": (os.path.abspath("src") + "\n").encode()})
"""
)


def test_the_project_is_installed_editable_unless_no_editable(tmp_path: Path, capsys) -> None:
    project = write_project(
        tmp_path / "project",
        '"gamma"',
        "[build-system]\nrequires = []\n"
        'build-backend = "demo_backend"\nbackend-path = ["_backend"]\n',
    )
    (project / "_backend").mkdir()
    (project / "_backend" / "demo_backend.py").write_text(BACKEND)
    (project / "src" / "demo").mkdir(parents=True)
    (project / "src" / "demo" / "__init__.py").write_text('__version__ = "0.1"\n')
    cache = tmp_path / "cache"
    assert sync(project, cache) == 0
    venv = project / ".venv"
    assert versions_in(venv, "demo", "gamma") == {"demo": "0.1", "gamma": "0.3.0"}
    # Editable: a change to the sources shows without syncing again.
    (project / "src" / "demo" / "__init__.py").write_text('__version__ = "0.1-edited"\n')
    assert versions_in(venv, "demo") == {"demo": "0.1-edited"}
    capsys.readouterr()
    assert sync(project, cache) == 0
    assert "already matches the lock" in capsys.readouterr().err

    assert sync(project, cache, "--no-editable", "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == ["~ demo==0.1 -> @ ."]
    assert sync(project, cache, "--no-editable") == 0
    (project / "src" / "demo" / "__init__.py").write_text('__version__ = "0.2"\n')
    assert versions_in(venv, "demo") == {"demo": "0.1-edited"}  # a copy, not the sources


@pytest.mark.parametrize("flags", [(), ("--extra", "fast"), ("--group", "dev")])
def test_pip_uv_and_ulock_choose_the_same_packages(
    tools,  # noqa: F811 - the fixture imported above
    flags,
    tmp_path: Path,
    capsys,
) -> None:
    if not tools.pip_ok or tools.uv is None:
        pytest.skip("pip >= 26.1 and uv are needed")
    project = write_project(
        tmp_path / "project",
        '"alpha; python_version >= \'3.12\'", "beta", "linuxonly; sys_platform == \'linux\'"',
    )
    cache = tmp_path / "cache"
    lock(project, cache)
    # The venv ulock plans for has the tools' interpreter, so all three judge one environment.
    venv = tmp_path / "venv"
    subprocess.run([str(tools.python), "-m", "venv", "--without-pip", str(venv)], check=True)
    capsys.readouterr()
    assert sync(project, cache, "--venv", str(venv), "--dry-run", *flags) == 0
    ours = sorted(line.removeprefix("+ ") for line in capsys.readouterr().out.splitlines())

    extras = [flags[1]] if flags[:1] == ("--extra",) else []
    groups = [flags[1]] if flags[:1] == ("--group",) else []
    pip_source = ["-r", "pylock.toml" + (f"[{','.join(extras)}]" if extras else "")]
    if groups:
        pip_source = [arg for group in groups for arg in ("--group", f"pylock.toml:{group}")]
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    pip = subprocess.run(
        [str(tools.python), "-m", "pip", "install", "--dry-run", "--quiet", "--no-index",
         "--disable-pip-version-check", "--report", "-", *pip_source],
        cwd=project, capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    by_pip = sorted(
        f"{item['metadata']['name']}=={item['metadata']['version']}"
        for item in json.loads(pip.stdout)["install"]
    )
    uv_env = {**os.environ, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv")}
    uv = subprocess.run(
        [str(tools.uv), "pip", "install", "--dry-run", "--offline", "--python", str(tools.python),
         "-r", "pylock.toml", *flags],
        cwd=project, capture_output=True, text=True, env=uv_env, check=False, timeout=300,
    )  # fmt: skip
    assert uv.returncode == 0, uv.stderr
    by_uv = sorted(re.findall(r"^ \+ (\S+==\S+)$", uv.stderr, flags=re.MULTILINE))
    assert ours == by_pip == by_uv
    assert "beta==1.0.0" in ours and "linuxonly==1.0.0" in ours
    assert ("alpha==2.0.0" in ours) == (sys.version_info >= (3, 12))  # tools use this Python
    assert ("devtool==0.1.0" in ours) == (flags[:1] != ("--group",) or "dev" in flags)
    assert ("fastlib==3.0.0" in ours) == ("fast" in flags)


def break_wheel(wheel: Path) -> None:
    """Rewrite ``wheel`` with a last member that escapes the install directory."""
    with zipfile.ZipFile(wheel) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    record = next(name for name in members if name.endswith(".dist-info/RECORD"))
    members[record] = b"../../../../escape.txt,,\n" + members[record]
    members["../../../../escape.txt"] = b"no\n"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_failure_midway_says_what_happened_and_leaves_the_venv_usable(
    tmp_path: Path, capsys
) -> None:
    project = write_project(tmp_path / "project", '"alpha==1.0.0"')
    cache = tmp_path / "cache"
    assert sync(project, cache) == 0
    break_wheel(project / "whl" / "gamma-0.3.0-py3-none-any.whl")
    set_dependencies(project, '"alpha==1.0.0"', '"alpha==2.0.0", "gamma"')
    capsys.readouterr()
    assert sync(project, cache) == 1  # relocks (the broken wheel's hash is locked), then fails
    err = capsys.readouterr().err
    assert "installing `gamma-0.3.0-py3-none-any.whl` failed" in err
    assert "`+ gamma==0.3.0` was not made" in err
    assert "`~ alpha==1.0.0 -> 2.0.0`" in err
    venv = project / ".venv"
    assert versions_in(venv, "alpha", "beta", "gamma") == {
        "alpha": "2.0.0", "beta": "1.0.0", "gamma": None,
    }  # fmt: skip
    site = next((venv / "lib").glob("python3.*/site-packages"))
    assert not list(site.glob("gamma*"))
    assert not list(venv.glob(".ulock-backup-*"))


def test_a_new_venv_gets_an_interpreter_that_fits_requires_python(tmp_path: Path, capsys) -> None:
    if not list((Path.home() / ".pyenv" / "versions").glob("3.8.*/bin/python")):
        pytest.skip("no Python 3.8 here")
    project = write_project(tmp_path / "project", '"gamma"')
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('">=3.8"', '">=3.8,<3.9"'))
    assert sync(project, tmp_path / "cache") == 0
    assert "with Python 3.8." in capsys.readouterr().err
    venv = project / ".venv"
    assert versions_in(venv, "gamma") == {"gamma": "0.3.0"}
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert version.stdout.strip() == "(3, 8)"


def test_refusals_outside_environments_and_ulocks_own_venv(tmp_path: Path, capsys) -> None:
    project = write_project(
        tmp_path / "project",
        '"gamma"',
        "[tool.ulock]\nenvironments = [\"sys_platform == 'win32'\"]\n",
    )
    cache = tmp_path / "cache"
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, cache, "--dry-run") == 1
    err = capsys.readouterr().err
    assert "matches none of the lock's environments" in err and "sys_platform == 'win32'" in err
    assert sync(project, cache, "--dry-run", "--python-platform", "windows") == 0
    assert capsys.readouterr().out.splitlines() == ["+ devtool==0.1.0", "+ gamma==0.3.0"]

    # The environment ulock runs in is never synced: that would uninstall ulock mid-run.
    other = write_project(tmp_path / "other", '"gamma"')
    lock(other, cache)
    capsys.readouterr()
    assert sync(other, cache, "--venv", sys.prefix) == 2
    assert "is the environment ulock itself runs from" in capsys.readouterr().err
    assert importlib.util.find_spec("gamma") is None


def test_an_sdist_is_built_with_its_build_requirements_for_the_target(
    tmp_path: Path, capsys
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["srconly"]\n' + FLAT_DEFAULT
    )
    universe = {
        "packages": {
            # The sdist's backend refuses to build unless `helper` is importable.
            "srconly": {"versions": {"1.0.0": {"wheel": False, "build_requires": ["helper"]}}},
            "helper": {"versions": {"1.0.0": {}}},
        }
    }
    write_flat_directory(universe, project / "whl")
    cache = tmp_path / "cache"
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, cache, "--frozen", "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == ["+ srconly==1.0.0"]
    assert sync(project, cache, "--frozen") == 0
    venv = project / ".venv"
    # helper served the build only; it is not part of the environment.
    assert versions_in(venv, "srconly", "helper") == {"srconly": "1.0.0", "helper": None}
    capsys.readouterr()
    assert sync(project, cache, "--frozen") == 0
    assert "already matches the lock" in capsys.readouterr().err


def test_conflicting_extras_are_refused_naming_the_conflict(tmp_path: Path, capsys) -> None:
    from packaging.version import Version

    from universal_lock.lockfile import ConflictMember, Lock, LockedFile, LockedPackage, render

    project = tmp_path / "project"
    wheels = write_flat_directory(UNIVERSE, project / "whl")

    def entry(name: str, marker: str) -> LockedPackage:
        wheel = next(path for path in wheels if path.name.startswith(f"{name}-"))
        data = wheel.read_bytes()
        locked = LockedFile(
            name=wheel.name,
            path=f"whl/{wheel.name}",
            size=len(data),
            hashes={"sha256": hashlib.sha256(data).hexdigest()},
        )
        version = Version(wheel.name.split("-")[1])
        return LockedPackage(name=name, version=version, marker=marker, wheels=(locked,))

    the_lock = Lock(
        extras=("one", "two"),
        packages=(entry("gamma", "'one' in extras"), entry("beta", "'two' in extras")),
        conflicts=((ConflictMember(extra="one"), ConflictMember(extra="two")),),
    )
    (project / "pylock.toml").write_text(render(the_lock))
    assert sync(project, tmp_path / "cache", "--frozen", "--dry-run", "--extra", "one") == 0
    assert capsys.readouterr().out.splitlines() == ["+ gamma==0.3.0"]
    assert sync(project, tmp_path / "cache", "--frozen", "--all-extras", "--dry-run") == 1
    err = capsys.readouterr().err
    assert "extra `one` and extra `two` are declared to conflict" in err
    assert sync(project, tmp_path / "cache", "--frozen", "--extra", "three") == 1
    assert "the lock has no extra `three`" in capsys.readouterr().err
    assert not (project / ".venv").exists()


def test_a_file_whose_hash_changed_in_the_lock_is_reinstalled(
    project: Path, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "cache"
    assert sync(project, cache) == 0
    wheel = project / "whl" / "gamma-0.3.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    init = next(name for name in members if name.endswith("__init__.py"))
    members[init] += b"REBUILT = True\n"
    record = next(name for name in members if name.endswith(".dist-info/RECORD"))
    members[record] = (
        b"\n".join(
            line for line in members[record].splitlines() if not line.startswith(init.encode())
        )
        + f"\n{init},,\n".encode()
    )
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, cache, "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == ["~ gamma==0.3.0 -> 0.3.0"]
    assert sync(project, cache) == 0
    check = "import gamma; print(gamma.REBUILT)"
    done = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", check],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "True"


def test_python_platform_chooses_wheels_by_the_targets_tags(tmp_path: Path, capsys) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["native"]\n' + FLAT_DEFAULT
    )
    tags = [
        "py3-none-manylinux_2_17_x86_64", "py3-none-manylinux_2_17_aarch64",
        "py3-none-win_amd64", "py3-none-macosx_11_0_arm64",
    ]  # fmt: skip
    universe = {
        "packages": {"native": {"versions": {"1.0.0": {"wheel_tags": tags, "sdist": False}}}}
    }
    write_flat_directory(universe, project / "whl")
    cache = tmp_path / "cache"
    lock(project, cache)
    for target in ("x86_64-pc-windows-msvc", "aarch64-apple-darwin", "aarch64-unknown-linux-gnu"):
        capsys.readouterr()
        assert sync(project, cache, "--dry-run", "--python-platform", target) == 0, target
        assert capsys.readouterr().out.splitlines() == ["+ native==1.0.0"]
    for target in ("x86_64-apple-darwin", "s390x-unknown-linux-gnu", "x86_64-unknown-linux-musl"):
        assert sync(project, cache, "--dry-run", "--python-platform", target) == 1, target
        assert "no wheel of the package fits this platform" in capsys.readouterr().err


def test_a_python_installation_is_never_synced(project: Path, tmp_path: Path, capsys) -> None:
    base = Path(sys.base_prefix)
    capsys.readouterr()
    assert sync(project, tmp_path / "cache", "--venv", str(base)) == 2
    assert "not a virtual environment" in capsys.readouterr().err


def test_offline_sync_uses_the_cache_and_says_what_is_missing(
    index_server, tmp_path: Path, capsys
) -> None:
    server = index_server(UNIVERSE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1"\ndependencies = ["alpha"]\n\n'
        f'[[tool.ulock.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n'
    )
    cache = tmp_path / "cache"
    lock(project, cache)
    capsys.readouterr()
    assert sync(project, tmp_path / "empty", "--offline", "--venv", str(tmp_path / "a")) == 1
    assert "offline: `" in capsys.readouterr().err
    assert sync(project, cache, "--venv", str(tmp_path / "b")) == 0
    requests = len(server.requests)
    assert sync(project, cache, "--offline", "--venv", str(tmp_path / "c")) == 0
    assert len(server.requests) == requests
    assert versions_in(tmp_path / "c", "alpha", "beta") == {"alpha": "2.0.0", "beta": "1.0.0"}


_STARTUP_PROBE = """
import sys
from universal_lock.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code
heavy = ("typer", "rich", "pydantic", "aiohttp", "asyncio", "universal_lock.index.client",
         "universal_lock.resolver", "universal_lock.project")
installing = ("installer", "email.parser")
print(code, sorted(name for name in heavy if name in sys.modules),
      sorted(name for name in installing if name in sys.modules))
"""


def test_a_frozen_sync_of_local_wheels_loads_nothing_it_does_not_run(
    project: Path, tmp_path: Path
) -> None:
    """Start-up is most of a small sync: the plain spelling is parsed without typer, messages
    are plain lines off a terminal (no rich), local wheels are read without an event loop,
    neither the index client nor the project model is needed with `--frozen`, and a sync
    with nothing to change does not load the wheel installer."""
    cache = tmp_path / "cache"
    lock(project, cache)
    venv = tmp_path / "venv"
    argv = ["sync", "--directory", str(project), "--cache-dir", str(cache), "--frozen"]
    outputs = []
    for _ in range(2):  # creates and fills the venv, then finds nothing to do
        done = subprocess.run(
            [sys.executable, "-c", _STARTUP_PROBE, *argv, "--venv", str(venv)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        outputs.append(done.stdout)
    assert outputs == ["0 [] ['email.parser', 'installer']\n", "0 [] []\n"]
    assert "already matches the lock" in done.stderr
    assert versions_in(venv, "alpha", "gamma") == {"alpha": "2.0.0", "gamma": "0.3.0"}
