"""The universal resolver: Python's rules on top of the PubGrub solver, with forks.

``UniversalResolver(ResolverInput, Finder).resolve()`` returns a ``Resolution``: one
``ResolvedPackage`` per (name, version, source) with the marker where it installs. See
docs/resolver.md for how forks are made and merged.

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

if TYPE_CHECKING:
    from universal_lock.resolver.candidates import Policy
    from universal_lock.resolver.finder import Finder, IndexFinder
    from universal_lock.resolver.model import (
        DEFAULT_SOURCE,
        Resolution,
        ResolvedPackage,
        ResolverInput,
        SourceRef,
        SourceRule,
    )
    from universal_lock.resolver.requirements import Scoped, apply_overrides, scope_requirements
    from universal_lock.resolver.universal import ResolutionFailed, UniversalResolver

_EXPORTS = {
    "Policy": "universal_lock.resolver.candidates",
    "Finder": "universal_lock.resolver.finder",
    "IndexFinder": "universal_lock.resolver.finder",
    "DEFAULT_SOURCE": "universal_lock.resolver.model",
    "Resolution": "universal_lock.resolver.model",
    "ResolvedPackage": "universal_lock.resolver.model",
    "ResolverInput": "universal_lock.resolver.model",
    "SourceRef": "universal_lock.resolver.model",
    "SourceRule": "universal_lock.resolver.model",
    "Scoped": "universal_lock.resolver.requirements",
    "apply_overrides": "universal_lock.resolver.requirements",
    "scope_requirements": "universal_lock.resolver.requirements",
    "ResolutionFailed": "universal_lock.resolver.universal",
    "UniversalResolver": "universal_lock.resolver.universal",
}

__all__ = [
    "DEFAULT_SOURCE",
    "Finder",
    "IndexFinder",
    "Policy",
    "Resolution",
    "ResolutionFailed",
    "ResolvedPackage",
    "ResolverInput",
    "Scoped",
    "SourceRef",
    "SourceRule",
    "UniversalResolver",
    "apply_overrides",
    "scope_requirements",
]

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
