"""Marker strings from ``pyproject.toml`` made into marker trees; errors point into the file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from packaging.markers import InvalidMarker, Marker

from universal_lock.errors import InvalidRequirementData
from universal_lock.project.document import KeyPath, PyprojectDocument
from universal_lock.project.tables import describe

if TYPE_CHECKING:
    from universal_lock.markers import MarkerTree


def marker_at(document: PyprojectDocument, value: Any, at: KeyPath) -> MarkerTree:
    """Parse the marker string ``value`` found at key path ``at``."""
    from universal_lock.markers import parse_marker
    from universal_lock.project.metadata import parser_detail

    if not isinstance(value, str):
        raise document.error(at, f"expected a marker string, got {describe(value)}")
    hint = "write a PEP 508 marker such as `sys_platform == 'linux' and python_version >= '3.10'`"
    try:
        # packaging's parser says where the text goes wrong; ours decides what it means.
        Marker(value)
    except InvalidMarker as error:
        raise document.invalid(
            at, "marker", value, detail=parser_detail(str(error)), hint=hint
        ) from None
    try:
        return parse_marker(value)
    except InvalidRequirementData as error:
        # Keep only the algebra's reason: the quoted marker is ours to add, with its location.
        reason = error.message.split("\n", 1)[0].removeprefix(f"invalid marker: {value!r}")
        detail = reason.strip().removeprefix("(").removesuffix(")") or None
        raise document.invalid(at, "marker", value, detail=detail, hint=hint) from None
