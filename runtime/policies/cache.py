"""Result cache for read operations: one cachetools TTLCache per policy, with single-flight.

Key = (tool, operation, canonical JSON of the arguments). Identical concurrent calls share one
execution; only successful results are stored.

Read-your-writes: a write drops the cached results of the operations it `invalidates` and detaches
their executions in flight. A read that started before the write may already have read the old
data, so a read issued after the write never joins it (it starts its own execution), and its
result is never stored (each (tool, operation) has a generation, bumped by every invalidation).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

import anyio
from cachetools import TTLCache
from mcp.types import CallToolResult

Key = tuple[str, str, str]
Producer = Callable[[], Awaitable[tuple[CallToolResult, bool]]]

HIT: Final = "hit"
MISS: Final = "miss"
SHARED: Final = "shared"


class _Flight:
    __slots__ = ("done", "result")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.result: CallToolResult | None = None


class ResultCache:
    __slots__ = ("entries", "generations", "inflight")

    def __init__(self, ttl: float, max_entries: int) -> None:
        self.entries: TTLCache[Key, CallToolResult] = TTLCache(maxsize=max_entries, ttl=ttl)
        self.inflight: dict[Key, _Flight] = {}
        self.generations: dict[tuple[str, str], int] = {}

    async def get_or_run(self, key: Key, produce: Producer) -> tuple[CallToolResult, str]:
        """The cached result for `key`, a concurrent identical call's result, or a fresh one.

        `produce` returns (result, cacheable).
        """
        cached = self.entries.get(key)
        if cached is not None:
            return cached, HIT
        flight = self.inflight.get(key)
        if flight is not None:
            await flight.done.wait()
            if flight.result is not None:
                return flight.result, SHARED
            result, _ = await produce()  # the leader was cancelled: run on our own
            return result, MISS
        flight = _Flight()
        self.inflight[key] = flight
        op = (key[0], key[1])
        generation = self.generations.get(op, 0)
        try:
            result, cacheable = await produce()
            flight.result = result
            if cacheable and self.generations.get(op, 0) == generation:
                self.entries[key] = result
            return result, MISS
        finally:
            if self.inflight.get(key) is flight:  # not detached by an invalidation
                del self.inflight[key]
            flight.done.set()

    def invalidate(self, tool: str, operations: tuple[str, ...]) -> None:
        """Drop every cached result of `tool`'s `operations` and detach their executions."""
        for op in operations:
            self.generations[(tool, op)] = self.generations.get((tool, op), 0) + 1
        stale = [k for k in self.entries if k[0] == tool and k[1] in operations]
        for k in stale:
            self.entries.pop(k, None)
        if self.inflight:
            running = [k for k in self.inflight if k[0] == tool and k[1] in operations]
            for k in running:
                del self.inflight[k]

    async def invalidate_everywhere(self, tool: str, operations: tuple[str, ...]) -> None:
        """`invalidate`; a shared cache (runtime/state/cache.py) also waits until every worker
        sees it, so a read issued after the write returns never gets the old result."""
        self.invalidate(tool, operations)
