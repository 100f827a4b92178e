"""Canonical marker algebra: and / or / not / is_disjoint / implies / simplify / evaluate.

Markers are parsed with ``packaging.markers`` and stored as reduced ordered decision diagrams
with range edges, so equivalent markers are equal and print identically. Pure: no I/O.
See docs/markers.md for the semantics and the known limits.
"""

from universal_lock.markers._evaluate import MissingEnvironmentValue
from universal_lock.markers.tree import FALSE, TRUE, InvalidMarkerError, MarkerTree, parse_marker
from universal_lock.markers.wheel_tags import marker_from_wheel_tags

__all__ = [
    "FALSE",
    "TRUE",
    "InvalidMarkerError",
    "MarkerTree",
    "MissingEnvironmentValue",
    "marker_from_wheel_tags",
    "parse_marker",
]
