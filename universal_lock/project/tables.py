"""``[tool.ulock]`` (and the ``[tool.uv]`` keys read instead) as frozen values, checked for shape.

The tables' shapes are the pydantic models of :mod:`.schema`, and these dataclasses mirror
them field for field (the tests hold the two together). A table of the right shape, which is
every table of a project that locks, is checked here by walking the dataclass's annotations,
without importing pydantic (~50 ms of CPU, a sixth of a small ``ulock lock``). Anything else
is handed to :mod:`.schema`, whose pydantic validation finds the problem and words it, so the
messages are pydantic's findings in our words whichever path a table takes. Meaning (markers,
requirements, index references, paths) is checked later by :mod:`.settings` and
:mod:`.sources`.
"""

from __future__ import annotations

import datetime
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Literal, TypeVar

from universal_lock.project.document import KeyPath, PyprojectDocument, redact_credentials

_Table = TypeVar("_Table", bound="_Shape")

_REFUSED = object()
"""What the shape check returns for a value of the wrong shape (pydantic then explains it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Shape:
    """A table: keys are the fields' names in kebab case; ``unknown_keys`` says what else may be
    there (``forbid``: nothing; ``allow``: kept in ``other_keys``; ``ignore``: dropped)."""

    unknown_keys: ClassVar[Literal["forbid", "allow", "ignore"]] = "forbid"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexTable(_Shape):
    """``[[tool.ulock.index]]``."""

    name: str | None = None
    url: str
    explicit: bool = False
    default: bool = False
    format: Literal["simple", "flat"] = "simple"


@dataclass(frozen=True, slots=True, kw_only=True)
class UvIndexTable(IndexTable):
    """``[[tool.uv.index]]``: uv's other keys (``authenticate``, ``publish-url``) are ignored."""

    unknown_keys: ClassVar[Literal["forbid", "allow", "ignore"]] = "allow"
    other_keys: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceTable(_Shape):
    """One entry of ``[tool.ulock.sources]``."""

    index: str | None = None
    path: str | None = None
    url: str | None = None
    marker: str | None = None
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UvSourceTable(SourceTable):
    """One entry of ``[tool.uv.sources]``; keys ulock lacks (``git``, ...) are refused later."""

    unknown_keys: ClassVar[Literal["forbid", "allow", "ignore"]] = "allow"
    editable: bool | None = None
    other_keys: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictTable(_Shape):
    """One member of a ``conflicts`` set."""

    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UvConflictTable(ConflictTable):
    """uv also allows ``package`` (workspace members), which ulock refuses later."""

    package: str | None = None


Prerelease = Literal["disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"]
Resolution = Literal["highest", "lowest", "lowest-direct"]


@dataclass(frozen=True, slots=True, kw_only=True)
class UlockTable(_Shape):
    """``[tool.ulock]``. Values whose type is a union are ``Any`` here and checked by the loader."""

    environments: list[str] = field(default_factory=list)
    required_environments: list[str] = field(default_factory=list)
    conflicts: list[list[ConflictTable]] = field(default_factory=list)
    override_dependencies: list[str] = field(default_factory=list)
    constraint_dependencies: list[str] = field(default_factory=list)
    index_strategy: Literal["first-index", "unsafe-best-match"] = "first-index"
    prerelease: Prerelease = "if-necessary-or-explicit"
    resolution: Resolution = "highest"
    exclude_newer: Any = None
    allow_insecure_host: list[str] = field(default_factory=list)
    default_groups: Any = None
    index: list[IndexTable] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class UvTable(_Shape):
    """The keys of ``[tool.uv]`` that ulock reads; every other key of uv's is ignored."""

    unknown_keys: ClassVar[Literal["forbid", "allow", "ignore"]] = "ignore"
    environments: Any = None
    required_environments: Any = None
    conflicts: list[list[UvConflictTable]] = field(default_factory=list)
    override_dependencies: list[str] = field(default_factory=list)
    constraint_dependencies: list[str] = field(default_factory=list)
    index_strategy: Literal["first-index", "unsafe-first-match", "unsafe-best-match"] = (
        "first-index"
    )
    prerelease: Prerelease = "if-necessary-or-explicit"
    resolution: Resolution = "highest"
    exclude_newer: Any = None
    allow_insecure_host: list[str] = field(default_factory=list)
    default_groups: Any = None
    index: list[UvIndexTable] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)


