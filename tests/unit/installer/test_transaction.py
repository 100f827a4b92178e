"""Installing and removing distributions, and undoing a failed install, on real files."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from universal_lock.installer.fetch import WheelBytes
from universal_lock.installer.installed import installed_distributions
from universal_lock.installer.interpreter import Interpreter
from universal_lock.installer.tags import InterpreterFacts
from universal_lock.installer.transaction import Environment, InstallFailed


def make_wheel(directory: Path, name: str, version: str, *, evil: bool = False) -> Path:
    dist_info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    wheel = "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    members = {
        f"{name}/__init__.py": f"__version__ = {version!r}\n".encode(),
        f"{name}/data.txt": b"data\n",
        f"{dist_info}/METADATA": metadata.encode(),
        f"{dist_info}/WHEEL": wheel.encode(),
        f"{dist_info}/entry_points.txt": f"[console_scripts]\n{name}-cli = {name}:main\n".encode(),
    }
    if evil:
        members["../../../outside.txt"] = b"escape\n"  # written last: after the good files
    lines = []
    for path, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(data)}\n")
    members[f"{dist_info}/RECORD"] = ("".join(lines) + f"{dist_info}/RECORD,,\n").encode()
    target = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return target


@pytest.fixture
def interpreter(tmp_path: Path) -> Interpreter:
    prefix = tmp_path / "venv"
    site = prefix / "lib" / "site-packages"
    site.mkdir(parents=True)
    (prefix / "bin").mkdir()
    return Interpreter(
        executable=prefix / "bin" / "python",
        prefix=prefix,
        base_prefix=tmp_path / "base",
        environment={"os_name": "posix", "platform_machine": "x86_64"},
        facts=InterpreterFacts(version=(3, 12), platform="linux-x86_64"),
        tags=(),
        paths={
            "purelib": str(site), "platlib": str(site), "scripts": str(prefix / "bin"),
            "data": str(prefix), "include": str(prefix / "include"),
        },
    )  # fmt: skip


def files_under(directory: Path) -> set[str]:
    return {str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()}


def test_install_records_what_ulock_needs_and_removal_takes_everything(
    interpreter: Interpreter, tmp_path: Path
) -> None:
    environment = Environment(interpreter, tmp_path / "backup")
    site = Path(interpreter.paths["purelib"])
    environment.install_wheel(make_wheel(tmp_path, "alpha", "1.0"), source_sha256="c" * 64)
    (dist,) = installed_distributions([site])
    assert (dist.name, str(dist.version), dist.installer) == ("alpha", "1.0", "ulock")
    assert dist.source_sha256 == "c" * 64
    script = interpreter.prefix / "bin" / "alpha-cli"
    assert script.read_text().startswith(f"#!{interpreter.executable}")
    (site / "alpha" / "__pycache__").mkdir()
    (site / "alpha" / "__pycache__" / "__init__.cpython-312.pyc").write_bytes(b"")

    environment.discard(environment.stash(dist))
    assert files_under(interpreter.prefix) == set()
    assert site.is_dir()  # scheme directories stay, even when empty
    assert installed_distributions([site]) == ()


def test_a_failed_install_leaves_nothing_and_a_stash_comes_back(
    interpreter: Interpreter, tmp_path: Path
) -> None:
    environment = Environment(interpreter, tmp_path / "backup")
    site = Path(interpreter.paths["purelib"])
    environment.install_wheel(make_wheel(tmp_path, "alpha", "1.0"))
    before = {
        path: (interpreter.prefix / path).read_bytes() for path in files_under(interpreter.prefix)
    }
    (old,) = installed_distributions([site])

    stash = environment.stash(old)
    (tmp_path / "new").mkdir()
    broken = make_wheel(tmp_path / "new", "alpha", "2.0", evil=True)
    with pytest.raises(InstallFailed, match=r"installing `alpha-2.0-py3-none-any.whl` failed"):
        environment.install_wheel(broken)
    assert files_under(interpreter.prefix) == set()  # the new files that were written are gone
    assert not (tmp_path / "outside.txt").exists()
    environment.restore(stash)
    after = {
        path: (interpreter.prefix / path).read_bytes() for path in files_under(interpreter.prefix)
    }
    assert after == before
    assert [str(dist.version) for dist in installed_distributions([site])] == ["1.0"]


def test_a_distribution_without_record_cannot_be_removed(
    interpreter: Interpreter, tmp_path: Path
) -> None:
    site = Path(interpreter.paths["purelib"])
    dist_info = site / "manual-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: manual\nVersion: 1.0\n")
    (dist,) = installed_distributions([site])
    with pytest.raises(InstallFailed, match="no RECORD"):
        Environment(interpreter, tmp_path / "backup").stash(dist)
    assert (dist_info / "METADATA").is_file()


def test_a_wheel_in_memory_installs_the_same_files_as_from_its_path(
    interpreter: Interpreter, tmp_path: Path
) -> None:
    environment = Environment(interpreter, tmp_path / "backup")
    site = Path(interpreter.paths["purelib"])
    wheel = make_wheel(tmp_path, "alpha", "1.0")
    environment.install_wheel(wheel, source_sha256="c" * 64)
    from_path = {path: (site / path).read_bytes() for path in files_under(site)}
    (dist,) = installed_distributions([site])
    environment.discard(environment.stash(dist))
    environment.install_wheel(
        WheelBytes(name=wheel.name, data=wheel.read_bytes()), source_sha256="c" * 64
    )
    assert {path: (site / path).read_bytes() for path in files_under(site)} == from_path
    (tmp_path / "new").mkdir()
    broken = make_wheel(tmp_path / "new", "beta", "2.0", evil=True)
    with pytest.raises(InstallFailed, match=r"installing `beta-2.0-py3-none-any.whl` failed"):
        environment.install_wheel(WheelBytes(name=broken.name, data=broken.read_bytes()))
    assert set(files_under(site)) == set(from_path)  # beta's written files are gone again
