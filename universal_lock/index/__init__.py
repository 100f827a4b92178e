"""The index client: every request for package metadata and files goes through here.

Public API (see docs/index-client.md): ``IndexSettings`` / ``IndexConfig`` in, an
``IndexClient`` to ask, and value types out (``ProjectPage``, ``NotFound``, ``Unavailable``,
``Distribution``, ``CoreMetadata``). Parsers are pure and live in ``parse_html``,
``parse_json``, ``entries`` and ``wheel_zip``.

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS = {
    "redact_url": "universal_lock.index.auth",
    "resolve_cache_dir": "universal_lock.index.cache_dir",
    "IndexClient": "universal_lock.index.client",
    "DEFAULT_INDEX_URL": "universal_lock.index.config",
    "IndexConfig": "universal_lock.index.config",
    "IndexSettings": "universal_lock.index.config",
    "HashMismatch": "universal_lock.index.errors",
    "IndexFailure": "universal_lock.index.errors",
    "MalformedPage": "universal_lock.index.errors",
    "MetadataBuildFailed": "universal_lock.index.errors",
    "OfflineMiss": "universal_lock.index.errors",
    "ClientStats": "universal_lock.index.models",
    "CoreMetadata": "universal_lock.index.models",
    "Distribution": "universal_lock.index.models",
    "NotFound": "universal_lock.index.models",
    "ProjectPage": "universal_lock.index.models",
    "Unavailable": "universal_lock.index.models",
    "BuildRequirementsResolver": "universal_lock.index.sdist_build",
}

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

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
