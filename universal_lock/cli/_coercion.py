"""Option values without pydantic: the coercion of ulock's plain option types.

typer (0.29) turns every non-bool option value into its type with a pydantic ``TypeAdapter``
built when the command runs, for options left at their default too. Importing pydantic and
building the adapters costs ~70 ms of CPU per command, more than ``ulock lock --check`` does
otherwise. ulock's options are plain: paths with typer's default checks, strings, lists of
strings, and one enum. ``use_plain_coercion`` gives each such parameter a coercion that makes
the same value typer would; anything else (an unreadable path, a string that is not exactly one
of an enum's values, a value of a type not handled here) is handed to typer's own coercion, so
its error messages stay exactly typer's.

This relies on two typer internals: a parameter's ``type_descriptor`` and the cached
``_runtime_param`` that typer builds on first use. If a typer release renames them, the
parameters keep typer's coercion (correct, only slower) and
``tests/integration/test_cli_startup.py`` fails, because it asserts that ``lock --check`` loads
no pydantic and that these coercions equal typer's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

_FALLBACK = object()
"""What a fast coercion returns when typer's own coercion must decide."""


def use_plain_coercion(command: Any) -> int:
    """Give every plain parameter of ``command`` and its subcommands a pydantic-free coercion.

    Returns how many parameters got one (the tests check it is all the non-bool ones).
    """
    count = sum(_use_plain(param) for param in getattr(command, "params", ()))
    get_help_option = getattr(command, "get_help_option", None)
    if get_help_option is not None:
        # `--help` is made on first use, from the context (which names it); typer coerces its
        # absent value like any other.
        def help_option(ctx: Any) -> Any:
            option = get_help_option(ctx)
            if option is not None:
                _use_plain(option)
            return option

        command.get_help_option = help_option
    for subcommand in getattr(command, "commands", {}).values():
        count += use_plain_coercion(subcommand)
    return count


def _use_plain(param: Any) -> bool:
    fast = _fast_coercion(param)
    if fast is None or getattr(param, "_runtime_param", _FALLBACK) is not None:
        return False
    param._runtime_param = _PlainCoercion(fast)
    return True


class _PlainCoercion:
    """Stands where typer keeps a parameter's runtime coercion (``coerce(value, param, ctx)``)."""

    __slots__ = ("_fast",)

    def __init__(self, fast: Callable[[Any, Any], Any]) -> None:
        self._fast = fast

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        # typer's rules for absent and multiple values, before any type is applied.
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if not (multiple and isinstance(value, str)):
            result = self._fast(value, ctx)
            if result is not _FALLBACK:
                return result
        from typer._coercion import build_runtime_param

        return build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)


def _fast_coercion(param: Any) -> Callable[[Any, Any], Any] | None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or descriptor.file_annotation is not None:
        return None
    info = descriptor.parameter_info
    if getattr(info, "parser", None) is not None:
        return None
    annotation = descriptor.annotation
    if annotation is bool:
        return _flag
    if annotation is str:
        return _string
    if annotation == list[str] and param.multiple:
        return _strings
    if annotation is Path and _default_path_checks(info):
        return _path
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum_member(annotation)
    return None


def _default_path_checks(info: Any) -> bool:
    # Only the checks typer makes by default; any other (must exist, resolve, `-`) is typer's.
    return (
        info.path_type is None
        and not info.exists
        and info.file_okay
        and info.dir_okay
        and info.readable
        and not info.writable
        and not info.resolve_path
        and not info.allow_dash
    )


def _flag(value: Any, _ctx: Any) -> Any:
    return value if isinstance(value, bool) else _FALLBACK


def _string(value: Any, _ctx: Any) -> Any:
    return value if isinstance(value, str) else _FALLBACK


def _strings(value: Any, _ctx: Any) -> Any:
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    return _FALLBACK


def _path(value: Any, _ctx: Any) -> Any:
    if not isinstance(value, str | Path):
        return _FALLBACK
    path = Path(value)
    # typer refuses an existing path that cannot be read, with its own message.
    if os.path.lexists(path) and not os.access(path, os.R_OK):
        return _FALLBACK
    return path


def _enum_member(enum: type[Enum]) -> Callable[[Any, Any], Any]:
    by_value = {member.value: member for member in enum}

    def member(value: Any, ctx: Any) -> Any:
        if isinstance(value, enum):
            return value
        # An exact value only; other spellings (case, a token normalizer) are typer's to judge.
        if isinstance(value, str) and getattr(ctx, "token_normalize_func", None) is None:
            return by_value.get(value, _FALLBACK)
        return _FALLBACK

    return member
