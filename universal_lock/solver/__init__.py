"""PubGrub over ``packaging.ranges.VersionRange``: pure, step-driven, cloneable.

See docs/solver.md. The public surface: ``Solver`` and its step results
(``NeedsVersion``, ``NeedsDependencies``, ``Solved``, ``Failed``), the
``Provider`` protocol with ``solve``/``drive``, ``explain`` for failures, and
the range helpers (``parse_range``, ``exact``, ``contains``, ``FULL``, ``EMPTY``).

Exports are imported on first use (a module ``__getattr__``), so importing one
submodule, or one name, does not load the whole package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from universal_lock._lazy import lazy_exports

if TYPE_CHECKING:
    from universal_lock.solver._memo import contains
    from universal_lock.solver.incompatibility import (
        Cause,
        DependencyCause,
        DerivedCause,
        Incompatibility,
        NoVersionsCause,
        RootCause,
        UnavailableCause,
    )
    from universal_lock.solver.memory import MemoryProvider
    from universal_lock.solver.provider import (
        Provider,
        SharedDependencies,
        Unavailable,
        answer,
        candidate_priority,
        drive,
        solve,
    )
    from universal_lock.solver.ranges import (
        EMPTY,
        FULL,
        coerce_range,
        exact,
        format_range,
        parse_range,
        parse_version,
    )
    from universal_lock.solver.report import explain
    from universal_lock.solver.state import (
        Failed,
        NeedsDependencies,
        NeedsVersion,
        Solved,
        Solver,
        SolverStats,
        Step,
        default_priority,
    )
    from universal_lock.solver.terms import Term

_EXPORTS = {
    "contains": "universal_lock.solver._memo",
    "Cause": "universal_lock.solver.incompatibility",
    "DependencyCause": "universal_lock.solver.incompatibility",
    "DerivedCause": "universal_lock.solver.incompatibility",
    "Incompatibility": "universal_lock.solver.incompatibility",
    "NoVersionsCause": "universal_lock.solver.incompatibility",
    "RootCause": "universal_lock.solver.incompatibility",
    "UnavailableCause": "universal_lock.solver.incompatibility",
    "MemoryProvider": "universal_lock.solver.memory",
    "Provider": "universal_lock.solver.provider",
    "SharedDependencies": "universal_lock.solver.provider",
    "Unavailable": "universal_lock.solver.provider",
    "answer": "universal_lock.solver.provider",
    "candidate_priority": "universal_lock.solver.provider",
    "drive": "universal_lock.solver.provider",
    "solve": "universal_lock.solver.provider",
    "EMPTY": "universal_lock.solver.ranges",
    "FULL": "universal_lock.solver.ranges",
    "coerce_range": "universal_lock.solver.ranges",
    "exact": "universal_lock.solver.ranges",
    "format_range": "universal_lock.solver.ranges",
    "parse_range": "universal_lock.solver.ranges",
    "parse_version": "universal_lock.solver.ranges",
    "explain": "universal_lock.solver.report",
    "Failed": "universal_lock.solver.state",
    "NeedsDependencies": "universal_lock.solver.state",
    "NeedsVersion": "universal_lock.solver.state",
    "Solved": "universal_lock.solver.state",
    "Solver": "universal_lock.solver.state",
    "SolverStats": "universal_lock.solver.state",
    "Step": "universal_lock.solver.state",
    "default_priority": "universal_lock.solver.state",
    "Term": "universal_lock.solver.terms",
}

__all__ = [
    "EMPTY",
    "FULL",
    "Cause",
    "DependencyCause",
    "DerivedCause",
    "Failed",
    "Incompatibility",
    "MemoryProvider",
    "NeedsDependencies",
    "NeedsVersion",
    "NoVersionsCause",
    "Provider",
    "RootCause",
    "SharedDependencies",
    "Solved",
    "Solver",
    "SolverStats",
    "Step",
    "Term",
    "Unavailable",
    "UnavailableCause",
    "answer",
    "candidate_priority",
    "coerce_range",
    "contains",
    "default_priority",
    "drive",
    "exact",
    "explain",
    "format_range",
    "parse_range",
    "parse_version",
    "solve",
]

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _EXPORTS, globals())
