"""The index client: every request for package metadata and files goes through here.

Public API (see docs/index-client.md): ``IndexSettings`` / ``IndexConfig`` in, an
``IndexClient`` to ask, and value types out (``ProjectPage``, ``NotFound``, ``Unavailable``,
``Distribution``, ``CoreMetadata``). Parsers are pure and live in ``parse_html``,
``parse_json``, ``entries`` and ``wheel_zip``.
"""

from universal_lock.index.auth import redact_url
from universal_lock.index.cache_dir import resolve_cache_dir
from universal_lock.index.client import IndexClient
from universal_lock.index.config import DEFAULT_INDEX_URL, IndexConfig, IndexSettings
from universal_lock.index.errors import (
    HashMismatch,
    IndexFailure,
    MalformedPage,
    MetadataBuildFailed,
    OfflineMiss,
)
from universal_lock.index.models import (
    ClientStats,
    CoreMetadata,
    Distribution,
    NotFound,
    ProjectPage,
    Unavailable,
)
from universal_lock.index.sdist_build import BuildRequirementsResolver

__all__ = [
    "DEFAULT_INDEX_URL",
    "BuildRequirementsResolver",
    "ClientStats",
    "CoreMetadata",
    "Distribution",
    "HashMismatch",
    "IndexClient",
    "IndexConfig",
    "IndexFailure",
    "IndexSettings",
    "MalformedPage",
    "MetadataBuildFailed",
    "NotFound",
    "OfflineMiss",
    "ProjectPage",
    "Unavailable",
    "redact_url",
    "resolve_cache_dir",
]
