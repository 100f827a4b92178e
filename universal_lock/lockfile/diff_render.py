"""Render a ``LockDiff`` as text, Markdown or JSON, and one lock as text for ``git diff``.

Pure functions returning strings; the command line decides where they go and colours text
rows by their ``style`` (``text_rows``). The JSON schema (``FORMAT_VERSION``) is documented in
docs/diff.md and read back by ``diff_from_json``, so a saved diff can be rendered again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from universal_lock.lockfile.diff import (
    CHANGE_KINDS,
    EntryView,
    LockDiff,
    LockFieldChange,
    PackageChange,
    describe,
    entry_source,
)
from universal_lock.lockfile.model import Lock
from universal_lock.markers import parse_marker

__all__ = [
    "FORMAT_VERSION",
    "TextRow",
    "diff_from_json",
    "render_json",
    "render_lock_text",
    "render_markdown",
    "render_text",
    "text_rows",
]

FORMAT_VERSION = 1
"""Bumped when a key of the JSON output changes meaning or goes away (new keys may appear)."""

_HASH_WARNING = "HASH CHANGED WITHOUT A VERSION CHANGE"


@dataclass(frozen=True, slots=True, kw_only=True)
class TextRow:
    """One line of the text rendering and its style (a change kind, ``lock`` or ``summary``)."""

    text: str
    style: str


# -- text --------------------------------------------------------------------------------------


def text_rows(diff: LockDiff) -> list[TextRow]:
    """Aligned rows (kind, name, versions, details), then a blank row and the summary."""
    cells: list[tuple[str, str, str, str, str]] = []
    for field in diff.lock_changes:
        cells.append(("lock", field.key, _field_values(field), "", "lock"))
    for change in diff.changes:
        name = change.name if change.section == "packages" else f"{change.name} (build)"
        style = change.kind
        cells.append((change.kind, name, _versions(change), "; ".join(_details(change)), style))
    if not cells:
        return [TextRow(text="no changes", style="summary")]
    widths = [max(len(row[column]) for row in cells) for column in range(3)]
    rows = [
        TextRow(
            text="  ".join(
                [*(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)), row[3]]
            ).rstrip(),
            style=row[4],
        )
        for row in cells
    ]
    return [*rows, TextRow(text="", style="summary"), TextRow(text=diff.summary(), style="summary")]


def render_text(diff: LockDiff) -> str:
    """The text rendering without colour, ending in one newline."""
    return "\n".join(row.text for row in text_rows(diff)) + "\n"


def _field_values(field: LockFieldChange) -> str:
    return f"{_list(field.old)} -> {_list(field.new)}"


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "(none)"


def _versions(change: PackageChange) -> str:
    old = None if change.old is None else change.old.version or "-"
    new = None if change.new is None else change.new.version or "-"
    if old is None or new is None or old == new:
        return new or old or "-"
    return f"{old} -> {new}"


def _details(change: PackageChange) -> list[str]:
    details: list[str] = []
    if change.hash_changed:
        details.append(f"{_HASH_WARNING}: {', '.join(change.hash_changed)}")
    if change.gained is not None or change.lost is not None:
        if change.gained is not None:
            details.append(f"now also on {change.gained}")
        if change.lost is not None:
            details.append(f"no longer on {change.lost}")
    elif change.region is not None and change.region != "everywhere":
        details.append(f"on {change.region}")
    if change.old is not None and change.new is not None and change.old.source != change.new.source:
        details.append(f"source {change.old.source} -> {change.new.source}")
    files = [f"+{key}" for key in change.files_added] + [f"-{key}" for key in change.files_removed]
    if files:
        details.append(f"files {' '.join(files)}")
    pins = [f"+{pin}" for pin in change.build_requires_added]
    pins += [f"-{pin}" for pin in change.build_requires_removed]
    if pins:
        details.append(f"build requires {' '.join(pins)}")
    return details


# -- markdown ----------------------------------------------------------------------------------


def render_markdown(diff: LockDiff) -> str:
    """A summary line and a table, fit for a pull-request comment."""
    lines = [f"**Lock changes:** {diff.summary()}"]
    hashes = [change for change in diff.changes if change.hash_changed]
    if hashes:
        names = ", ".join(f"`{change.name}`" for change in hashes)
        lines += ["", f"> **Warning:** file hashes changed without a version change: {names}."]
    if not diff.is_empty:
        lines += ["", "| change | package | version | details |", "|---|---|---|---|"]
    for field in diff.lock_changes:
        lines.append(_row("lock", f"`{field.key}`", _cell(_field_values(field)), ""))
    for change in diff.changes:
        name = f"`{change.name}`" + ("" if change.section == "packages" else " (build)")
        kind = f"**{change.kind}**" if change.hash_changed else change.kind
        details = "<br>".join(_cell(detail) for detail in _details(change))
        lines.append(_row(kind, name, _cell(_versions(change)), details))
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# -- json --------------------------------------------------------------------------------------


def render_json(diff: LockDiff) -> str:
    """The documented JSON schema, keys sorted within objects, ending in one newline."""
    counts: dict[str, object] = {kind: count for kind, count in diff.counts().items()}
    counts["lock"] = len(diff.lock_changes)
    counts["total"] = len(diff.changes)
    counts["text"] = diff.summary()
    data = {
        "format-version": FORMAT_VERSION,
        "summary": counts,
        "lock": [
            {"key": field.key, "old": list(field.old), "new": list(field.new)}
            for field in diff.lock_changes
        ],
        "changes": [_change_json(change) for change in diff.changes],
    }
    return json.dumps(data, indent=2) + "\n"


def _view_json(view: EntryView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "version": view.version,
        "marker": view.marker,
        "source": view.source,
        "files": dict(view.files),
        "build-requires": list(view.build_requires),
    }


def _change_json(change: PackageChange) -> dict[str, Any]:
    return {
        "name": change.name,
        "kind": change.kind,
        "kinds": list(change.kinds),
        "section": change.section,
        "region": change.region,
        "old": _view_json(change.old),
        "new": _view_json(change.new),
        "gained": change.gained,
        "lost": change.lost,
        "hash-changed": list(change.hash_changed),
        "files-added": list(change.files_added),
        "files-removed": list(change.files_removed),
        "build-requires-added": list(change.build_requires_added),
        "build-requires-removed": list(change.build_requires_removed),
    }


def diff_from_json(text: str) -> LockDiff:
    """Read ``render_json`` output back; ``ValueError`` if it is not that schema."""
    try:
        data = json.loads(text)
        if data.get("format-version") != FORMAT_VERSION:
            raise ValueError(f"expected format-version {FORMAT_VERSION}")
        return LockDiff(
            lock_changes=tuple(
                LockFieldChange(key=item["key"], old=tuple(item["old"]), new=tuple(item["new"]))
                for item in data["lock"]
            ),
            changes=tuple(_change_from_json(item) for item in data["changes"]),
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a ulock diff: {error}") from None


def _view_from_json(data: Mapping[str, Any] | None) -> EntryView | None:
    if data is None:
        return None
    return EntryView(
        version=data["version"],
        marker=data["marker"],
        source=data["source"],
        files=tuple(sorted(data["files"].items())),
        build_requires=tuple(data["build-requires"]),
    )


def _change_from_json(data: Mapping[str, Any]) -> PackageChange:
    kinds = tuple(data["kinds"])
    if not kinds or not set(kinds) <= set(CHANGE_KINDS) or kinds[0] != data["kind"]:
        raise ValueError(f"unknown or inconsistent change kinds {kinds!r}")
    return PackageChange(
        name=data["name"],
        section=data["section"],
        kinds=cast("Any", kinds),
        old=_view_from_json(data["old"]),
        new=_view_from_json(data["new"]),
        region=data["region"],
        gained=data["gained"],
        lost=data["lost"],
        hash_changed=tuple(data["hash-changed"]),
        files_added=tuple(data["files-added"]),
        files_removed=tuple(data["files-removed"]),
        build_requires_added=tuple(data["build-requires-added"]),
        build_requires_removed=tuple(data["build-requires-removed"]),
    )


# -- one lock, for git's textconv ---------------------------------------------------------------


def render_lock_text(lock: Lock) -> str:
    """One lock as text: a block per entry with its region, source and file hashes.

    Made for ``git diff``'s textconv: a line-based diff of two renderings reads as a list of
    meaningful changes, and every file hash is kept so a changed hash still shows.
    """
    lines = [f"pylock.toml, lock-version {lock.lock_version}, created by {lock.created_by}"]
    for key, values in (
        ("requires-python", (str(lock.requires_python),) if lock.requires_python else ()),
        ("environments", lock.environments),
        ("extras", lock.extras),
        ("dependency-groups", lock.dependency_groups),
        ("default-groups", lock.default_groups),
        (
            "conflicts",
            tuple(" / ".join(str(member) for member in members) for members in lock.conflicts),
        ),
    ):
        if values:
            lines.append(f"{key}: {'; '.join(values)}")
    for section, packages in (("", lock.packages), (" (build)", lock.build_packages)):
        for package in packages:
            version = "" if package.version is None else f" {package.version}"
            region = describe(parse_marker(package.marker or ""), lock.requires_python)
            where = "" if region == "everywhere" else f"  on {region}"
            lines += ["", f"{package.name}{version}{section}{where}"]
            if package.marker is not None:
                lines.append(f"    marker: {package.marker}")
            lines.append(f"    source: {entry_source(package)}")
            if package.requires_python is not None:
                lines.append(f"    requires-python: {package.requires_python}")
            for wheel in package.wheels:
                lines.append(f"    wheel {wheel.name}  {_hash_text(wheel.hashes)}")
            if package.sdist is not None:
                lines.append(f"    sdist {package.sdist.name}  {_hash_text(package.sdist.hashes)}")
            if package.archive is not None:
                lines.append(f"    archive  {_hash_text(package.archive.hashes)}")
            for pin in package.build_requires:
                lines.append(f"    build requires {pin}")
    return "\n".join(lines) + "\n"


def _hash_text(hashes: Mapping[str, str]) -> str:
    return " ".join(f"{algorithm}:{digest}" for algorithm, digest in sorted(hashes.items()))
