"""The universal resolver: Python's rules on top of the PubGrub solver, with forks.

``UniversalResolver(ResolverInput, Finder).resolve()`` returns a ``Resolution``: one
``ResolvedPackage`` per (name, version, source) with the marker where it installs. See
docs/resolver.md for how forks are made and merged.
"""

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
