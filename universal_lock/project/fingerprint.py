"""The input fingerprint: one sha256 over everything in ``pyproject.toml`` that affects the lock.

``ulock lock --check`` compares it with the one stored in ``pylock.toml``, so it
must be cheap (no pydantic, no validation: only ``tomllib`` and ``packaging``'s
parsers) and stable: reformatting the file, reordering keys or requirement lists,
spelling a name ``Foo_Bar`` instead of ``foo-bar``, or editing tables that do not
affect the lock (``[project] description``, ``[tool.ruff]``) leaves it unchanged.
Credentials in index URLs are removed before hashing, so changing a password
does not invalidate the lock.

Included: ``[project]`` ``name``, ``requires-python``, ``dependencies``,
``optional-dependencies``; ``[dependency-groups]``; ``[build-system]`` (its presence
and ``requires``); and ``[tool.ulock]`` whole, or, when it is absent, the
``[tool.uv]`` keys ulock reads instead. Strings that do not parse are hashed as
written (loading the project reports them).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from universal_lock.project.document import read_pyproject, redact_credentials

# Bump when the normalization changes, so old locks are reported out of date.
FINGERPRINT_VERSION = 1

# The [tool.uv] keys ulock reads when [tool.ulock] is absent (same meaning, same names).
UV_KEYS = (
    "environments",
    "required-environments",
    "conflicts",
    "override-dependencies",
    "constraint-dependencies",
    "index-strategy",
    "prerelease",
    "resolution",
    "exclude-newer",
    "allow-insecure-host",
    "default-groups",
    "index",
    "sources",
)
_REQUIREMENT_LISTS = frozenset({"override-dependencies", "constraint-dependencies"})
_MARKER_LISTS = frozenset({"environments", "required-environments"})
_NAME_KEYS = frozenset({"extra", "group", "include-group"})
_NAME_SEPARATORS = re.compile(r"[-_.]+")


def fingerprint_file(directory: Path) -> str:
    """The fingerprint of ``directory/pyproject.toml`` (raises ``InputError`` if unreadable)."""
    return fingerprint_data(read_pyproject(directory).data)


def fingerprint_data(data: dict[str, Any]) -> str:
    """The fingerprint of a parsed ``pyproject.toml``: 64 hex digits."""
    payload = json.dumps(
        _lock_inputs(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_inputs(data: dict[str, Any]) -> dict[str, Any]:
    project = _table(data.get("project"))
    inputs: dict[str, Any] = {"version": FINGERPRINT_VERSION}
    if project:
        extras = _table(project.get("optional-dependencies"))
        inputs["project"] = {
            "name": _name(project.get("name")),
            "requires-python": _specifier(project.get("requires-python")),
            "dependencies": _requirements(project.get("dependencies")),
            "optional-dependencies": {
                _name(extra): _requirements(items) for extra, items in extras.items()
            },
            "dynamic": sorted(_plain(project.get("dynamic")) or []),
        }
    groups = _table(data.get("dependency-groups"))
    if groups:
        inputs["dependency-groups"] = {
            _name(group): _group_items(items) for group, items in groups.items()
        }
    if "build-system" in data:
        build_system = _table(data.get("build-system"))
        inputs["build-system"] = {"requires": _requirements(build_system.get("requires"))}
    tool = _table(data.get("tool"))
    if "ulock" in tool:
        inputs["tool.ulock"] = _settings(_table(tool["ulock"]))
    else:
        uv = _table(tool.get("uv"))
        read = {key: uv[key] for key in UV_KEYS if key in uv}
        if read:
            inputs["tool.uv"] = _settings(read)
    return inputs


def _settings(table: dict[str, Any]) -> dict[str, Any]:
    normalized: dict[str, Any] = {}
    for key, value in table.items():
        if key in _REQUIREMENT_LISTS:
            normalized[key] = _requirements(value)
        elif key in _MARKER_LISTS:
            values = [value] if isinstance(value, str) else value
            normalized[key] = sorted(_marker(item) for item in values or [])
        elif key == "sources" and isinstance(value, dict):
            normalized[key] = {_name(package): _plain(spec) for package, spec in value.items()}
        elif key == "default-groups" and isinstance(value, list):
            normalized[key] = sorted(_name(group) for group in value)
        else:
            normalized[key] = _plain(value)
    return normalized


def _plain(value: Any) -> Any:
    """JSON-able form of a TOML value, with names, markers and URLs normalized."""
    if isinstance(value, dict):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if key in _NAME_KEYS:
                plain[key] = _name(item)
            elif key == "marker":
                plain[key] = _marker(item)
            elif key == "url":
                plain[key] = (
                    redact_credentials(item, mask="") if isinstance(item, str) else _plain(item)
                )
            else:
                plain[key] = _plain(item)
        return plain
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return value


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> Any:
    if isinstance(value, str):
        return _NAME_SEPARATORS.sub("-", value).lower()
    return _plain(value)


def _requirements(value: Any) -> Any:
    if not isinstance(value, list):
        return _plain(value)
    return sorted(_requirement(item) for item in value)


def _requirement(value: Any) -> str:
    if not isinstance(value, str):
        return json.dumps(_plain(value), sort_keys=True)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(value)
    except InvalidRequirement:
        return value.strip()
    requirement.name = _name(requirement.name)
    return str(requirement)


def _group_items(value: Any) -> Any:
    if not isinstance(value, list):
        return _plain(value)
    return sorted(
        _requirement(item) if isinstance(item, str) else json.dumps(_plain(item), sort_keys=True)
        for item in value
    )


def _specifier(value: Any) -> Any:
    if not isinstance(value, str):
        return _plain(value)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return str(SpecifierSet(value))
    except InvalidSpecifier:
        return value.strip()


def _marker(value: Any) -> Any:
    if not isinstance(value, str):
        return _plain(value)
    from packaging.markers import InvalidMarker, Marker

    try:
        return str(Marker(value))
    except InvalidMarker:
        return value.strip()
