"""Index settings: which indexes exist, in which order they are asked, and how the cache behaves.

Plain frozen values; the project layer maps ``[tool.ulock]`` onto them. This module also holds
the one place where the public index's URL is written down (``DEFAULT_INDEX_URL``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

DEFAULT_INDEX_URL = "https://pypi.org/simple"
DEFAULT_INDEX_NAME = "pypi"

IndexStrategy = Literal["first-index", "unsafe-best-match"]
IndexFormat = Literal["simple", "flat"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexConfig:
    """One named index.

    ``url`` is an ``http(s)://`` or ``file://`` URL, or a path (relative to
    ``IndexSettings.project_root``). ``format = "flat"`` means a directory or an HTML page of
    links (find-links); ``"simple"`` means a PEP 503/691 simple repository.
    ``explicit`` indexes only serve packages pinned to them; a ``default`` index replaces the
    public index and is asked last.
    """

    name: str
    url: str
    explicit: bool = False
    default: bool = False
    format: IndexFormat = "simple"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexSettings:
    """Everything the index client needs to know, decided before it starts.

    ``fresh_period`` (seconds) is how long a project page served without caching headers is
    used without asking again; ``concurrency`` bounds simultaneous connections per host.
    ``retry_backoff`` is the first pause between attempts (doubled each time);
    ``attempts`` is how many times one request is tried in total.
    """

    indexes: tuple[IndexConfig, ...] = ()
    index_strategy: IndexStrategy = "first-index"
    allow_insecure_hosts: frozenset[str] = frozenset()
    cache_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    refresh_packages: frozenset[str] = frozenset()
    fresh_period: float = 600.0
    concurrency: int = 16
    timeout: float = 30.0
    attempts: int = 3
    retry_backoff: float = 0.5
    project_root: Path = field(default_factory=Path.cwd)

    def ordered_indexes(self) -> tuple[IndexConfig, ...]:
        """All indexes in asking order: the non-default ones as written, then the default one.

        Without an index marked ``default``, the public index is the default.
        """
        others = tuple(index for index in self.indexes if not index.default)
        defaults = tuple(index for index in self.indexes if index.default)
        if not defaults:
            defaults = (IndexConfig(name=DEFAULT_INDEX_NAME, url=DEFAULT_INDEX_URL, default=True),)
        return others + defaults[:1]
