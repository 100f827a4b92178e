"""Package exports imported on first use.

A package ``__init__`` lists its exports as ``{name: module}`` and sets
``__getattr__ = lazy_exports(__name__, _EXPORTS, globals())``: importing one submodule, or
asking for one name, then loads only what that needs (start-up is most of a small lock's
time). Each export is looked up once and then kept in the package's namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: MutableMapping[str, Any]
) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package`` for ``exports`` (name -> defining module)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value  # asked once
        return value

    return __getattr__
