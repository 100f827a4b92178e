"""The judge of a universal lock: in every environment of a grid, the selection is a valid install.

For each platform, Python version, extras choice and groups choice, take what PEP 751
selection picks
(``universal_lock.lockfile.select_packages``, which wraps ``packaging.pylock``) and check,
from the locked files' own METADATA (not from anything the resolver said): one version per
name (selection fails otherwise), every requirement that applies is met by a selected entry
(with the extras asked of it), and every entry's Requires-Python holds.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from email.parser import Parser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from universal_lock.lockfile import Lock, LockedPackage, SelectionError, select_packages

#: (sys_platform, platform_system, os_name, platform_machine)
PLATFORMS: tuple[tuple[str, str, str, str], ...] = (
    ("linux", "Linux", "posix", "x86_64"),
    ("linux", "Linux", "posix", "aarch64"),
    ("darwin", "Darwin", "posix", "arm64"),
    ("darwin", "Darwin", "posix", "x86_64"),
    ("win32", "Windows", "nt", "AMD64"),
)
PYTHONS: tuple[str, ...] = (
    "3.8.10",
    "3.9.18",
    "3.10.0",
    "3.10.13",
    "3.11.7",
    "3.12.1",
    "3.13.0",
    "3.14.0",
)

Metadata = tuple[tuple[Requirement, ...], SpecifierSet | None]


def environment(platform: tuple[str, str, str, str], python: str) -> dict[str, str]:
    """A complete PEP 508 environment for one platform and Python version."""
    sys_platform, system, os_name, machine = platform
    return {
        "implementation_name": "cpython",
        "implementation_version": python,
        "os_name": os_name,
        "platform_machine": machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": system,
        "platform_version": "",
        "python_full_version": python,
        "python_version": ".".join(python.split(".")[:2]),
        "sys_platform": sys_platform,
    }


def wheel_metadata(lock_dir: Path) -> Callable[[LockedPackage], Metadata]:
    """Read an entry's requirements from its first locked wheel (or sdist PKG-INFO) by path."""

    def read(package: LockedPackage) -> Metadata:
        files = [*package.wheels, *([package.sdist] if package.sdist else [])]
        for locked in files:
            if locked.path is None:
                continue
            text = _metadata_text(lock_dir / locked.path)
            message = Parser().parsestr(text)
            requires = tuple(Requirement(value) for value in message.get_all("Requires-Dist") or ())
            python = message.get("Requires-Python")
            return requires, SpecifierSet(python) if python else None
        raise AssertionError(f"{package.name}: no local file to read metadata from")

    return read


def locked_file_metadata(lock_dir: Path) -> Callable[[LockedPackage], Metadata]:
    """Like :func:`wheel_metadata`, but files locked by ``url`` are downloaded too.

    The download is checked against the lock's sha256 (a mismatch is a problem of the lock,
    reported as an assertion), then read like a local file; nothing the resolver fetched or
    cached is used.
    """
    import hashlib
    import tempfile
    import urllib.request

    def read(package: LockedPackage) -> Metadata:
        files = [*package.wheels, *([package.sdist] if package.sdist else [])]
        for locked in files:
            if locked.path is not None:
                data = (lock_dir / locked.path).read_bytes()
            elif locked.url is not None:
                with urllib.request.urlopen(locked.url, timeout=30) as response:
                    data = response.read()
            else:
                continue
            digest = hashlib.sha256(data).hexdigest()
            assert digest == locked.hashes.get("sha256"), f"{locked.name}: sha256 mismatch"
            assert locked.size in (None, len(data)), f"{locked.name}: size mismatch"
            with tempfile.TemporaryDirectory() as scratch:
                target = Path(scratch) / locked.name
                target.write_bytes(data)
                return _parse(_metadata_text(target))
        raise AssertionError(f"{package.name}: no file to read metadata from")

    return read


def _parse(text: str) -> Metadata:
    message = Parser().parsestr(text)
    requires = tuple(Requirement(value) for value in message.get_all("Requires-Dist") or ())
    python = message.get("Requires-Python")
    return requires, SpecifierSet(python) if python else None


def _metadata_text(path: Path) -> str:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            return archive.read(name).decode()
    import tarfile

    with tarfile.open(path) as archive:
        member = next(
            m
            for m in archive.getmembers()
            if m.name.count("/") == 1 and m.name.endswith("PKG-INFO")
        )
        extracted = archive.extractfile(member)
        assert extracted is not None
        return extracted.read().decode()


