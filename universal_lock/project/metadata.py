"""``[project]`` (PEP 621), ``[build-system]`` (PEP 518) and ``[dependency-groups]`` (PEP 735).

Reads the parts of the standard tables that affect a lock, checks their types,
and parses every requirement with ``packaging``; an error names the key path,
the line, and quotes the bad string. Dependency groups are checked here first
(shape, requirements, unknown includes, include cycles, so each problem points at
its line) and then flattened by ``packaging.dependency_groups``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.dependency_groups import DependencyGroupResolver
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from universal_lock.project.document import KeyPath, PyprojectDocument
from universal_lock.project.model import BuildSystem
from universal_lock.project.tables import describe

# PEP 508 names (project, extras, groups): letters and digits, inner ., _ or -.
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardTables:
    """What the standard tables say, parsed."""

    name: str | None
    requires_python: SpecifierSet | None
    dependencies: tuple[Requirement, ...]
    optional_dependencies: Mapping[str, tuple[Requirement, ...]]
    dependency_groups: Mapping[str, tuple[Requirement, ...]]
    build_system: BuildSystem | None


def read_standard_tables(document: PyprojectDocument) -> StandardTables:
    """Parse ``[project]``, ``[build-system]`` and ``[dependency-groups]`` of ``document``."""
    data = document.data
    project = _table(document, data, ("project",))
    name = None
    requires_python = None
    dependencies: tuple[Requirement, ...] = ()
    extras: dict[str, tuple[Requirement, ...]] = {}
    if project is not None:
        name = _project_name(document, project)
        if "dependencies" in _strings(document, project.get("dynamic", []), ("project", "dynamic")):
            raise document.error(
                ("project", "dynamic"),
                "`dependencies` is dynamic, so ulock cannot read them without building the project",
                hint="list the dependencies in `[project] dependencies`",
            )
        requires_python = _requires_python(document, project.get("requires-python"))
        dependencies = requirements(
            document, project.get("dependencies", []), ("project", "dependencies")
        )
        extras = _extras(document, project)
    return StandardTables(
        name=name,
        requires_python=requires_python,
        dependencies=dependencies,
        optional_dependencies=extras,
        dependency_groups=_dependency_groups(document),
        build_system=_build_system(document),
    )


def requirement(document: PyprojectDocument, value: Any, at: KeyPath) -> Requirement:
    """Parse one PEP 508 requirement found at ``at``."""
    if not isinstance(value, str):
        raise document.error(at, f"expected a requirement string, got {describe(value)}")
    try:
        return Requirement(value)
    except InvalidRequirement as error:
        raise document.invalid(
            at,
            "requirement",
            value,
            detail=parser_detail(str(error)),
            hint="write a PEP 508 requirement such as `name>=1.0; sys_platform == 'linux'`",
        ) from None


def requirements(document: PyprojectDocument, value: Any, at: KeyPath) -> tuple[Requirement, ...]:
    """Parse an array of requirements found at ``at``."""
    if not isinstance(value, list):
        raise document.error(at, f"expected an array of requirements, got {describe(value)}")
    return tuple(requirement(document, item, (*at, index)) for index, item in enumerate(value))


def parser_detail(message: str) -> str:
    """``packaging``'s multi-line parse error as one line: the reason and the column."""
    lines = message.splitlines()
    if len(lines) >= 3 and "^" in lines[2]:
        return f"{lines[0]}, at character {lines[2].index('^') - 3}"
    return lines[0] if lines else message


def _table(document: PyprojectDocument, parent: dict[str, Any], at: KeyPath) -> Any:
    value = parent.get(str(at[-1]))
    if value is not None and not isinstance(value, dict):
        raise document.error(at, f"expected a table, got {describe(value)}")
    return value


def _strings(document: PyprojectDocument, value: Any, at: KeyPath) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise document.error(at, f"expected an array of strings, got {describe(value)}")
    return value


def check_name(document: PyprojectDocument, value: Any, at: KeyPath, what: str) -> str:
    """Check a PEP 508 name (of the project, an extra or a group); return it normalized."""
    if not isinstance(value, str):
        raise document.error(at, f"the {what} name must be a string, got {describe(value)}")
    if not _NAME.match(value):
        raise document.error(
            at,
            f"invalid {what} name {value!r}",
            hint="use letters and digits, with `.`, `_` or `-` between them",
        )
    return canonicalize_name(value)


def _project_name(document: PyprojectDocument, project: dict[str, Any]) -> str:
    if "name" not in project:
        raise document.error(
            ("project",), "missing required key `name`", hint="add `name = ...` to `[project]`"
        )
    return check_name(document, project["name"], ("project", "name"), "project")


def _requires_python(document: PyprojectDocument, value: Any) -> SpecifierSet | None:
    at: KeyPath = ("project", "requires-python")
    if value is None:
        return None
    if not isinstance(value, str):
        raise document.error(at, f"expected a version specifier string, got {describe(value)}")
    try:
        return SpecifierSet(value)
    except InvalidSpecifier:
        raise document.invalid(
            at, "version specifier", value, hint="write a specifier such as `>=3.10`"
        ) from None


