"""What one index server serves right now, and when each project page last changed.

`Served.prepare` indexes a built universe for the server (files by index and name) and
carries Last-Modified times over from the previous universe: a project page keeps its time
while its content is unchanged and gets a strictly later one when it changes, so tests can
exercise revalidation both ways after `IndexServer.set_universe`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.support import pages
from tests.support.builder import BuiltFile, BuiltUniverse

RESERVED_INDEX_NAMES = frozenset({"simple", "files", "flat"})
"""First path segments the server routes itself; no named index may take one."""


@dataclass(slots=True, kw_only=True)
class Served:
    universe: BuiltUniverse
    files: dict[tuple[str, str], BuiltFile] = field(default_factory=dict)
    """(index, filename) -> file."""
    modified: dict[tuple[str, str], datetime] = field(default_factory=dict)
    """(index, normalized project) -> Last-Modified of its page."""
    fingerprints: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def prepare(cls, universe: BuiltUniverse, previous: Served | None) -> Served:
        for name in universe.indexes:
            if name in RESERVED_INDEX_NAMES or "/" in name:
                raise ValueError(f"`{name}` cannot name an index (its URL would be ambiguous)")
        served = cls(universe=universe)
        now = datetime.now(UTC).replace(microsecond=0)
        for index_name, projects in universe.indexes.items():
            for project in projects.values():
                for built_file in project.files:
                    served.files[(index_name, built_file.filename)] = built_file
                key = (index_name, project.normalized)
                page = pages.project_page(
                    project, pages.JSON_V1, file_url=_bare_name, style=pages.PageStyle()
                )
                served.fingerprints[key] = hashlib.sha256(page).hexdigest()
                before = previous.modified.get(key) if previous else None
                if before is None:
                    served.modified[key] = now
                elif (
                    previous is not None and previous.fingerprints[key] == served.fingerprints[key]
                ):
                    served.modified[key] = before
                else:
                    # Strictly later than before, so If-Modified-Since sees the change.
                    served.modified[key] = max(now, before + timedelta(seconds=1))
        return served


def _bare_name(built: BuiltFile) -> str:
    return built.filename
