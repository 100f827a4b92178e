"""Merging of duplicate work in flight, and memory of finished work for one client session.

The first caller of a key starts a task; later callers (a prefetch, the resolver's real call,
a sibling fork) join the same task. Successful results stay for the session; failures are
forgotten, so asking again tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class InFlight(Generic[K, V]):
    """Tasks by key. ``merged`` counts callers that joined work somebody else started."""

    def __init__(self) -> None:
        self._tasks: dict[K, asyncio.Task[V]] = {}
        self.merged = 0

    def start(self, key: K, factory: Callable[[], Awaitable[V]]) -> asyncio.Task[V]:
        """The task for ``key``, started now if nobody has started it yet."""
        task = self._tasks.get(key)
        if task is not None:
            self.merged += 1
            return task
        task = asyncio.ensure_future(factory())
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._forget_failure(key, done))
        return task

    async def run(self, key: K, factory: Callable[[], Awaitable[V]]) -> V:
        """Await the task for ``key``; cancelling this caller does not cancel the shared task."""
        return await asyncio.shield(self.start(key, factory))

    def _forget_failure(self, key: K, task: asyncio.Task[V]) -> None:
        # Reading .exception() marks it retrieved: a failed prefetch nobody awaited
        # must not be reported as "never retrieved" at shutdown.
        failed = task.cancelled() or task.exception() is not None
        if failed and self._tasks.get(key) is task:
            del self._tasks[key]

    async def cancel_all(self) -> None:
        """Cancel unfinished tasks (at client shutdown) and wait for them to stop."""
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
