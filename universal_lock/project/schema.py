"""The shape of ``[tool.ulock]`` (and of the ``[tool.uv]`` keys read instead), as pydantic models.

pydantic checks structure and types: unknown keys, a string where a list belongs,
a value outside a fixed set. :mod:`.tables` checks the same shapes without pydantic and
sends here only a table it refuses; :func:`explain` validates it and turns pydantic's error
into an :class:`InputError` with our dotted key path, the line, and for an unknown key the
closest valid one; the user never sees a pydantic dump. Meaning (markers, requirements,
index references, paths, overlaps) is checked by :mod:`.settings`, which has the whole project.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from universal_lock.errors import InputError
from universal_lock.project.document import KeyPath, PyprojectDocument, format_key
from universal_lock.project.tables import describe


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=_kebab)


class IndexTable(_Table):
    """``[[tool.ulock.index]]``."""

    name: str | None = None
    url: str
    explicit: bool = False
    default: bool = False
    format: Literal["simple", "flat"] = "simple"


class UvIndexTable(IndexTable):
    """``[[tool.uv.index]]``: uv's other keys (``authenticate``, ``publish-url``) are ignored."""

    model_config = ConfigDict(extra="allow")


class SourceTable(_Table):
    """One entry of ``[tool.ulock.sources]``."""

    index: str | None = None
    path: str | None = None
    url: str | None = None
    marker: str | None = None
    extra: str | None = None
    group: str | None = None


class UvSourceTable(SourceTable):
    """One entry of ``[tool.uv.sources]``; keys ulock lacks (``git``, ...) are refused later."""

    model_config = ConfigDict(extra="allow")

    editable: bool | None = None


class ConflictTable(_Table):
    """One member of a ``conflicts`` set."""

    extra: str | None = None
    group: str | None = None


class UvConflictTable(ConflictTable):
    """uv also allows ``package`` (workspace members), which ulock refuses later."""

    package: str | None = None


_PRERELEASE = Literal["disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"]
_RESOLUTION = Literal["highest", "lowest", "lowest-direct"]


class UlockTable(_Table):
    """``[tool.ulock]``. Values whose type is a union are ``Any`` here and checked by the loader."""

    environments: list[str] = []
    required_environments: list[str] = []
    conflicts: list[list[ConflictTable]] = []
    override_dependencies: list[str] = []
    constraint_dependencies: list[str] = []
    index_strategy: Literal["first-index", "unsafe-best-match"] = "first-index"
    prerelease: _PRERELEASE = "if-necessary-or-explicit"
    resolution: _RESOLUTION = "highest"
    exclude_newer: Any = None
    allow_insecure_host: list[str] = []
    default_groups: Any = None
    index: list[IndexTable] = []
    sources: dict[str, Any] = {}


class UvTable(_Table):
    """The keys of ``[tool.uv]`` that ulock reads; every other key of uv's is ignored."""

    model_config = ConfigDict(extra="ignore")

    environments: Any = None
    required_environments: Any = None
    conflicts: list[list[UvConflictTable]] = []
    override_dependencies: list[str] = []
    constraint_dependencies: list[str] = []
    index_strategy: Literal["first-index", "unsafe-first-match", "unsafe-best-match"] = (
        "first-index"
    )
    prerelease: _PRERELEASE = "if-necessary-or-explicit"
    resolution: _RESOLUTION = "highest"
    exclude_newer: Any = None
    allow_insecure_host: list[str] = []
    default_groups: Any = None
    index: list[UvIndexTable] = []
    sources: dict[str, Any] = {}


MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        IndexTable,
        UvIndexTable,
        SourceTable,
        UvSourceTable,
        ConflictTable,
        UvConflictTable,
        UlockTable,
        UvTable,
    )
}
"""The model of each :mod:`.tables` class, by name."""


def explain(
    document: PyprojectDocument, table: type[Any], value: dict[str, Any], at: KeyPath
) -> dict[str, Any]:
    """Validate ``value`` as the model of the :mod:`.tables` class ``table``: raise the first
    problem as an :class:`InputError`; if there is none, return the model's plain dump."""
    model = MODELS[table.__name__]
    try:
        return model.model_validate(value).model_dump(by_alias=True)
    except ValidationError as error:
        raise _translate(document, model, error, at) from None


_EXPECTED = {
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "int_type": "an integer",
}


def _translate(
    document: PyprojectDocument, model: type[BaseModel], error: ValidationError, at: KeyPath
) -> InputError:
    details = error.errors(include_url=False)
    first = details[0]
    loc: KeyPath = tuple(first["loc"])
    path = (*at, *loc)
    kind = first["type"]
    more = f" (and {len(details) - 1} more problem{'s' if len(details) > 2 else ''})"
    suffix = more if len(details) > 1 else ""
    if kind == "extra_forbidden":
        valid = sorted(_fields_at(model, loc[:-1]))
        key = str(loc[-1])
        close = difflib.get_close_matches(key, valid, n=1)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else f"valid keys here: {', '.join(f'`{name}`' for name in valid)}"
        )
        return document.error(path, f"unknown key `{key}`{suffix}", hint=hint)
    if kind == "missing":
        return document.error(
            path,
            f"missing required key `{loc[-1]}`{suffix}",
            hint=f"add `{loc[-1]} = ...` to `{format_key(path[:-1])}`",
        )
    if kind == "literal_error":
        expected = (first.get("ctx") or {}).get("expected", "")
        return document.error(
            path,
            f"{describe(first['input'])} is not a valid value{suffix}",
            hint=f"use one of {expected}",
        )
    if kind in _EXPECTED:
        return document.error(
            path, f"expected {_EXPECTED[kind]}, got {describe(first['input'])}{suffix}"
        )
    return document.error(path, f"{first['msg']}{suffix}")  # pragma: no cover - defensive


def _fields_at(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """The valid keys of the (sub)table at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = next(
            (info for name, info in current.model_fields.items() if _kebab(name) == part), None
        )
        if field is None:
            return []
        current = _element_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [_kebab(name) for name in current.model_fields]
    return []


def _element_model(annotation: Any) -> Any:
    """The model inside ``list[list[Model]]`` / ``Model | None``, or the annotation itself."""
    while typing.get_origin(annotation) in (list, types.UnionType, typing.Union):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = args[0]
    return annotation
