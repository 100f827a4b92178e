"""Hypothesis strategies that generate valid ``Lock`` values (names, files and markers agree)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.lockfile import (
    BuildPin,
    ConflictMember,
    Lock,
    LockedArchive,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockedVcs,
)

# Lock markers as the marker algebra prints them: environment variables plus
# `'x' in extras` / `'g' in dependency_groups`, never `extra == ...`.
MARKERS = (
    "sys_platform == 'linux'",
    "sys_platform == 'darwin'",
    "sys_platform == 'win32'",
    "platform_machine == 'x86_64' and sys_platform == 'linux'",
    "python_full_version >= '3.12'",
    "python_full_version < '3.12'",
    'implementation_name == "cpython"',
    "'cu118' in extras",
    "'cu124' in extras",
    "'dev' in dependency_groups",
    "'docs' in dependency_groups and sys_platform != 'win32'",
)
TAGS = (
    "py3-none-any",
    "cp312-cp312-manylinux_2_17_x86_64",
    "cp312-cp312-macosx_11_0_arm64",
    "cp311-cp311-win_amd64",
    "cp313-abi3-musllinux_1_2_aarch64",
)

names = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3})?", fullmatch=True)
versions = st.builds(
    lambda release, post, local: Version(
        ".".join(map(str, release))
        + (f".post{post}" if post is not None else "")
        + (f"+{local}" if local else "")
    ),
    st.lists(st.integers(0, 30), min_size=1, max_size=3),
    st.none() | st.integers(0, 3),
    st.sampled_from(["", "cu118", "cpu"]),
)
digests = st.binary(min_size=32, max_size=32).map(bytes.hex)
hashes = st.builds(lambda sha256: {"sha256": sha256}, digests) | st.builds(
    lambda sha256, md5: {"sha256": sha256, "md5": md5[:32]}, digests, digests
)
times = st.none() | st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
sizes = st.none() | st.integers(0, 2**40)
markers = st.none() | st.sampled_from(MARKERS)
requires_pythons = st.none() | st.sampled_from([">=3.8", ">=3.10,<4", "!=3.9.*,>=3.8"])


def _file(name: str, *, local: bool, **fields: object) -> LockedFile:
    location = {"path": f"wheels/{name}"} if local else {"url": f"https://files.example.org/{name}"}
    return LockedFile(name=name, **location, **fields)  # type: ignore[arg-type]


@st.composite
def files(draw: st.DrawFn, filename: str) -> LockedFile:
    return _file(
        filename,
        local=draw(st.booleans()),
        size=draw(sizes),
        upload_time=draw(times),
        hashes=draw(hashes),
    )


@st.composite
def index_packages(draw: st.DrawFn, name: str, version: Version) -> LockedPackage:
    stem = f"{name.replace('-', '_')}-{version}"
    tags = draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=3))
    wheels = tuple(draw(files(f"{stem}-{tag}.whl")) for tag in tags)
    sdist = draw(st.none() | files(f"{stem}.tar.gz")) if wheels else draw(files(f"{stem}.tar.gz"))
    return LockedPackage(
        name=name,
        version=version,
        marker=draw(markers),
        requires_python=_specifier(draw(requires_pythons)),
        index=draw(st.none() | st.just("https://index.example.org/simple")),
        wheels=wheels,
        sdist=sdist,
    )


def _specifier(text: str | None) -> SpecifierSet | None:
    return None if text is None else SpecifierSet(text)


@st.composite
def direct_packages(draw: st.DrawFn, name: str) -> LockedPackage:
    kind = draw(st.sampled_from(["directory", "archive", "vcs"]))
    version = draw(st.none() | versions)
    if kind == "directory":
        source: dict[str, object] = {
            "directory": LockedDirectory(
                path=draw(st.sampled_from([".", "libs/x"])), editable=draw(st.booleans())
            )
        }
    elif kind == "archive":
        source = {
            "archive": LockedArchive(
                url=f"https://files.example.org/{name}.tar.gz",
                size=draw(sizes),
                upload_time=draw(times),
                hashes=draw(hashes),
                subdirectory=draw(st.none() | st.just("sub")),
            )
        }
    else:
        source = {
            "vcs": LockedVcs(
                type="git",
                url=f"https://git.example.org/{name}.git",
                requested_revision=draw(st.none() | st.just("main")),
                commit_id=draw(digests)[:40],
            )
        }
    return LockedPackage(name=name, version=version, marker=draw(markers), **source)  # type: ignore[arg-type]


@st.composite
def locks(draw: st.DrawFn, max_packages: int = 6) -> Lock:
    package_names = draw(st.lists(names, unique=True, max_size=max_packages))
    packages: list[LockedPackage] = []
    for name in package_names:
        if draw(st.integers(0, 4)) == 0:
            packages.append(draw(direct_packages(name)))
            continue
        for version in draw(st.lists(versions, min_size=1, max_size=2, unique=True)):
            packages.append(draw(index_packages(name, version)))
    build_packages = (
        [draw(index_packages("buildtool", Version("1.0")))] if draw(st.booleans()) else []
    )
    pinnable = [p for p in packages + build_packages if p.version is not None]
    if pinnable and draw(st.booleans()):
        target = draw(st.sampled_from(pinnable))
        assert target.version is not None
        pin = BuildPin(name=target.name, version=target.version, marker=draw(markers))
        index = draw(st.integers(0, len(packages) - 1)) if packages else None
        if index is not None:
            packages[index] = _with_pins(packages[index], (pin,))
    groups = tuple(draw(st.lists(st.sampled_from(["dev", "docs", "test"]), unique=True)))
    defaults = tuple(draw(st.lists(st.sampled_from(groups), unique=True))) if groups else ()
    extras = tuple(draw(st.lists(st.sampled_from(["cu118", "cu124", "docs"]), unique=True)))
    members = [ConflictMember(extra=e) for e in extras] + [ConflictMember(group=g) for g in groups]
    conflicts = (
        draw(
            st.lists(
                st.lists(st.sampled_from(members), min_size=2, max_size=3, unique=True), max_size=2
            )
        )
        if len(members) >= 2
        else []
    )
    return Lock(
        environments=tuple(draw(st.lists(st.sampled_from(MARKERS[:7]), unique=True, max_size=3))),
        requires_python=_specifier(draw(requires_pythons)),
        extras=extras,
        dependency_groups=groups,
        default_groups=defaults,
        packages=tuple(draw(st.permutations(packages))),
        fork_markers=tuple(draw(st.lists(st.sampled_from(MARKERS[:7]), unique=True, max_size=3))),
        input_fingerprint=draw(st.none() | digests.map(lambda d: f"sha256:{d}")),
        build_packages=tuple(build_packages),
        conflicts=tuple(tuple(members) for members in conflicts),
    )


def _with_pins(package: LockedPackage, pins: tuple[BuildPin, ...]) -> LockedPackage:
    return replace(package, build_requires=pins)
