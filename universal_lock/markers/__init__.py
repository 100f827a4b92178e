"""Canonical marker algebra: and / or / not / is_disjoint / implies / simplify / evaluate.

Markers are parsed with ``packaging.markers`` and stored as reduced ordered decision diagrams
with range edges, so equivalent markers are equal and print identically. Pure: no I/O.
See docs/markers.md for the semantics and the known limits.

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

if TYPE_CHECKING:
    from universal_lock.markers._evaluate import MissingEnvironmentValue
    from universal_lock.markers.tree import (
        FALSE,
        TRUE,
        InvalidMarkerError,
        MarkerTree,
        parse_marker,
    )
    from universal_lock.markers.wheel_tags import marker_from_wheel_tags

_EXPORTS = {
    "MissingEnvironmentValue": "universal_lock.markers._evaluate",
    "FALSE": "universal_lock.markers.tree",
    "TRUE": "universal_lock.markers.tree",
    "InvalidMarkerError": "universal_lock.markers.tree",
    "MarkerTree": "universal_lock.markers.tree",
    "parse_marker": "universal_lock.markers.tree",
    "marker_from_wheel_tags": "universal_lock.markers.wheel_tags",
}

__all__ = [
    "FALSE",
    "TRUE",
    "InvalidMarkerError",
    "MarkerTree",
    "MissingEnvironmentValue",
    "marker_from_wheel_tags",
    "parse_marker",
]

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
