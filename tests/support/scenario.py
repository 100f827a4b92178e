"""Load resolver scenarios (packse TOML schema, plus our extensions) into frozen values.

A scenario describes a universe of packages and what a resolver should make of it. The same
shape comes from a TOML file (`load_scenario`) or a plain dict written in a test
(`scenario_from_dict`); `as_scenario` takes either, or a path. Our extensions to the packse
schema (per-version `local` variants, `upload_time`, `sdist_metadata`, yank reasons, and
`[indexes.NAME.packages...]` for universes split across named indexes) are described in
`tests/support/README.md`.

Requirement, specifier and version strings are checked with `packaging` when loading, so a typo
in a scenario fails loudly instead of serving broken metadata; the original text is kept and
served as written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from universal_lock.errors import InputError

DEFAULT_INDEX = "default"
"""The name of the index served at `/simple/`; packages under `[packages]` live there."""

DEFAULT_UPLOAD_TIME = datetime(2025, 1, 1, tzinfo=UTC)
"""Upload time of a release that does not say otherwise (fixed, so pages are deterministic)."""

DEFAULT_WHEEL_TAG = "py3-none-any"

SdistMetadata = Literal["static", "dynamic", "legacy"]
_SDIST_METADATA: tuple[SdistMetadata, ...] = ("static", "dynamic", "legacy")

_RELEASE_KEYS = frozenset(
    {
        "requires",
        "requires_python",
        "extras",
        "wheel_tags",
        "sdist",
        "wheel",
        "yanked",
        "description",
        # our extensions
        "local",
        "upload_time",
        "sdist_metadata",
        "build_requires",
    }
)
_TOP_KEYS = frozenset(
    {
        "name",
        "description",
        "root",
        "packages",
        "indexes",
        "resolver_options",
        "environment",
        "expected",
        # our extension
        "pyproject",
    }
)


class ScenarioError(InputError):
    """A scenario file or dict that does not follow the schema."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    """One version of one package, and which distributions of it are published."""

    version: Version
    requires: tuple[str, ...] = ()
    requires_python: str | None = None
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    wheel_tags: tuple[str, ...] = ()
    sdist: bool = True
    wheel: bool = True
    yanked: str | None = None
    """None when not yanked; the reason (possibly empty) when yanked."""
    upload_time: datetime = DEFAULT_UPLOAD_TIME
    sdist_metadata: SdistMetadata = "static"
    """static: PKG-INFO 2.2 holds everything; dynamic: 2.2 with `Dynamic: Requires-Dist` and
    no Requires-Dist lines; legacy: PKG-INFO 2.1, which no tool may trust."""
    build_requires: tuple[str, ...] = ()
    """The sdist's `build-system.requires`; its backend refuses to build unless each one's
    module is importable, so a test sees whether the frontend installed them."""

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags of the wheels published for this release (the default is pure Python)."""
        return self.wheel_tags or (DEFAULT_WHEEL_TAG,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    name: str
    """As written in the scenario; `normalized` is the PEP 503 form."""
    releases: tuple[Release, ...]
    """Sorted by version, lowest first."""

    @property
    def normalized(self) -> str:
        return canonicalize_name(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Root:
    requires: tuple[str, ...] = ()
    requires_python: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolverOptions:
    universal: bool = False
    prereleases: bool = False
    no_build: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    python: str | None = None
    python_platform: str | None = None
    required_environments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Environment:
    python: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    satisfiable: bool | None = None
    """None when the scenario does not say (universes written only to be served)."""
    packages: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    explanation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    name: str
    description: str = ""
    root: Root = field(default_factory=Root)
    packages: Mapping[str, Package] = field(default_factory=lambda: MappingProxyType({}))
    """The default index's packages, by normalized name."""
    indexes: Mapping[str, Mapping[str, Package]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Named indexes (served at `/{name}/simple/`), each with its packages by normalized name."""
    resolver_options: ResolverOptions = field(default_factory=ResolverOptions)
    environment: Environment = field(default_factory=Environment)
    expected: Expected = field(default_factory=Expected)
    pyproject: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """Extra pyproject.toml content for the project under test (`[pyproject.tool.ulock]`:
    indexes, sources, conflicts, environments), kept as written for the scenario runner."""
    source: Path | None = None

    def all_indexes(self) -> Mapping[str, Mapping[str, Package]]:
        """Every index by name, the default one first under `DEFAULT_INDEX`."""
        return MappingProxyType({DEFAULT_INDEX: self.packages, **self.indexes})


def load_scenario(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioError(f"cannot read scenario: {error.strerror}", path=path) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"invalid TOML: {error}", path=path) from None
    return scenario_from_dict(data, source=path, default_name=path.stem)


def as_scenario(universe: Scenario | Mapping[str, Any] | Path | str) -> Scenario:
    """A `Scenario` from a scenario, a dict in the scenario shape, or a path to a TOML file."""
    if isinstance(universe, Scenario):
        return universe
    if isinstance(universe, Mapping):
        return scenario_from_dict(universe)
    return load_scenario(universe)


def scenario_from_dict(
    data: Mapping[str, Any], *, source: Path | None = None, default_name: str = "universe"
) -> Scenario:
    reader = _Reader(source)
    reader.check_keys(data, _TOP_KEYS, "")
    indexes: dict[str, Mapping[str, Package]] = {}
    for index_name, index_data in reader.table(data, "indexes").items():
        if index_name == DEFAULT_INDEX:
            reader.fail(f"`{DEFAULT_INDEX}` is the name of the index at /simple/", "indexes")
        where = f"indexes.{index_name}"
        index_table = reader.table({"t": index_data}, "t", where=where)
        reader.check_keys(index_table, frozenset({"packages"}), where)
        indexes[index_name] = reader.packages(index_table, where)
    root = reader.table(data, "root")
    reader.check_keys(root, frozenset({"requires", "requires_python"}), "root")
    options = reader.table(data, "resolver_options")
    environment = reader.table(data, "environment")
    expected = reader.table(data, "expected")
    reader.check_keys(environment, frozenset({"python"}), "environment")
    reader.check_keys(expected, frozenset({"satisfiable", "packages", "explanation"}), "expected")
    return Scenario(
        name=reader.string(data, "name") or default_name,
        description=reader.string(data, "description") or "",
        root=Root(
            requires=reader.requirements(root, "requires", "root"),
            requires_python=reader.specifier(root, "requires_python", "root"),
        ),
        packages=reader.packages(data, ""),
        indexes=MappingProxyType(indexes),
        resolver_options=reader.resolver_options(options),
        environment=Environment(python=reader.string(environment, "python", "environment")),
        expected=Expected(
            satisfiable=reader.optional_bool(expected, "satisfiable", "expected"),
            packages=MappingProxyType(
                {
                    str(name): str(version)
                    for name, version in reader.table(expected, "packages").items()
                }
            ),
            explanation=reader.string(expected, "explanation", "expected"),
        ),
        pyproject=MappingProxyType(dict(reader.table(data, "pyproject"))),
        source=source,
    )


class _Reader:
    """Typed access to the raw dict, failing with the key path of whatever is wrong."""

    def __init__(self, source: Path | None) -> None:
        self.source = source

    def fail(self, message: str, key: str) -> NoReturn:
        raise ScenarioError(message, path=self.source, key=key or None)

    def check_keys(self, table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}", where)

    def table(
        self, data: Mapping[str, Any], key: str, *, where: str | None = None
    ) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail("expected a table", where or key)
        return value

    def string(self, data: Mapping[str, Any], key: str, where: str = "") -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail("expected a string", f"{where}.{key}".lstrip("."))
        return value

    def optional_bool(self, data: Mapping[str, Any], key: str, where: str) -> bool | None:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail("expected true or false", f"{where}.{key}")
        return value

    def strings(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail("expected a list of strings", f"{where}.{key}".lstrip("."))
        return tuple(value)

    def requirements(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.strings(data, key, where)
        for index, value in enumerate(values):
            try:
                Requirement(value)
            except InvalidRequirement as error:
                self.fail(f"invalid requirement {value!r} ({error})", f"{where}.{key}[{index}]")
        return values

    def specifier(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        value = self.string(data, key, where)
        if value is not None:
            try:
                SpecifierSet(value)
            except InvalidSpecifier:
                self.fail(f"invalid specifier {value!r}", f"{where}.{key}")
        return value

    def packages(self, data: Mapping[str, Any], where: str) -> Mapping[str, Package]:
        prefix = f"{where}.packages" if where else "packages"
        found: dict[str, Package] = {}
        for name, package_data in self.table(data, "packages", where=prefix).items():
            key = f"{prefix}.{name}"
            package_table = self.table({"p": package_data}, "p", where=key)
            self.check_keys(package_table, frozenset({"versions", "description"}), key)
            normalized = canonicalize_name(name)
            if normalized in found:
                self.fail(f"`{name}` and `{found[normalized].name}` are one package", key)
            releases: dict[Version, Release] = {}
            versions = self.table(package_table, "versions", where=f"{key}.versions")
            for version_text, release_data in versions.items():
                for release in self.releases(version_text, release_data, f"{key}.versions"):
                    if release.version in releases:
                        self.fail(f"version {release.version} appears twice", key)
                    releases[release.version] = release
            found[normalized] = Package(
                name=name, releases=tuple(sorted(releases.values(), key=_by_version))
            )
        return MappingProxyType(dict(sorted(found.items())))

    def releases(self, version_text: str, data: Any, where: str) -> Iterator[Release]:
        key = f'{where}."{version_text}"'
        table = self.table({"r": data}, "r", where=key)
        self.check_keys(table, _RELEASE_KEYS, key)
        try:
            version = Version(version_text)
        except InvalidVersion:
            self.fail(f"invalid version {version_text!r}", key)
        extras: dict[str, tuple[str, ...]] = {}
        for extra, _requires in self.table(table, "extras", where=f"{key}.extras").items():
            extras[str(extra)] = self.requirements(table["extras"], extra, f"{key}.extras")
        sdist_metadata = table.get("sdist_metadata", "static")
        if sdist_metadata not in _SDIST_METADATA:
            self.fail(f"expected one of {', '.join(_SDIST_METADATA)}", f"{key}.sdist_metadata")
        yanked = table.get("yanked", False)
        if not isinstance(yanked, bool | str):
            self.fail("expected true, false or a reason", f"{key}.yanked")
        release = Release(
            version=version,
            requires=self.requirements(table, "requires", key),
            requires_python=self.specifier(table, "requires_python", key),
            extras=MappingProxyType(extras),
            wheel_tags=self._tags(table, key),
            sdist=self.optional_bool(table, "sdist", key) is not False,
            wheel=self.optional_bool(table, "wheel", key) is not False,
            yanked=("" if yanked is True else None) if isinstance(yanked, bool) else yanked,
            upload_time=self._time(table.get("upload_time"), f"{key}.upload_time"),
            sdist_metadata=sdist_metadata,
            build_requires=self.requirements(table, "build_requires", key),
        )
        yield release
        for label in self.strings(table, "local", key):
            if version.local is not None:
                self.fail("a version with a local label cannot have local variants", key)
            try:
                local_version = Version(f"{version}+{label}")
            except InvalidVersion:
                self.fail(f"invalid local label {label!r}", f"{key}.local")
            yield replace(release, version=local_version)

    def _tags(self, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
        tags = self.strings(table, "wheel_tags", key)
        for tag in tags:
            if tag.count("-") != 2 or "" in tag.split("-"):
                self.fail(f"invalid wheel tag {tag!r}", f"{key}.wheel_tags")
        return tags

    def _time(self, value: Any, key: str) -> datetime:
        if value is None:
            return DEFAULT_UPLOAD_TIME
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.fail(f"invalid date-time {value!r}", key)
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        self.fail("expected a date-time", key)

    def resolver_options(self, options: Mapping[str, Any]) -> ResolverOptions:
        where = "resolver_options"
        self.check_keys(options, frozenset(ResolverOptions.__dataclass_fields__), where)
        return ResolverOptions(
            universal=self.optional_bool(options, "universal", where) or False,
            prereleases=self.optional_bool(options, "prereleases", where) or False,
            no_build=self.strings(options, "no_build", where),
            no_binary=self.strings(options, "no_binary", where),
            python=self.string(options, "python", where),
            python_platform=self.string(options, "python_platform", where),
            required_environments=self.strings(options, "required_environments", where),
        )


def _by_version(release: Release) -> Version:
    return release.version