def _extras(
    document: PyprojectDocument, project: dict[str, Any]
) -> dict[str, tuple[Requirement, ...]]:
    at: KeyPath = ("project", "optional-dependencies")
    table = _table(document, project, at) or {}
    extras: dict[str, tuple[Requirement, ...]] = {}
    spelled: dict[str, str] = {}
    for extra, items in table.items():
        name = check_name(document, extra, (*at, extra), "extra")
        if name in spelled:
            raise document.error(
                (*at, extra),
                f"extras `{spelled[name]}` and `{extra}` are the same name once normalized",
                hint="merge them into one extra",
            )
        spelled[name] = extra
        extras[name] = requirements(document, items, (*at, extra))
    return extras


def _build_system(document: PyprojectDocument) -> BuildSystem | None:
    table = _table(document, document.data, ("build-system",))
    if table is None:
        return None
    at: KeyPath = ("build-system",)
    backend = table.get("build-backend")
    if backend is not None and not isinstance(backend, str):
        raise document.error((*at, "build-backend"), f"expected a string, got {describe(backend)}")
    return BuildSystem(
        requires=requirements(document, table.get("requires", []), (*at, "requires")),
        build_backend=backend,
        backend_path=tuple(
            _strings(document, table.get("backend-path", []), (*at, "backend-path"))
        ),
    )


def _dependency_groups(document: PyprojectDocument) -> dict[str, tuple[Requirement, ...]]:
    at: KeyPath = ("dependency-groups",)
    table = _table(document, document.data, at) or {}
    spelled: dict[str, str] = {}
    includes: dict[str, list[tuple[str, KeyPath]]] = {}
    for group, items in table.items():
        name = check_name(document, group, (*at, group), "dependency group")
        if name in spelled:
            raise document.error(
                (*at, group),
                f"groups `{spelled[name]}` and `{group}` are the same name once normalized",
                hint="merge them into one group",
            )
        spelled[name] = group
        includes[name] = _group_items(document, items, (*at, group))
    for name, edges in includes.items():
        for included, where in edges:
            if included not in includes:
                raise document.error(
                    where,
                    f"group `{spelled[name]}` includes `{included}`, which is not defined",
                    hint=defined_groups_hint(spelled.values()),
                )
    _check_cycles(document, includes, spelled)
    resolver = DependencyGroupResolver(table)
    return {name: _unique(resolver.resolve(name)) for name in spelled}


def _group_items(document: PyprojectDocument, items: Any, at: KeyPath) -> list[tuple[str, KeyPath]]:
    """Check a group's entries; return its includes (normalized name, key path)."""
    if not isinstance(items, list):
        raise document.error(at, f"expected an array, got {describe(items)}")
    edges: list[tuple[str, KeyPath]] = []
    for index, item in enumerate(items):
        where = (*at, index)
        if isinstance(item, dict):
            included = item.get("include-group")
            if set(item) != {"include-group"} or not isinstance(included, str):
                raise document.error(
                    where,
                    'a table in a dependency group must be `{include-group = "NAME"}`',
                )
            edges.append((canonicalize_name(included), (*where, "include-group")))
        else:
            requirement(document, item, where)
    return edges


def _check_cycles(
    document: PyprojectDocument,
    includes: dict[str, list[tuple[str, KeyPath]]],
    spelled: dict[str, str],
) -> None:
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        path = (*trail, name)
        for included, where in includes[name]:
            if included in path:
                cycle = (*path[path.index(included) :], included)
                shown = " -> ".join(f"`{spelled.get(group, group)}`" for group in cycle)
                raise document.error(
                    where,
                    f"dependency groups include each other in a cycle: {shown}",
                    hint="remove one of these `include-group` entries",
                )
            if included not in done:
                visit(included, path)
        done.add(name)

    for name in includes:
        if name not in done:
            visit(name, ())


def _unique(items: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
    seen: dict[str, Requirement] = {}
    for item in items:
        seen.setdefault(str(item), item)
    return tuple(seen.values())


def defined_groups_hint(groups: Any) -> str:
    """A hint listing the dependency groups a project defines."""
    if not groups:
        return "the project defines no `[dependency-groups]`"
    return "defined groups: " + ", ".join(f"`{name}`" for name in groups)


def defined_extras_hint(extras: Any) -> str:
    """A hint listing the extras a project defines."""
    if not extras:
        return "the project defines no `[project.optional-dependencies]`"
    return "defined extras: " + ", ".join(f"`{name}`" for name in extras)


def known_extra(
    document: PyprojectDocument, tables: StandardTables, value: str, at: KeyPath
) -> str:
    """``value`` as the normalized name of an extra the project defines, else an error at ``at``."""
    name = canonicalize_name(value)
    if name not in tables.optional_dependencies:
        raise document.error(
            at, f"unknown extra {value!r}", hint=defined_extras_hint(tables.optional_dependencies)
        )
    return name


def known_group(
    document: PyprojectDocument, tables: StandardTables, value: str, at: KeyPath
) -> str:
    """``value`` as the normalized name of a group the project defines, else an error at ``at``."""
    name = canonicalize_name(value)
    if name not in tables.dependency_groups:
        raise document.error(
            at,
            f"unknown dependency group {value!r}",
            hint=defined_groups_hint(tables.dependency_groups),
        )
    return name
