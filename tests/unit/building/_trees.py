"""Test sources for the build frontend: the in-repo backend's sdists, their unpacked trees,
backend variants, and a provider that serves wheels from the built universe.

A variant is a module written beside the in-repo backend (``_backend/``) that takes some of
its hooks and adds or changes others; the tree's ``pyproject.toml`` then names the variant.
"""

from __future__ import annotations

import io
import tarfile
import textwrap
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.builder import BuiltUniverse, default_builder

UNIVERSE = {
    "packages": {
        "alpha": {"versions": {"1.0.0": {"requires": ["helper>=1"]}}},
        "helper": {"versions": {"1.0.0": {}, "2.0.0": {}}},
        # Its backend refuses to build unless `helper` is importable.
        "needy": {"versions": {"1.0.0": {"wheel": False, "build_requires": ["helper"]}}},
    }
}


def universe() -> BuiltUniverse:
    return default_builder().build(UNIVERSE)


def unpack(sdist: Path, target: Path) -> Path:
    """The sdist's tree under ``target`` (plain tarfile: independent of the code under test)."""
    with tarfile.open(sdist) as archive:
        archive.extractall(target, filter="data")
    (tree,) = target.iterdir()
    return tree


def with_variant(tree: Path, source: str, *, requires: Sequence[str] = ()) -> Path:
    """Make ``tree`` build with a variant backend (``source``, dedented)."""
    (tree / "_backend" / "variant_backend.py").write_text(textwrap.dedent(source))
    listed = ", ".join(f'"{text}"' for text in requires)
    (tree / "pyproject.toml").write_text(
        f'[build-system]\nrequires = [{listed}]\nbuild-backend = "variant_backend"\n'
        'backend-path = ["_backend"]\n'
    )
    return tree


def repack_zip(sdist: Path, target: Path) -> Path:
    """The same members as ``sdist`` (a .tar.gz) in a .zip next to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as source, zipfile.ZipFile(target, "w") as archive:
        for member in source.getmembers():
            stream = source.extractfile(member)
            if stream is not None:
                archive.writestr(member.name, stream.read())
    return target


def tar_gz(
    target: Path, members: Mapping[str, bytes], *, links: Mapping[str, str] | None = None
) -> Path:
    """A .tar.gz with ``members`` (name -> content) and symbolic ``links`` (name -> target)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, pointee in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = pointee
            archive.addfile(info)
    return target


class WheelShelf:
    """A ``RequirementProvider`` over local wheels: the highest version of each requirement's
    name that its specifier allows. Records every call as (requirement texts, dynamic)."""

    def __init__(self, wheels: Sequence[Path]) -> None:
        self.wheels = list(wheels)
        self.calls: list[tuple[list[str], bool]] = []

    async def __call__(self, requirements: Sequence[Requirement], *, dynamic: bool) -> list[Path]:
        self.calls.append(([str(requirement) for requirement in requirements], dynamic))
        chosen = []
        for requirement in requirements:
            fitting = [
                wheel
                for wheel in self.wheels
                if _name_of(wheel) == canonicalize_name(requirement.name)
                and requirement.specifier.contains(wheel.name.split("-")[1])
            ]
            if not fitting:
                from universal_lock.errors import UlockError

                raise UlockError(f"the shelf has no wheel for `{requirement}`")
            chosen.append(max(fitting, key=lambda wheel: wheel.name))
        return chosen


def _name_of(wheel: Path) -> str:
    return canonicalize_name(wheel.name.split("-")[0])
