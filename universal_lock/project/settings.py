"""``[tool.ulock]`` (or the ``[tool.uv]`` keys it shares), checked, as :class:`Settings`.

:mod:`.tables` has already checked shapes and types; this module checks meaning:
markers and requirements parse, environments do not overlap, indexes have valid,
unique names and existing local directories, ``conflicts`` and ``default-groups``
name extras and groups the project defines. Sources are checked in :mod:`.sources`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any, cast

from packaging.requirements import Requirement

from universal_lock.project._marker_input import marker_at
from universal_lock.project._urls import local_location
from universal_lock.project.document import KeyPath, PyprojectDocument, format_key
from universal_lock.project.fingerprint import UV_KEYS
from universal_lock.project.metadata import (
    StandardTables,
    known_extra,
    known_group,
    requirement,
)
from universal_lock.project.model import (
    ConflictItem,
    IndexDefinition,
    IndexStrategy,
    Settings,
    SettingsOrigin,
)
from universal_lock.project.sources import read_sources
from universal_lock.project.tables import (
    ConflictTable,
    UlockTable,
    UvTable,
    describe,
    validate_table,
)

if TYPE_CHECKING:
    from universal_lock.markers import MarkerTree

_INDEX_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def read_settings(document: PyprojectDocument, tables: StandardTables) -> Settings:
    """The settings of ``document``: ``[tool.ulock]``, else ``[tool.uv]``, else defaults."""
    tool = document.data.get("tool", {})
    if not isinstance(tool, dict):
        raise document.error(("tool",), f"expected a table, got {describe(tool)}")
    if "ulock" in tool:
        at: KeyPath = ("tool", "ulock")
        table: UlockTable | UvTable = validate_table(document, UlockTable, tool["ulock"], at)
        ignored: tuple[str, ...] = ()
    elif isinstance(tool.get("uv"), dict) and any(key in tool["uv"] for key in UV_KEYS):
        at = ("tool", "uv")
        table = validate_table(document, UvTable, tool["uv"], at)
        ignored = tuple(format_key((*at, key)) for key in tool["uv"] if key not in UV_KEYS)
    else:
        return Settings(default_groups=_default_groups(document, None, tables, ("tool", "ulock")))
    origin: SettingsOrigin = "tool.ulock" if at[-1] == "ulock" else "tool.uv"
    indexes = _indexes(document, table, at)
    conflicts = _conflicts(document, table, tables, at)
    return Settings(
        origin=origin,
        environments=_environments(document, table.environments, (*at, "environments")),
        required_environments=_markers(
            document, table.required_environments, (*at, "required-environments")
        ),
        conflicts=conflicts,
        overrides=_requirements(
            document, table.override_dependencies, (*at, "override-dependencies")
        ),
        constraints=_requirements(
            document, table.constraint_dependencies, (*at, "constraint-dependencies")
        ),
        index_strategy=_index_strategy(document, table.index_strategy, (*at, "index-strategy")),
        prerelease=table.prerelease,
        resolution=table.resolution,
        exclude_newer=_exclude_newer(document, table.exclude_newer, (*at, "exclude-newer")),
        allow_insecure_host=tuple(table.allow_insecure_host),
        default_groups=_default_groups(document, table.default_groups, tables, at),
        indexes=indexes,
        sources=read_sources(
            document,
            table.sources,
            at=(*at, "sources"),
            indexes=indexes,
            tables=tables,
            conflicts=conflicts,
            uv=origin == "tool.uv",
        ),
        ignored_keys=ignored,
    )


def _markers(document: PyprojectDocument, value: Any, at: KeyPath) -> tuple[MarkerTree, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # uv allows a single marker string
        return (marker_at(document, value, at),)
    if not isinstance(value, list):
        raise document.error(at, f"expected an array of marker strings, got {describe(value)}")
    return tuple(marker_at(document, item, (*at, index)) for index, item in enumerate(value))


def _environments(document: PyprojectDocument, value: Any, at: KeyPath) -> tuple[MarkerTree, ...]:
    environments = _markers(document, value, at)
    for (first, one), (second, other) in combinations(enumerate(environments), 2):
        if not one.is_disjoint(other):
            raise document.error(
                (*at, second),
                f"environments {value[first]!r} (`{format_key((*at, first))}`) and "
                f"{value[second]!r} (`{format_key((*at, second))}`) overlap where "
                f"`{one & other}`",
                hint="each environment must be a separate region; narrow one of them, "
                "e.g. with `and not (...)`",
            )
    return environments


def _requirements(
    document: PyprojectDocument, value: list[str], at: KeyPath
) -> tuple[Requirement, ...]:
    return tuple(requirement(document, item, (*at, index)) for index, item in enumerate(value))


def _index_strategy(document: PyprojectDocument, value: str, at: KeyPath) -> IndexStrategy:
    if value not in ("first-index", "unsafe-best-match"):  # uv's "unsafe-first-match"
        raise document.error(
            at,
            f"ulock does not support the index strategy {value!r}",
            hint="use 'first-index' (the default) or 'unsafe-best-match'",
        )
    return cast("IndexStrategy", value)


def _exclude_newer(document: PyprojectDocument, value: Any, at: KeyPath) -> _dt.datetime | None:
    """A TOML date-time or date, or an RFC 3339 string; a date means midnight UTC."""
    hint = "write a date-time with a time zone, e.g. `2026-01-01T00:00:00Z`, or a date"
    moment: Any = value
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value)
        except ValueError:
            raise document.error(at, f"invalid date-time {value!r}", hint=hint) from None
        if len(value.strip()) == 10:
            moment = moment.date()
    if isinstance(moment, _dt.datetime):
        if moment.tzinfo is None:
            shown = value if isinstance(value, str) else moment.isoformat()
            raise document.error(at, f"the date-time {shown!r} has no time zone", hint=hint)
        return moment.astimezone(_dt.UTC)
    if isinstance(moment, _dt.date):
        return _dt.datetime(moment.year, moment.month, moment.day, tzinfo=_dt.UTC)
    raise document.error(at, f"expected a date-time, got {describe(value)}", hint=hint)


def _default_groups(
    document: PyprojectDocument, value: Any, tables: StandardTables, at: KeyPath
) -> tuple[str, ...]:
    groups = tables.dependency_groups
    where = (*at, "default-groups")
    if value is None:
        return ("dev",) if "dev" in groups else ()
    if value == "all":
        return tuple(groups)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise document.error(
            where, f'expected an array of group names or "all", got {describe(value)}'
        )
    names = [
        known_group(document, tables, group, (*where, index)) for index, group in enumerate(value)
    ]
    return tuple(dict.fromkeys(names))


def _conflicts(
    document: PyprojectDocument, table: UlockTable | UvTable, tables: StandardTables, at: KeyPath
) -> tuple[tuple[ConflictItem, ...], ...]:
    conflicts: list[tuple[ConflictItem, ...]] = []
    sets: Sequence[Sequence[ConflictTable]] = table.conflicts
    for set_index, members in enumerate(sets):
        where = (*at, "conflicts", set_index)
        if len(members) < 2:
            raise document.error(
                where,
                "a conflict set needs at least two members",
                hint="list the extras or groups that cannot be installed together, e.g. "
                '`[{ extra = "cu118" }, { extra = "cu124" }]`',
            )
        items: list[ConflictItem] = []
        for index, member in enumerate(members):
            items.append(_conflict_item(document, member, tables, (*where, index)))
        conflicts.append(tuple(items))
    return tuple(conflicts)


def _conflict_item(
    document: PyprojectDocument, member: Any, tables: StandardTables, at: KeyPath
) -> ConflictItem:
    if getattr(member, "package", None) is not None:
        raise document.error(
            (*at, "package"),
            "ulock does not support `package` in conflicts (uv workspaces)",
            hint="name an `extra` or a `group` of this project",
        )
    if (member.extra is None) == (member.group is None):
        raise document.error(
            at,
            "a conflict member needs exactly one of `extra` and `group`",
            hint='e.g. `{ extra = "cu118" }`',
        )
    if member.extra is not None:
        return ConflictItem(extra=known_extra(document, tables, member.extra, (*at, "extra")))
    return ConflictItem(group=known_group(document, tables, member.group, (*at, "group")))


def _indexes(
    document: PyprojectDocument, table: UlockTable | UvTable, at: KeyPath
) -> tuple[IndexDefinition, ...]:
    definitions: list[IndexDefinition] = []
    names: dict[str, int] = {}
    default_at: int | None = None
    for position, entry in enumerate(table.index):
        where = (*at, "index", position)
        if entry.name is None and at[-1] == "ulock":
            raise document.error(
                where,
                "missing required key `name`",
                hint='give every index a name, e.g. `name = "internal"`',
            )
        if entry.name is not None:
            if not _INDEX_NAME.match(entry.name):
                raise document.error(
                    (*where, "name"),
                    f"invalid index name {entry.name!r}",
                    hint="use ASCII letters, digits, `-`, `_` and `.`",
                )
            if entry.name in names:
                raise document.error(
                    (*where, "name"),
                    f"index name {entry.name!r} is already used by "
                    f"`{format_key((*at, 'index', names[entry.name]))}`",
                    hint="give each index a different name",
                )
            names[entry.name] = position
        if entry.default:
            if default_at is not None:
                raise document.error(
                    (*where, "default"),
                    f"more than one index has `default = true` (also "
                    f"`{format_key((*at, 'index', default_at))}`)",
                    hint="only one index can replace the default index",
                )
            default_at = position
        definitions.append(
            IndexDefinition(
                name=entry.name,
                url=entry.url,
                explicit=entry.explicit,
                default=entry.default,
                format=entry.format,
                local_path=local_location(
                    document, entry.url, (*where, "url"), what="index directory"
                ),
            )
        )
    return tuple(definitions)
