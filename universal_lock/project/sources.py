"""``[tool.ulock.sources]``: where a package comes from, per region (environment, extra, group).

Each package maps to one table or to a list of tables; each table has exactly one
of ``index`` (a defined index name), ``path`` (a local file or directory) and
``url``, and may narrow where it applies with ``marker``, ``extra`` and ``group``.
Within one package's list the regions must be pairwise disjoint, where two
extras (or groups) count as exclusive only if ``conflicts`` declares them so.
Sources apply wherever the package appears, directly or transitively; that is the
resolver's business, which reads the :class:`Source` values made here.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal

from universal_lock.project._marker_input import marker_at
from universal_lock.project._urls import local_location, redact
from universal_lock.project.document import KeyPath, PyprojectDocument, format_key
from universal_lock.project.metadata import (
    StandardTables,
    check_name,
    known_extra,
    known_group,
)
from universal_lock.project.model import ConflictItem, IndexDefinition, Source
from universal_lock.project.tables import SourceTable, UvSourceTable, describe, validate_table

if TYPE_CHECKING:
    from universal_lock.markers import MarkerTree


def read_sources(
    document: PyprojectDocument,
    raw: dict[str, Any],
    *,
    at: KeyPath,
    indexes: Sequence[IndexDefinition],
    tables: StandardTables,
    conflicts: Sequence[Sequence[ConflictItem]],
    uv: bool,
) -> dict[str, tuple[Source, ...]]:
    """Check every package's sources; return them keyed by normalized package name."""
    sources: dict[str, tuple[Source, ...]] = {}
    spelled: dict[str, str] = {}
    for package, value in raw.items():
        where = (*at, package)
        name = check_name(document, package, where, "package")
        if name in spelled:
            raise document.error(
                where,
                f"`{spelled[name]}` and `{package}` are the same package once normalized",
                hint="merge their sources into one list",
            )
        spelled[name] = package
        if isinstance(value, dict):
            entries: list[tuple[KeyPath, Any]] = [(where, value)]
        elif isinstance(value, list) and value:
            entries = [((*where, index), item) for index, item in enumerate(value)]
        else:
            shown = "an empty array" if value == [] else describe(value)
            raise document.error(
                where, f"expected a source table or an array of source tables, got {shown}"
            )
        made = tuple(
            _source(document, item, entry_at, indexes=indexes, tables=tables, uv=uv)
            for entry_at, item in entries
        )
        if len(made) > 1:
            keys = [entry_at for entry_at, _ in entries]
            _check_disjoint(document, package, made, keys, _conflict_constraint(conflicts))
        sources[name] = made
    return sources


def _source(
    document: PyprojectDocument,
    value: Any,
    at: KeyPath,
    *,
    indexes: Sequence[IndexDefinition],
    tables: StandardTables,
    uv: bool,
) -> Source:
    table = validate_table(document, UvSourceTable if uv else SourceTable, value, at)
    unsupported = next(iter(getattr(table, "other_keys", ())), None)
    if unsupported is not None:
        key = str(unsupported)
        raise document.error(
            (*at, key),
            f"ulock does not support `{key}` in sources",
            hint="a source has `index`, `path` or `url`, and optionally `marker`, `extra`, `group`",
        )
    kinds: list[Literal["index", "path", "url"]] = [
        kind for kind in ("index", "path", "url") if getattr(table, kind) is not None
    ]
    if len(kinds) != 1:
        given = " and ".join(f"`{kind}`" for kind in kinds) or "none of them"
        raise document.error(
            at,
            f"a source needs exactly one of `index`, `path` and `url` (found {given})",
            hint="split it into one source per location, each with its own `marker`",
        )
    kind: Literal["index", "path", "url"] = kinds[0]
    extra = group = None
    if table.extra is not None:
        extra = known_extra(document, tables, table.extra, (*at, "extra"))
    if table.group is not None:
        group = known_group(document, tables, table.group, (*at, "group"))
    location = _location(document, kind, table, at, indexes=indexes, uv=uv)
    marker = _true() if table.marker is None else marker_at(document, table.marker, (*at, "marker"))
    common: dict[str, Any] = {
        "marker": marker,
        "extra": extra,
        "group": group,
        "editable": bool(getattr(table, "editable", None)),
    }
    return Source(kind=kind, **location, **common)


def _location(
    document: PyprojectDocument,
    kind: str,
    table: SourceTable,
    at: KeyPath,
    *,
    indexes: Sequence[IndexDefinition],
    uv: bool,
) -> dict[str, Any]:
    """Check the source's ``index``, ``path`` or ``url``; return it as ``Source`` fields."""
    if kind == "index":
        _check_index(document, str(table.index), (*at, "index"), indexes, uv=uv)
        return {"index": table.index}
    if kind == "path":
        path = local_location(document, str(table.path), (*at, "path"), what="path")
        if path is None:
            raise document.error(
                (*at, "path"),
                f"`path` must be a local path, not the URL {redact(str(table.path))!r}",
                hint="use `url = ...` for a remote file",
            )
        return {"path": path}
    local_location(document, str(table.url), (*at, "url"), what="file")
    return {"url": table.url}


def _check_index(
    document: PyprojectDocument,
    name: str,
    at: KeyPath,
    indexes: Sequence[IndexDefinition],
    *,
    uv: bool,
) -> None:
    names = [index.name for index in indexes if index.name is not None]
    if name in names:
        return
    table = "[[tool.uv.index]]" if uv else "[[tool.ulock.index]]"
    close = difflib.get_close_matches(name, names, n=1)
    hint = (
        f"did you mean `{close[0]}`?"
        if close
        else f'define it: `{table}` with `name = "{name}"` and its `url`'
    )
    raise document.error(at, f"the source names index {name!r}, which is not defined", hint=hint)


def _check_disjoint(
    document: PyprojectDocument,
    package: str,
    sources: tuple[Source, ...],
    keys: list[KeyPath],
    exclusive: MarkerTree,
) -> None:
    regions = [source.region for source in sources]
    for first, second in combinations(range(len(sources)), 2):
        overlap = regions[first] & regions[second] & exclusive
        if overlap.is_empty():
            continue
        selectors = any(
            source.extra is not None or source.group is not None
            for source in (sources[first], sources[second])
        )
        hint = "give the sources markers that exclude each other"
        if selectors:
            hint += ", or declare their extras or groups as `conflicts`"
        raise document.error(
            keys[second],
            f"sources `{format_key(keys[first])}` and `{format_key(keys[second])}` "
            f"of `{package}` overlap: both apply where `{overlap}`",
            hint=hint,
        )


def _conflict_constraint(conflicts: Sequence[Sequence[ConflictItem]]) -> MarkerTree:
    """The region allowed by ``conflicts``: no two members of one set selected together."""
    from universal_lock.markers import parse_marker

    allowed = _true()
    for members in conflicts:
        for one, other in combinations(members, 2):
            both = parse_marker(one.marker_text) & parse_marker(other.marker_text)
            allowed = allowed & ~both
    return allowed


def _true() -> MarkerTree:
    from universal_lock.markers import TRUE

    return TRUE
