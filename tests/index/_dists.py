"""Tiny real wheels and sdists for the index tests that need files the shared builder does not
make (in-tree and index-served PEP 517 backends, metadata that must be built)."""

from __future__ import annotations

import io
import tarfile
import textwrap
import zipfile
from collections.abc import Iterable
from pathlib import Path


def metadata_text(
    name: str,
    version: str,
    requires: Iterable[str] = (),
    *,
    requires_python: str | None = None,
    metadata_version: str = "2.3",
    dynamic: Iterable[str] = (),
) -> str:
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Dynamic: {field}" for field in dynamic]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return "\n".join(lines) + "\n"


def make_wheel(
    directory: Path,
    name: str,
    version: str,
    requires: Iterable[str] = (),
    *,
    files: dict[str, str] | None = None,
    tag: str = "py3-none-any",
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = name.replace("-", "_")
    path = directory / f"{stem}-{version}-{tag}.whl"
    dist_info = f"{stem}-{version}.dist-info"
    members = dict(files or {f"{name}/__init__.py": f"__version__ = {version!r}\n"})
    members[f"{dist_info}/METADATA"] = metadata_text(name, version, requires)
    members[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"
    )
    members[f"{dist_info}/RECORD"] = "".join(f"{member},,\n" for member in members) + (
        f"{dist_info}/RECORD,,\n"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


BACKEND = textwrap.dedent(
    '''
    """A PEP 517 backend that only knows how to prepare metadata (from meta.txt)."""
    import os
    from pathlib import Path

    def get_requires_for_build_wheel(config_settings=None):
        return []

    def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
        text = Path("meta.txt").read_text()
        fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
        dist_info = Path(metadata_directory) / f"{fields['Name']}-{fields['Version']}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(text)
        return dist_info.name

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        raise RuntimeError("not needed for metadata")
    '''
)


def make_sdist(
    directory: Path,
    name: str,
    version: str,
    requires: Iterable[str] = (),
    *,
    pkg_info: str | None = None,
    build_requires: Iterable[str] = (),
    backend: str = "backend",
    in_tree_backend: bool = True,
) -> Path:
    """An sdist whose real metadata (``meta.txt``) is produced by a PEP 517 backend.

    ``pkg_info`` is its PKG-INFO (``None``: no PKG-INFO at all).
    """
    directory.mkdir(parents=True, exist_ok=True)
    root = f"{name.replace('-', '_')}-{version}"
    requires_list = ", ".join(f'"{item}"' for item in build_requires)
    backend_path = 'backend-path = ["."]\n' if in_tree_backend else ""
    members = {
        "pyproject.toml": (
            f"[build-system]\nrequires = [{requires_list}]\n"
            f'build-backend = "{backend}"\n{backend_path}'
        ),
        "meta.txt": metadata_text(name, version, requires),
    }
    if in_tree_backend:
        members[f"{backend}.py"] = BACKEND
    if pkg_info is not None:
        members["PKG-INFO"] = pkg_info
    path = directory / f"{root}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{root}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