def judge(
    lock: Lock,
    *,
    project_requirements: Mapping[str | None, Sequence[Requirement]],
    group_requirements: Mapping[str, Sequence[Requirement]] | None = None,
    metadata: Callable[[LockedPackage], Metadata],
    extras_choices: Iterable[Sequence[str]] | None = None,
    platforms: Sequence[tuple[str, str, str, str]] = PLATFORMS,
    pythons: Sequence[str] = PYTHONS,
    overrides: Sequence[Requirement] = (),
    constraints: Sequence[Requirement] = (),
    group_choices: Iterable[Sequence[str]] | None = None,
) -> list[str]:
    """Every problem found, in words (empty when the lock is right everywhere).

    ``project_requirements`` maps None to the project's dependencies and each extra to its
    optional dependencies; ``extras_choices`` defaults to none and each extra alone, and
    ``group_choices`` to none and each group alone. ``overrides`` replace every requirement
    on their package found in metadata (as ``override-dependencies`` do); ``constraints``
    must hold for a selected package wherever their marker does.
    """
    groups = dict(group_requirements or {})
    choices = (
        list(extras_choices)
        if extras_choices is not None
        else [(), *[(extra,) for extra in project_requirements if extra is not None]]
    )
    group_sets: list[Sequence[str]] = (
        list(group_choices) if group_choices is not None else [(), *[(g,) for g in groups]]
    )
    overridden: dict[str, list[Requirement]] = {}
    for override in overrides:
        overridden.setdefault(canonicalize_name(override.name), []).append(override)
    cache: dict[int, Metadata] = {}
    problems: list[str] = []
    for platform, python, extras, chosen_groups in itertools.product(
        platforms, pythons, choices, group_sets
    ):
        env = environment(platform, python)
        where = (
            f"{platform[0]}/{platform[3]} python {python} "
            f"extras={list(extras)} groups={list(chosen_groups)}"
        )
        try:
            selected = select_packages(lock, env, extras=extras, groups=chosen_groups)
        except SelectionError as error:
            # Outside the lock's environments or requires-python: nothing to install there.
            # An entry's own requires-python failing is a problem of the lock.
            if error.reason in ("environment", "requires-python") and error.package is None:
                continue
            problems.append(f"{where}: {error}")
            continue
        by_name = {canonicalize_name(package.name): package for package in selected}
        own = list(project_requirements.get(None, ()))
        for extra in extras:
            own += project_requirements.get(extra, ())
        for group in chosen_groups:
            own += groups[group]
        # Overrides replace the project's own requirements too (as uv's do).
        wanted: list[tuple[Requirement, str]] = [
            (r, "")
            for requirement in own
            for r in overridden.get(canonicalize_name(requirement.name), [requirement])
        ]
        for constraint in constraints:
            constrained = by_name.get(canonicalize_name(constraint.name))
            if (
                constrained is not None
                and constrained.version is not None
                and (constraint.marker is None or _holds(constraint.marker, env, ""))
                and not constraint.specifier.contains(constrained.version, prereleases=True)
            ):
                problems.append(f"{where}: constraint `{constraint}` is not met")
        seen: set[tuple[str, str]] = set()
        while wanted:
            requirement, owner_extra = wanted.pop()
            if requirement.marker is not None and not _holds(requirement.marker, env, owner_extra):
                continue
            name = canonicalize_name(requirement.name)
            package = by_name.get(name)
            if package is None:
                problems.append(f"{where}: `{requirement}` is needed but `{name}` is not selected")
                continue
            if package.version is not None and not requirement.specifier.contains(
                package.version, prereleases=True
            ):
                problems.append(f"{where}: `{requirement}` is not met by {name} {package.version}")
            for extra in ["", *sorted(canonicalize_name(e) for e in requirement.extras)]:
                if (name, extra) in seen or package.version is None:
                    continue
                seen.add((name, extra))
                key = id(package)
                if key not in cache:
                    cache[key] = metadata(package)
                requires, requires_python = cache[key]
                if (
                    extra == ""
                    and requires_python is not None
                    and not requires_python.contains(python, prereleases=True)
                ):
                    problems.append(
                        f"{where}: {name} {package.version} requires Python {requires_python}"
                    )
                for dependency in requires:
                    replacements = overridden.get(canonicalize_name(dependency.name))
                    if replacements is None:
                        wanted.append((dependency, extra))
                    else:
                        # The override replaces the requirement; its own marker decides.
                        wanted += [(override, "") for override in replacements]
    return problems


def _holds(marker: Marker, env: Mapping[str, str], extra: str) -> bool:
    return marker.evaluate({**env, "extra": extra})