def validate_table(
    document: PyprojectDocument, table: type[_Table], value: Any, at: KeyPath
) -> _Table:
    """Check ``value`` (found at key path ``at``) as ``table``, or raise :class:`InputError`."""
    if not isinstance(value, dict):
        raise document.error(at, f"expected a table, got {describe(value)}")
    checked = shaped(table, value)
    if checked is _REFUSED:
        from universal_lock.project.schema import explain

        # Raises the problem in words; returns only if pydantic accepts what the walk refused,
        # a disagreement the tests rule out: its plain dump is then taken as the table.
        checked = shaped(table, explain(document, table, value, at))
        if checked is _REFUSED:  # pragma: no cover - the tests hold the two checks together
            raise AssertionError(f"`{table.__name__}` and its pydantic model disagree")
    return typing.cast("_Table", checked)


def describe(value: Any) -> str:
    """A TOML-flavoured description of a value's type, for messages."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {redact_credentials(value)!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.date | datetime.time):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__  # pragma: no cover - tomllib makes nothing else


def shaped(table: type[_Shape], value: Any) -> Any:
    """``value`` as a ``table``, or ``_REFUSED`` when its shape is not the table's.

    The rules are those of the pydantic models in strict mode: exact types (no coercion of
    ``1`` to ``"1"``), arrays only as lists, keys by their kebab-case names only.
    """
    if not isinstance(value, dict):
        return _REFUSED
    keys = _keys(table)
    values: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for key, item in value.items():
        name = keys.get(key)
        if name is None:
            if table.unknown_keys == "forbid":
                return _REFUSED
            others[key] = item
            continue
        checked = _checked(_hints(table)[name], item)
        if checked is _REFUSED:
            return _REFUSED
        values[name] = checked
    if any(name not in values and _required(table, name) for name in keys.values()):
        return _REFUSED
    if table.unknown_keys == "allow":
        values["other_keys"] = others
    return table(**values)


def _checked(annotation: Any, value: Any) -> Any:
    if annotation is Any:
        return value
    if annotation is str or annotation is bool:
        return value if type(value) is annotation else _REFUSED
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is types.UnionType:  # `X | None`
        return None if value is None else _checked(arguments[0], value)
    if origin is Literal:
        return value if isinstance(value, str) and value in arguments else _REFUSED
    if origin is list:  # an array
        if not isinstance(value, list):
            return _REFUSED
        items = [_checked(arguments[0], item) for item in value]
        return _REFUSED if any(item is _REFUSED for item in items) else items
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            return _REFUSED
        return dict(value)
    return shaped(annotation, value)


_HINTS: dict[type[_Shape], dict[str, Any]] = {}
_KEYS: dict[type[_Shape], dict[str, str]] = {}


def _hints(table: type[_Shape]) -> dict[str, Any]:
    if table not in _HINTS:
        _HINTS[table] = typing.get_type_hints(table)
    return _HINTS[table]


def _keys(table: type[_Shape]) -> dict[str, str]:
    """The table's keys (kebab case) to its field names."""
    if table not in _KEYS:
        names = (item.name for item in fields(table) if item.name != "other_keys")
        _KEYS[table] = {name.replace("_", "-"): name for name in names}
    return _KEYS[table]


def _required(table: type[_Shape], name: str) -> bool:
    item = table.__dataclass_fields__[name]
    return item.default is MISSING and item.default_factory is MISSING
