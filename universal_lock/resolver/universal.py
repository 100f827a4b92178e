"""The universal resolver: drive one PubGrub state per fork region, asking the index between steps.

Forks happen (DESIGN.md, "Forking") when sibling requirements disagree inside a region,
when a package's sources differ by marker inside it, when the chosen version's
Requires-Python covers only part of it, and when a version has no file for part of a
required environment. Declared conflicts are cut before solving starts (the caller passes
the parts as ``ResolverInput.regions``). Forks run one after another; each finished fork's
versions become preferences for the next, so the lock holds as few versions as possible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from packaging.ranges import VersionRange
from packaging.requirements import Requirement
from packaging.version import Version

from universal_lock.errors import UlockError
from universal_lock.index import Unavailable
from universal_lock.markers import FALSE, MarkerTree
from universal_lock.resolver.candidates import VersionFiles, ordered, project_pins
from universal_lock.resolver.catalog import Catalog
from universal_lock.resolver.files import (
    first_missing_required,
    missing_required_environment,
    usable_region,
)
from universal_lock.resolver.finder import Finder
from universal_lock.resolver.fork import Fork
from universal_lock.resolver.hints import failure_hints
from universal_lock.resolver.lookahead import LookAhead
from universal_lock.resolver.merge import merge_forks, reachability
from universal_lock.resolver.model import (
    DEFAULT_SOURCE,
    Resolution,
    ResolverInput,
    SourceRef,
)
from universal_lock.resolver.plan import Plan, settle
from universal_lock.resolver.requirements import (
    Scoped,
    apply_overrides,
    scope_requirements,
    split_key,
)
from universal_lock.resolver.splits import failure_split, needed_split
from universal_lock.solver import (
    Failed,
    NeedsDependencies,
    NeedsVersion,
    Solved,
    Solver,
    candidate_priority,
    exact,
    explain,
    parse_range,
)

#: How many times one resolution may split a failed fork to retry it (see
#: ``UniversalResolver._split_on_failure``).
_FAILURE_SPLIT_BUDGET = 32

#: Called with a short description of what the resolver is doing (for progress bars).
Progress = Callable[[str], None]


class ResolutionFailed(UlockError):
    """A fork has no solution; ``region`` is where, ``explanation`` the derivation in words."""

    def __init__(self, region: MarkerTree, explanation: str, hint: str | None = None) -> None:
        where = "every environment" if region.is_universal() else f"`{region}`"
        super().__init__(
            f"no solution for {where}:\n\n{explanation}",
            hint=hint,
        )
        self.region = region
        self.explanation = explanation


class UniversalResolver:
    """Resolve one ``ResolverInput`` against a ``Finder``; use once."""

    def __init__(
        self, request: ResolverInput, finder: Finder, progress: Progress | None = None
    ) -> None:
        self._request = request
        self._progress = progress or (lambda _message: None)
        self._catalog = Catalog(
            finder,
            sources=request.sources,
            exclude_newer=request.policy.exclude_newer,
            progress=self._progress,
        )
        # Versions other forks chose; preferred after the previous lock's, anywhere.
        self._chosen: dict[str, list[Version]] = {}
        self._done: list[tuple[Fork, dict[str, Version]]] = []
        self._ahead = LookAhead(self._catalog, self._candidates, request.sources)
        self._listed: set[str] = set()
        self._failure_splits = 0
        # (region, name, version): a version found to lack a file for a required
        # environment it reaches, not to be chosen again there.
        self._banned: list[tuple[MarkerTree, str, Version]] = []
        self._yanked_pins = project_pins(
            [(item.name, item.versions) for item in request.requirements]
            + [(c.name, c.versions) for items in request.constraints.values() for c in items]
            + [
                (name, parse_range(name, str(item.specifier)))
                for name, items in request.overrides.items()
                for item in items
            ]
        )

    async def resolve(self) -> Resolution:
        """Solve every fork and merge them; raises ``ResolutionFailed`` for a fork without one."""
        request = self._request
        pending: list[Fork] = []
        for region in request.regions:
            for part, plan in settle(request.requirements, region, request.constraints):
                pending.append(self._root_fork(part, plan))
                self._ahead.warm(pending[-1], plan.dependencies)
        # Newest Python first: a version another fork chose is preferred, and a newer
        # Python can use more versions. Solved the other way round, a relock's older-Python
        # fork would hand its old version to the newer fork (numpy 1.26 on 3.12).
        pending.sort(key=lambda fork: _python_floor(fork.region), reverse=True)
        for requirement in request.requirements:
            self._catalog.prefetch(requirement.name)
        try:
            while pending:
                fork = pending.pop(0)
                children = await self._run(fork)
                pending[:0] = children
        finally:
            await self._ahead.close()
        return merge_forks(
            self._done,
            root=(request.root_name, request.root_version),
            files=self._catalog.files,
            requires_python=self._catalog.requires_python,
        )

    # -- forks ----------------------------------------------------------------------------

    def _root_fork(self, region: MarkerTree, plan: Plan) -> Fork:
        request = self._request
        solver = Solver(
            request.root_name,
            request.root_version,
            plan.dependencies,
            priority=self._priority,
        )
        fork = Fork(region=region, solver=solver)
        fork.add_edges((request.root_name, request.root_version), plan.edges)
        return fork

    async def _run(self, fork: Fork) -> list[Fork]:
        """Advance ``fork`` until it is solved (empty list) or splits (its children)."""
        solver = fork.solver
        while True:
            step = solver.step()
            if isinstance(step, Solved):
                retry = self._check_required_environments(fork, step)
                if retry:
                    return retry
                self._finish(fork, step)
                return []
            if isinstance(step, Failed):
                retry = self._split_on_failure(fork, step)
                if retry:
                    return retry
                hint = failure_hints(
                    step.incompatibility,
                    lambda name: self._catalog.listed(name, fork.sources.get(name, DEFAULT_SOURCE)),
                    self._request.policy.prerelease,
                )
                raise ResolutionFailed(fork.region, explain(step), hint=hint)
            if isinstance(step, NeedsVersion):
                children = await self._choose(fork, step)
            else:
                children = await self._dependencies(fork, step)
            if children:
                return children

    def _split(self, fork: Fork, parts: Sequence[MarkerTree]) -> list[Fork]:
        """Children of ``fork`` for ``parts``: clones, or fresh starts where a clone is stale.

        A clone keeps every dependency the parent was given. When one of them cannot apply
        inside the part (a Windows-only requirement in a linux fork), the solver would still
        have to satisfy it there, and could fail for nothing; such a part starts again from
        the root's requirements instead (metadata is cached, so this costs only solving).
        """
        children: list[Fork] = []
        for part in parts:
            child = fork.split(part)
            if child.has_stale_edges(fork.solver.root):
                children += self._restart(part)
            else:
                children.append(child)
                if child.region.python_range() != fork.region.python_range():
                    # An older Python may need older versions of what is still to be
                    # decided: fetch their metadata now, not one round trip at a time.
                    self._ahead.warm(child, child.solver.undecided(), again=True)
        return children

    def _restart(self, region: MarkerTree) -> list[Fork]:
        request = self._request
        forks: list[Fork] = []
        for part, plan in settle(request.requirements, region, request.constraints):
            forks.append(self._root_fork(part, plan))
            self._ahead.warm(forks[-1], plan.dependencies)
        return forks

    def _split_on_failure(self, fork: Fork, failed: Failed) -> list[Fork]:
        """Fresh forks for the two sides of a partial marker the failure depends on, if any.

        The failure may be an artefact of dependencies binding the whole fork (see
        ``splits.py``); each retry narrows the region, and a budget bounds them, after which
        the failure stands, reported for the narrowest region that failed.
        """
        if self._failure_splits >= _FAILURE_SPLIT_BUDGET:
            return []
        marker = failure_split(fork, failed.incompatibility)
        if marker is None:
            return []
        self._failure_splits += 1
        parts = fork.region.split_nonempty(marker)
        return [child for part in parts for child in self._restart(part)]

    def _check_required_environments(self, fork: Fork, solved: Solved) -> list[Fork]:
        """Restarts when a solved fork installs a version without a file where it is required.

        Choosing checks required environments against where a package is needed *so far*;
        an edge found later (``c`` depends on ``a`` everywhere, after ``a`` was chosen for
        linux aarch64 only) can widen that. So the finished fork is checked against its
        final reachability: a version missing a required environment is banned there, and
        the fork starts again from the root, split on that environment.
        """
        required = self._request.required_environments
        if not required:
            return []
        root = fork.solver.root
        solution = {key: version for key, version in solved.solution.items() if key != root}
        reached = reachability(fork, solution, (root, fork.solver.root_version))
        found = first_missing_required(
            solution,
            reached,
            lambda name, version: self._catalog.entry(
                name, fork.sources.get(name, DEFAULT_SOURCE), version
            ),
            required,
        )
        if found is None:
            return []
        name, version, missing = found
        self._banned.append((fork.region & missing, name, version))
        parts = fork.region.split_nonempty(missing)
        return [child for part in parts for child in self._restart(part)]

    def _banned_where(self, name: str, version: Version, region: MarkerTree) -> MarkerTree | None:
        """The part of ``region`` where ``name`` ``version`` was banned, if any."""
        where = FALSE
        for banned_region, banned_name, banned_version in self._banned:
            if banned_name == name and banned_version == version:
                where = where | (banned_region & region)
        return None if where.is_empty() else where

    def _finish(self, fork: Fork, solved: Solved) -> None:
        solution = {
            key: version for key, version in solved.solution.items() if key != fork.solver.root
        }
        self._done.append((fork, solution))
        for key, version in solution.items():
            name, extra = split_key(key)
            if extra is None:
                chosen = self._chosen.setdefault(name, [])
                if version not in chosen:
                    chosen.append(version)

    # -- choosing a version -----------------------------------------------------------------

    async def _choose(self, fork: Fork, step: NeedsVersion) -> list[Fork]:
        # Re-deciding after a backjump asks the same question again (the solver's summary
        # is the same range object): answer it from this fork's memo while nothing the
        # answer depends on has changed (finished forks, bans; required environments
        # depend on reachability, so they disable the memo).
        generation = (len(self._done), len(self._banned))
        remembered = fork.choices.get(step.package)
        if (
            remembered is not None
            and remembered[0] is step.versions
            and remembered[1] == generation
        ):
            fork.solver.choose(step.package, remembered[2])
            return []
        name, _extra = split_key(step.package)
        source = self._source_for(fork, name)
        if isinstance(source, list):
            return source
        self._progress(f"choosing {step.package}")
        listing = await self._catalog.versions(name, source)
        self._listed.add(name)
        candidates = self._candidates(name, listing, step.versions, fork.region)
        for entry in candidates:
            banned = self._banned_where(name, entry.version, fork.region)
            if banned is not None:
                if (fork.region & ~banned).is_empty():
                    continue
                return self._split(fork, fork.region.split_nonempty(banned))
            inside = fork.region & MarkerTree.from_python_range(entry.python)
            if inside.is_empty():
                continue
            if inside != fork.region:
                return self._split(fork, fork.region.split_nonempty(inside))
            missing = self._missing_required_environment(fork, step.package, entry)
            if missing is not None:
                if (fork.region & ~missing).is_empty():
                    continue
                return self._split(fork, fork.region.split_nonempty(missing))
            self._remember(fork, step, generation, entry.version)
            fork.solver.choose(step.package, entry.version)
            return []
        self._remember(fork, step, generation, None)
        fork.solver.choose(step.package, None)
        return []

    def _remember(
        self, fork: Fork, step: NeedsVersion, generation: tuple[int, int], version: Version | None
    ) -> None:
        if not self._request.required_environments:
            fork.choices[step.package] = (step.versions, generation, version)

    def _candidates(
        self,
        name: str,
        versions: list[VersionFiles],
        allowed: VersionRange,
        region: MarkerTree,
    ) -> list[VersionFiles]:
        """The versions to try, in order: the previous lock's, then other forks', then policy.

        Another fork's version is preferred only when it can be installed wherever the
        version the policy would pick can (``usable_region``): sharing a version must never cost a
        platform, e.g. an old release with aarch64 wheels chosen for a required aarch64
        environment must not push Windows off the newest release that has Windows wheels.
        """
        locked = [
            version
            for version, where in self._request.preferences.get(name, ())
            if not (where & region).is_empty()
        ]

        def rank(preferences: list[Version]) -> list[VersionFiles]:
            return ordered(
                versions,
                allowed,
                policy=self._request.policy,
                explicit_prerelease=name in self._request.explicit_prereleases,
                direct=name in self._request.direct,
                preferences=preferences,
                yanked_pins=self._yanked_pins.get(name, frozenset()),
            )

        others = self._chosen.get(name, [])
        shared = rank(locked + others)
        if not others or not shared:
            return shared
        plain = rank(locked)
        first, best = shared[0], plain[0]
        if first is best or first.version in locked:
            return shared
        lost = usable_region(best, region) & ~usable_region(first, region)
        return shared if lost.is_empty() else plain

    def _source_for(self, fork: Fork, name: str) -> SourceRef | list[Fork]:
        """The one source of ``name`` in this fork, or the children if sources split it."""
        known = fork.sources.get(name)
        if known is not None:
            return known
        rules = self._request.sources.get(name, ())
        region = fork.region
        for rule in rules:
            inside = region & rule.region
            if inside.is_empty():
                continue
            if inside != region:
                return self._split(fork, region.split_nonempty(rule.region))
            fork.sources[name] = rule.source
            return rule.source
        fork.sources[name] = DEFAULT_SOURCE
        return DEFAULT_SOURCE

    def _missing_required_environment(
        self, fork: Fork, package: str, entry: VersionFiles
    ) -> MarkerTree | None:
        required = self._request.required_environments
        if not required:
            return None
        # A package no edge reaches inside this fork (a dependency added before the fork
        # split off, whose marker lies outside it) is not installed here: it needs no file.
        needed = fork.needed(fork.solver.root).get(package, FALSE)
        return missing_required_environment(entry, needed, required)

    # -- dependencies -------------------------------------------------------------------------

    async def _dependencies(self, fork: Fork, step: NeedsDependencies) -> list[Fork]:
        name, extra = split_key(step.package)
        source = fork.sources.get(name, DEFAULT_SOURCE)
        metadata = await self._catalog.metadata(name, source, step.version)
        if isinstance(metadata, Unavailable):
            fork.solver.mark_unavailable(step.package, step.version, metadata.what)
            return []
        if metadata.requires_python is not None:
            # Indexes that do not list Requires-Python (flat pages, local files) leave the
            # check to the metadata: outside it the version is unusable, across it we fork.
            inside = fork.region & MarkerTree.from_python_range(metadata.requires_python)
            if inside.is_empty():
                reason = f"it requires Python {metadata.requires_python}"
                fork.solver.mark_unavailable(step.package, step.version, reason)
                return []
            if inside != fork.region:
                return self._split(fork, fork.region.split_nonempty(inside))
        requirements = apply_overrides(metadata.requires_dist, self._request.overrides)
        if extra is None:
            scoped = scope_requirements(requirements, extra=None)
        else:
            # An extra's own requirements (those whose marker names ``extra``), and its base
            # at exactly the same version; the base's requirements come through the base.
            provided = extra in metadata.provides_extra
            own = [r for r in requirements if provided and _names_extra(r)]
            scoped = [
                Scoped(key=name, name=name, versions=exact(step.version), marker=fork.region),
                *scope_requirements(own, extra=extra),
            ]
        needed = needed_split(fork, step.package, scoped)
        if needed is not None:
            return self._split(fork, fork.region.split_nonempty(needed))
        parts = settle(scoped, fork.region, self._request.constraints)
        for requirement in scoped:
            self._catalog.prefetch(requirement.name)
        if len(parts) == 1:
            ((_part, plan),) = parts
            fork.add_edges((step.package, step.version), plan.edges)
            fork.solver.add_dependencies(step.package, step.version, plan.dependencies)
            self._ahead.warm(fork, plan.dependencies)
            return []
        children: list[Fork] = []
        for part, plan in parts:
            child = fork.split(part)
            if child.has_stale_edges(fork.solver.root):
                children += self._restart(part)
                continue
            child.add_edges((step.package, step.version), plan.edges)
            child.solver.add_dependencies(step.package, step.version, plan.dependencies)
            self._ahead.warm(child, plan.dependencies)
            children.append(child)
        return children

    def _priority(self, package: str, versions: VersionRange) -> tuple[int, int, str]:
        """Exact pins and path sources first, then the fewest known candidates, then the name."""
        name, _ = split_key(package)
        # Only listings this resolution has itself waited for: the look-ahead loads others
        # at times that depend on the network, and priorities must not.
        known = self._catalog.known_versions.get(name, ()) if name in self._listed else ()
        direct = any(rule.source.kind == "path" for rule in self._request.sources.get(name, ()))
        return candidate_priority(package, versions, known, direct=direct)


def _names_extra(requirement: Requirement) -> bool:
    return requirement.marker is not None and "extra" in str(requirement.marker)


def _python_floor(region: MarkerTree) -> tuple[int, Version]:
    """The lowest Python a region allows, for ordering forks (no lower bound sorts first)."""
    bounds = region.python_range().to_specifier_set()
    lowest = [
        Version(spec.version)
        for spec in bounds or ()
        if spec.operator in (">=", ">") and "*" not in spec.version
    ]
    return (1, min(lowest)) if lowest else (0, Version("0"))


__all__ = ["ResolutionFailed", "UniversalResolver"]
