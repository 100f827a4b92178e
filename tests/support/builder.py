"""Build a scenario's releases into real, deterministic wheels and sdists, with a build cache.

Each release becomes one wheel per wheel tag (`{name}-{version}-{tag}.whl`, default tag
`py3-none-any`) and an sdist (`{name}-{version}.tar.gz`), as the scenario says. A wheel holds
`{module}/__init__.py` with `__version__`, and a `.dist-info` with METADATA (2.3), WHEEL and
RECORD. An sdist holds PKG-INFO, a `pyproject.toml` naming the in-tree backend
(`pep517_backend.py`, shipped as `_backend/ulock_test_backend.py`), the full metadata for that
backend, and the module; building it offline yields the same bytes as the prebuilt wheel.

Files are cached by the content of everything that goes into them (plus the builder's format
and the backend's source), so a suite builds each distinct file once per cache directory.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support import pep517_backend
from tests.support.scenario import (
    DEFAULT_INDEX,
    Package,
    Release,
    Scenario,
    ScenarioError,
    as_scenario,
)

# Bump when the layout of built files changes without the backend's source changing.
_FORMAT = 1
_BACKEND_SOURCE = Path(pep517_backend.__file__).read_bytes()
_BACKEND_DIGEST = hashlib.sha256(_BACKEND_SOURCE).hexdigest()

_PYPROJECT = """\
[build-system]
requires = [{requires}]
build-backend = "ulock_test_backend"
backend-path = ["_backend"]
"""

Universe = Scenario | Mapping[str, Any] | Path | str


@dataclass(frozen=True, slots=True, kw_only=True)
class BuiltFile:
    """One distribution file on disk, with everything an index page says about it."""

    filename: str
    path: Path
    index: str
    """The index that publishes it (`DEFAULT_INDEX` for /simple/)."""
    project: str
    """Normalized project name."""
    version: Version
    kind: Literal["wheel", "sdist"]
    sha256: str
    size: int
    requires_python: str | None
    yanked: str | None
    upload_time: datetime
    metadata: bytes | None
    """The wheel's `.dist-info/METADATA` (served as the PEP 658 file); None for sdists."""

    @property
    def metadata_sha256(self) -> str | None:
        return None if self.metadata is None else hashlib.sha256(self.metadata).hexdigest()

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True, slots=True, kw_only=True)
class BuiltProject:
    name: str
    normalized: str
    versions: tuple[Version, ...]
    """Every release, including those with no published file (PEP 700 `versions`)."""
    files: tuple[BuiltFile, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BuiltUniverse:
    scenario: Scenario
    indexes: Mapping[str, Mapping[str, BuiltProject]]
    """Index name (`DEFAULT_INDEX` for /simple/) -> normalized project name -> project."""

    def files(self, index: str | None = None) -> tuple[BuiltFile, ...]:
        """Every file of one index, or of all indexes when `index` is None."""
        names = list(self.indexes) if index is None else [index]
        return tuple(
            built
            for name in names
            for project in self.indexes[name].values()
            for built in project.files
        )

    def file(self, filename: str, index: str = DEFAULT_INDEX) -> BuiltFile:
        for built in self.files(index):
            if built.filename == filename:
                return built
        raise KeyError(filename)


class DistributionBuilder:
    """Builds releases into `cache_dir`, reusing any file built before from the same content."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.files_built = 0
        """How many files this builder wrote (cache misses); for tests of the cache."""

    def build(self, universe: Universe) -> BuiltUniverse:
        scenario = as_scenario(universe)
        indexes = {
            index_name: MappingProxyType(
                {
                    name: self.build_package(package, index=index_name)
                    for name, package in packages.items()
                }
            )
            for index_name, packages in scenario.all_indexes().items()
        }
        return BuiltUniverse(scenario=scenario, indexes=MappingProxyType(indexes))

    def build_package(self, package: Package, *, index: str = DEFAULT_INDEX) -> BuiltProject:
        files: list[BuiltFile] = []
        for release in package.releases:
            files.extend(self.build_release(package, release, index=index))
        return BuiltProject(
            name=package.name,
            normalized=package.normalized,
            versions=tuple(release.version for release in package.releases),
            files=tuple(files),
        )

    def build_release(
        self, package: Package, release: Release, *, index: str = DEFAULT_INDEX
    ) -> list[BuiltFile]:
        name, version = package.name, str(release.version)
        metadata = core_metadata(package, release).encode("utf-8")
        module = _module_files(name, version)
        built: list[BuiltFile] = []
        if release.wheel:
            for tag in release.tags:
                filename = pep517_backend.wheel_filename(name, version, tag)
                path = self._cached(
                    filename,
                    {"metadata": metadata.decode(), "module": _as_text(module)},
                    partial(
                        pep517_backend.wheel_bytes,
                        name=name,
                        version=version,
                        tag=tag,
                        metadata=metadata,
                        files=module,
                    ),
                )
                built.append(_built_file(path, index, package, release, "wheel", metadata))
        if release.sdist:
            root = f"{pep517_backend.escape_name(name)}-{version}"
            pkg_info = _pkg_info(package, release).encode("utf-8")
            # JSON strings of ASCII text are valid TOML basic strings.
            requires = ", ".join(json.dumps(text) for text in release.build_requires)
            members = [
                ("PKG-INFO", pkg_info),
                ("pyproject.toml", _PYPROJECT.format(requires=requires).encode()),
                ("_backend/ulock_test_backend.py", _BACKEND_SOURCE),
                ("_backend/METADATA", metadata),
                *module,
            ]
            if release.build_requires:
                lines = "".join(f"{text}\n" for text in release.build_requires)
                members.append((pep517_backend.BUILD_REQUIRES_SOURCE, lines.encode()))
            path = self._cached(
                f"{root}.tar.gz",
                {"members": _as_text(members)},
                partial(pep517_backend.sdist_bytes, root=root, files=members),
            )
            built.append(_built_file(path, index, package, release, "sdist", None))
        return built

    def _cached(self, filename: str, content: Mapping[str, Any], make: Callable[[], bytes]) -> Path:
        key_material = {
            "format": _FORMAT,
            "backend": _BACKEND_DIGEST,
            "filename": filename,
            **content,
        }
        key = hashlib.sha256(json.dumps(key_material, sort_keys=True).encode()).hexdigest()
        path = self.cache_dir / key[:24] / filename
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside and rename, so a concurrent reader never sees half a file.
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(make())
            Path(temporary).replace(path)
            self.files_built += 1
        return path


def core_metadata(package: Package, release: Release, *, metadata_version: str = "2.3") -> str:
    """The METADATA text of a release: every Requires-Dist as written, extras as markers."""
    lines = [
        f"Metadata-Version: {metadata_version}",
        f"Name: {package.name}",
        f"Version: {release.version}",
    ]
    if release.requires_python is not None:
        lines.append(f"Requires-Python: {release.requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in release.requires]
    for extra, requirements in release.extras.items():
        normalized = canonicalize_name(extra)
        lines.append(f"Provides-Extra: {normalized}")
        lines += [f"Requires-Dist: {_under_extra(text, normalized)}" for text in requirements]
    return "\n".join(lines) + "\n"


def _under_extra(text: str, extra: str) -> str:
    requirement = Requirement(text)
    marker = requirement.marker
    requirement.marker = None
    condition = f'extra == "{extra}"'
    return f"{requirement}; ({marker}) and {condition}" if marker else f"{requirement}; {condition}"


def _pkg_info(package: Package, release: Release) -> str:
    if release.sdist_metadata == "legacy":
        return core_metadata(package, release, metadata_version="2.1")
    text = core_metadata(package, release, metadata_version="2.2")
    if release.sdist_metadata == "dynamic":
        kept = [line for line in text.splitlines() if not line.startswith("Requires-Dist:")]
        kept.insert(3, "Dynamic: Requires-Dist")
        text = "\n".join(kept) + "\n"
    return text


def _as_text(files: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    return [(path, data.decode("utf-8")) for path, data in files]


def _module_files(name: str, version: str) -> list[tuple[str, bytes]]:
    module = pep517_backend.module_name(name)
    source = f'"""Test distribution {name} {version}."""\n\n__version__ = "{version}"\n'
    return [(f"{module}/__init__.py", source.encode("utf-8"))]


def _built_file(
    path: Path,
    index: str,
    package: Package,
    release: Release,
    kind: Literal["wheel", "sdist"],
    metadata: bytes | None,
) -> BuiltFile:
    data = path.read_bytes()
    return BuiltFile(
        filename=path.name,
        path=path,
        index=index,
        project=package.normalized,
        version=release.version,
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        requires_python=release.requires_python,
        yanked=release.yanked,
        upload_time=release.upload_time,
        metadata=metadata,
    )


def write_flat_directory(
    universe: Universe | BuiltUniverse,
    path: Path,
    *,
    index: str | None = None,
    builder: DistributionBuilder | None = None,
) -> list[Path]:
    """Copy every file of the universe (or of one index) into `path`, a find-links directory.

    The same file name in two indexes must have the same bytes; a flat directory cannot hold
    two different files under one name.
    """
    if not isinstance(universe, BuiltUniverse):
        universe = (builder or default_builder()).build(universe)
    path.mkdir(parents=True, exist_ok=True)
    written: dict[str, BuiltFile] = {}
    for built in universe.files(index):
        previous = written.get(built.filename)
        if previous is not None:
            if previous.sha256 != built.sha256:
                raise ScenarioError(f"two different files are named `{built.filename}`")
            continue
        shutil.copyfile(built.path, path / built.filename)
        written[built.filename] = built
    return sorted(path / filename for filename in written)


_default: list[DistributionBuilder] = []


def default_builder() -> DistributionBuilder:
    """A process-wide builder in a temporary directory removed at exit (outside pytest)."""
    if not _default:
        directory = Path(tempfile.mkdtemp(prefix="ulock-test-dists-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        _default.append(DistributionBuilder(directory))
    return _default[0]
