"""PubGrub over ``packaging.ranges.VersionRange``: pure, step-driven, cloneable.

See docs/solver.md. The public surface: ``Solver`` and its step results
(``NeedsVersion``, ``NeedsDependencies``, ``Solved``, ``Failed``), the
``Provider`` protocol with ``solve``/``drive``, ``explain`` for failures, and
the range helpers (``parse_range``, ``exact``, ``contains``, ``FULL``, ``EMPTY``).
"""

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
