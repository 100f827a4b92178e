"""Read ``pylock.toml`` into a ``Lock``, so that anything accepted is valid PEP 751.

Reading goes in three steps: ``tomllib`` parses the text; ``packaging.pylock.Pylock.from_dict``
checks it against the standard (its error context, such as ``packages[2].wheels[0]``, becomes
the key of our ``InputError``); then the plain values are mapped onto the model, which adds
ulock's own rules (no ``extra`` in markers, a sha256 per file, a known ``[tool.ulock]``
layout). Every problem is an ``InputError`` naming the file and the key: exit code 2, never a
traceback. Other tools' ``[tool]`` tables and ``attestation-identities`` are not kept.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from packaging.pylock import Pylock, PylockValidationError
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import InputError
from universal_lock.lockfile.model import (
    BuildPin,
    ConflictMember,
    Lock,
    LockedArchive,
    LockedDirectory,
    LockedFile,
    LockedPackage,
    LockedVcs,
)

__all__ = ["parse_lock", "read_lock", "read_lock_if_present"]

_T = TypeVar("_T")
_LOCK_TOOL_KEYS = ("fork-markers", "input-fingerprint", "conflicts", "build-packages")
_CONFLICT_SHAPE = 'expected `{ extra = "name" }` or `{ group = "name" }`'
_PACKAGE_TOOL_KEYS = ("build-requires",)
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_NOT_PEP_751 = "the file is not a valid PEP 751 lockfile; regenerate it with `ulock lock`"


def read_lock(path: Path) -> Lock:
    """Read and validate the lockfile at ``path``; ``InputError`` if it is missing or invalid."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("the lockfile does not exist", path=path) from None
    except OSError as error:
        raise InputError(f"cannot read the lockfile: {error.strerror}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"the lockfile is not UTF-8 text ({error.reason})", path=path) from None
    return parse_lock(text, source=path)


def read_lock_if_present(path: Path) -> Lock | None:
    """Like ``read_lock``, but a missing file (an expected case for a first lock) is ``None``."""
    if not path.exists():
        return None
    return read_lock(path)


def parse_lock(text: str, *, source: Path | str) -> Lock:
    """Parse lockfile ``text``; ``source`` names it in errors (a path, or ``HEAD:pylock.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        detail = message[: position.start()] if position else message
        raise InputError(f"invalid TOML: {detail}", path=source, line=line) from None
    _validate_pep_751(data, source=source, prefix="")
    return _Reader(source).lock(data)


def _validate_pep_751(data: Mapping[str, Any], *, source: Path | str, prefix: str) -> None:
    try:
        Pylock.from_dict(data)
    except PylockValidationError as error:
        key = f"{prefix}{error.context}" if error.context else (prefix.rstrip(".") or None)
        raise InputError(error.message, path=source, key=key, hint=_NOT_PEP_751) from None


class _Reader:
    """Maps validated plain values to the model; knows the file name for error messages."""

    def __init__(self, source: Path | str) -> None:
        self.source = source

    def error(self, message: str, key: str | None) -> InputError:
        return InputError(message, path=self.source, key=key, hint=_NOT_PEP_751)

    def build(self, key: str | None, factory: Callable[..., _T], /, **fields: Any) -> _T:
        try:
            return factory(**fields)
        except ValueError as error:
            raise self.error(str(error), key) from None

    def lock(self, data: Mapping[str, Any]) -> Lock:
        tool = self.tool_table(data, "tool.ulock", _LOCK_TOOL_KEYS)
        build_packages = tool.get("build-packages", [])
        if not isinstance(build_packages, list):
            raise self.error("expected an array of tables", "tool.ulock.build-packages")
        if build_packages:
            shell = {"lock-version": "1.0", "created-by": "ulock", "packages": build_packages}
            # The same PEP 751 rules as for [[packages]]; errors name the real key.
            _validate_pep_751(shell, source=self.source, prefix="tool.ulock.build-")
        requires_python = data.get("requires-python")
        return self.build(
            None,
            Lock,
            environments=tuple(data.get("environments", ())),
            requires_python=None if requires_python is None else SpecifierSet(requires_python),
            extras=tuple(data.get("extras", ())),
            dependency_groups=tuple(data.get("dependency-groups", ())),
            default_groups=tuple(data.get("default-groups", ())),
            created_by=data["created-by"],
            packages=tuple(
                self.package(entry, f"packages[{i}]") for i, entry in enumerate(data["packages"])
            ),
            fork_markers=tuple(self.strings(tool, "fork-markers", "tool.ulock.fork-markers")),
            input_fingerprint=self.optional_string(
                tool, "input-fingerprint", "tool.ulock.input-fingerprint"
            ),
            build_packages=tuple(
                self.package(entry, f"tool.ulock.build-packages[{i}]")
                for i, entry in enumerate(build_packages)
            ),
            conflicts=self.conflicts(tool.get("conflicts", []), "tool.ulock.conflicts"),
        )

    def conflicts(self, value: object, key: str) -> tuple[tuple[ConflictMember, ...], ...]:
        if not isinstance(value, list):
            raise self.error("expected an array of arrays of tables", key)
        sets: list[tuple[ConflictMember, ...]] = []
        for i, members in enumerate(value):
            if not isinstance(members, list):
                raise self.error("expected an array of tables", f"{key}[{i}]")
            parsed: list[ConflictMember] = []
            for j, member in enumerate(members):
                where = f"{key}[{i}][{j}]"
                if (
                    not isinstance(member, Mapping)
                    or len(member) != 1
                    or not set(member) <= {"extra", "group"}
                    or not all(isinstance(name, str) for name in member.values())
                ):
                    raise self.error(_CONFLICT_SHAPE, where)
                parsed.append(self.build(where, ConflictMember, **member))
            sets.append(tuple(parsed))
        return tuple(sets)

    def tool_table(
        self, data: Mapping[str, Any], key: str, known: Sequence[str]
    ) -> Mapping[str, Any]:
        tool = data.get("tool", {}).get("ulock", {})
        if not isinstance(tool, Mapping):
            raise self.error("expected a table", key)
        for name in tool:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                raise InputError(
                    f"unknown key `{name}`",
                    path=self.source,
                    key=f"{key}.{name}",
                    hint=f"did you mean `{close[0]}`?" if close else None,
                )
        return tool

    def strings(self, table: Mapping[str, Any], name: str, key: str) -> list[str]:
        values = table.get(name, [])
        if not isinstance(values, list):
            raise self.error("expected an array of strings", key)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error("expected a string", f"{key}[{i}]")
        return values

    def optional_string(self, table: Mapping[str, Any], name: str, key: str) -> str | None:
        value = table.get(name)
        if value is not None and not isinstance(value, str):
            raise self.error("expected a string", key)
        return value

    def package(self, entry: Mapping[str, Any], key: str) -> LockedPackage:
        tool = self.tool_table(entry, f"{key}.tool.ulock", _PACKAGE_TOOL_KEYS)
        pins_key = f"{key}.tool.ulock.build-requires"
        pins = [
            self.build_pin(text, f"{pins_key}[{i}]")
            for i, text in enumerate(self.strings(tool, "build-requires", pins_key))
        ]
        version = entry.get("version")
        requires_python = entry.get("requires-python")
        sdist = entry.get("sdist")
        return self.build(
            key,
            LockedPackage,
            name=entry["name"],
            version=None if version is None else Version(version),
            marker=entry.get("marker"),
            requires_python=None if requires_python is None else SpecifierSet(requires_python),
            index=entry.get("index"),
            sdist=None if sdist is None else self.file(sdist, f"{key}.sdist"),
            wheels=tuple(
                self.file(wheel, f"{key}.wheels[{i}]")
                for i, wheel in enumerate(entry.get("wheels", ()))
            ),
            directory=self.directory(entry.get("directory"), f"{key}.directory"),
            archive=self.archive(entry.get("archive"), f"{key}.archive"),
            vcs=self.vcs(entry.get("vcs"), f"{key}.vcs"),
            build_requires=tuple(pins),
        )

    def file(self, table: Mapping[str, Any], key: str) -> LockedFile:
        url, path = table.get("url"), table.get("path")
        # PEP 751 lets `name` be left out when the url or path ends in it.
        name = table.get("name") or _file_name(url, path)
        return self.build(
            key,
            LockedFile,
            name=name,
            url=url,
            path=path,
            size=table.get("size"),
            upload_time=_utc(table.get("upload-time")),
            hashes=_lower_hashes(table["hashes"]),
        )

    def directory(self, table: Mapping[str, Any] | None, key: str) -> LockedDirectory | None:
        if table is None:
            return None
        return self.build(
            key,
            LockedDirectory,
            path=table["path"],
            editable=bool(table.get("editable", False)),
            subdirectory=table.get("subdirectory"),
        )

    def archive(self, table: Mapping[str, Any] | None, key: str) -> LockedArchive | None:
        if table is None:
            return None
        return self.build(
            key,
            LockedArchive,
            url=table.get("url"),
            path=table.get("path"),
            size=table.get("size"),
            upload_time=_utc(table.get("upload-time")),
            hashes=_lower_hashes(table["hashes"]),
            subdirectory=table.get("subdirectory"),
        )

    def vcs(self, table: Mapping[str, Any] | None, key: str) -> LockedVcs | None:
        if table is None:
            return None
        return self.build(
            key,
            LockedVcs,
            type=table["type"],
            url=table.get("url"),
            path=table.get("path"),
            requested_revision=table.get("requested-revision"),
            commit_id=table["commit-id"],
            subdirectory=table.get("subdirectory"),
        )

    def build_pin(self, text: str, key: str) -> BuildPin:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise self.error(f"invalid build requirement {text!r}: {error}", key) from None
        specifiers = list(requirement.specifier)
        if (
            requirement.url
            or requirement.extras
            or len(specifiers) != 1
            or specifiers[0].operator != "=="
            or specifiers[0].version.endswith(".*")
        ):
            raise self.error(f"a build requirement must be `name==version`, not {text!r}", key)
        _, _, marker = text.partition(";")
        return self.build(
            key,
            BuildPin,
            name=requirement.name,
            version=Version(specifiers[0].version),
            marker=marker.strip() or None,
        )


def _file_name(url: str | None, path: str | None) -> str:
    if path is not None:
        return path.replace("\\", "/").rsplit("/", 1)[-1]
    # The last segment of a URL is percent-encoded (`torch-2.3.0%2Bcu121-...`).
    return unquote(urlsplit(url or "").path.rsplit("/", 1)[-1])


def _utc(value: datetime | None) -> datetime | None:
    # PEP 751 upload times are UTC; a TOML local datetime is read as such.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _lower_hashes(hashes: Mapping[str, str]) -> dict[str, str]:
    return {algorithm: digest.lower() for algorithm, digest in hashes.items()}
