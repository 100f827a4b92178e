"""Evaluating a diagram against one environment (plus the lock-level extras and groups).

The walk reads only the variables on its path. Every tree carries the world constraint, so
even ``python_version == '3.12'`` passes ``sys_platform`` / ``platform_system`` / ``os_name``
(and ``implementation_name`` / ``platform_python_implementation``) nodes; when the
environment leaves those out, the answer is taken over every consistent value
of the missing ones and returned if it is the same for all of them (it is whenever the marker
itself does not test them); otherwise ``MissingEnvironmentValue`` is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from universal_lock.errors import UlockError
from universal_lock.markers._atoms import WORLD, opaque_holds
from universal_lock.markers._diagram import FALSE_NODE, TRUE_NODE, Node, apply_or, negate
from universal_lock.markers._variables import (
    EXTRA,
    EXTRAS,
    IMPLEMENTATION_NAME,
    OS_NAME,
    PLATFORM_PYTHON_IMPLEMENTATION,
    PLATFORM_SYSTEM,
    PYTHON,
    PYTHON_VERSION,
    SYS_PLATFORM,
    fixed_key,
    is_membership,
    is_opaque,
)
from universal_lock.markers._versions import version_probe

_EXTRA_KEY: Final = fixed_key(EXTRA)
_WORLD_VARIABLES: Final = frozenset(
    {SYS_PLATFORM, PLATFORM_SYSTEM, OS_NAME, IMPLEMENTATION_NAME, PLATFORM_PYTHON_IMPLEMENTATION}
)


class MissingEnvironmentValue(UlockError):
    """``evaluate`` needed a variable the environment does not define."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the environment has no value for the marker variable `{name}`")
        self.name = name


class _Missing(Exception):
    """Internal: a world variable is missing, so the fast walk cannot decide."""


def evaluate(
    node: Node,
    env: Mapping[str, str],
    extras: frozenset[str],
    groups: frozenset[str],
) -> bool:
    """Whether ``env`` (with these lock-level extras and groups) satisfies the diagram."""
    if extras:
        extras = frozenset(canonicalize_name(name) for name in extras)
    if groups:
        groups = frozenset(canonicalize_name(name) for name in groups)
    try:
        return _walk(node, env, extras, groups, None) is TRUE_NODE
    except _Missing:
        pass
    # Holds for some consistent completion, and for every one: then the gap did not matter.
    some = _walk(node, env, extras, groups, any)
    every = _walk(apply_or(node, negate(WORLD)), env, extras, groups, all)
    if some is not every:
        missing = sorted(name for name in _WORLD_VARIABLES if name not in env)
        raise MissingEnvironmentValue(missing[0])
    return some is TRUE_NODE


def _walk(
    node: Node,
    env: Mapping[str, str],
    extras: frozenset[str],
    groups: frozenset[str],
    combine: object,
) -> Node:
    while node is not TRUE_NODE and node is not FALSE_NODE:
        var = node.var
        if is_membership(var):
            present = var[2] in (extras if var[1] == EXTRAS else groups)
            node = node.children[1 if present else 0]
        elif is_opaque(var):
            holds = opaque_holds(var, _opaque_view(env, var[1]))
            node = node.children[1 if holds else 0]
        elif var[0] in (0, 2):
            node = node.segment_of_cut(version_probe(_version_value(env, var[1])))
        elif var == _EXTRA_KEY:
            node = node.segment_of(canonicalize_name(env.get(EXTRA) or ""))
        elif var[1] in env:
            node = node.segment_of(env[var[1]])
        elif var[1] not in _WORLD_VARIABLES:
            raise MissingEnvironmentValue(var[1])
        elif combine is None:
            raise _Missing
        else:
            results = [
                _walk(child, env, extras, groups, combine) is TRUE_NODE for child in node.children
            ]
            decided = any(results) if combine is any else all(results)
            return TRUE_NODE if decided else FALSE_NODE
    return node


def _version_value(env: Mapping[str, str], name: str) -> Version:
    text = env.get(name)
    if text is None and name == PYTHON:
        text = env.get(PYTHON_VERSION)
    if text is None:
        raise MissingEnvironmentValue(name)
    version = _environment_version(text)
    if version is None:
        raise UlockError(f"the environment's `{name}` is not a version: {text!r}")
    return version


@lru_cache(maxsize=1024)
def _environment_version(text: str) -> Version | None:
    if text.endswith("+"):
        text = f"{text}local"  # what packaging does for untagged interpreter builds
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _opaque_view(env: Mapping[str, str], name: str) -> Mapping[str, str]:
    if name in env:
        if name == EXTRA:
            return {EXTRA: canonicalize_name(env[EXTRA])}
        return env
    if name == EXTRA:
        return {EXTRA: ""}
    if name == PYTHON_VERSION:
        full = _version_value(env, PYTHON)
        return {PYTHON_VERSION: f"{full.major}.{full.minor}"}
    raise MissingEnvironmentValue(name)
