"""Cached read results in Redis: one truth for many workers, with read-your-writes.

Each (tool, operation) has a generation counter in Redis; a result is stored under a key that
holds the generation it was produced in, and a write bumps the counters of what it invalidates
before its result goes back to the caller. A read looks up the current generation and the
result under it in one round trip (a Lua script), so after a write on any worker, every worker
misses and runs the handler again; a result produced by a read that started before the write is
stored under the old generation, where nobody looks. Entries expire with the policy's `ttl`;
counters never expire (Redis must not evict them: use a `volatile-*` maxmemory policy) and
start at Redis's clock, so a Redis that restarts empty never reuses a generation.

Single-flight stays per worker: identical concurrent reads of one generation share one
execution. Results are stored as MCP `CallToolResult` JSON. When Redis fails, a read runs
uncached and a write's invalidation is kept and sent again on the next Redis use by this worker
(until then, other workers may serve a result cached before the outage, within its `ttl`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from mcp.types import CallToolResult

from ..policies.cache import HIT, MISS, SHARED, Key, Producer, ResultCache, _Flight
from . import key_part

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from . import SharedState

log = logging.getLogger("toolc.runtime.state")

# A missing counter starts at Redis's clock in microseconds, not at 0: after Redis restarts
# empty, a result still being produced under an old generation can never match a new one.
START = """
local t = redis.call('TIME')
return string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
"""

# KEYS[1] = generation counter; ARGV[1] .. generation .. ARGV[2] = the result's key
LOOKUP = (
    "local function start()"
    + START
    + """end
local g = redis.call('GET', KEYS[1])
if not g then
  g = start()
  if not redis.call('SET', KEYS[1], g, 'NX') then g = redis.call('GET', KEYS[1]) end
end
return {g, redis.call('GET', ARGV[1] .. g .. ARGV[2])}
"""
)

# KEYS = generation counters to bump
BUMP = (
    "local function start()"
    + START
    + """end
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then redis.call('INCR', k) else redis.call('SET', k, start()) end
end
return #KEYS
"""
)


class SharedResultCache(ResultCache):
    """A `ResultCache` whose entries and generations live in Redis (the local TTLCache and
    generations of the base class are not used)."""

    __slots__ = ("client", "flights", "pending", "policy", "state", "tasks", "ttl_ms")

    def __init__(
        self, state: SharedState, client: str, policy: str, ttl: float, max_entries: int
    ) -> None:
        super().__init__(ttl, 1)
        self.state = state
        self.client = key_part(client)
        self.policy = key_part(policy)
        self.ttl_ms = max(1, int(ttl * 1000))
        self.flights: dict[tuple[Key, bytes], _Flight] = {}
        self.pending: set[tuple[str, str]] = set()  # invalidations Redis has not seen yet
        self.tasks: set[asyncio.Task[None]] = set()

    def _gen_key(self, tool: str, operation: str) -> str:
        return f"{self.state.prefix}gen:{key_part(tool)}:{key_part(operation)}"

    def _result_key(self, key: Key) -> tuple[str, str]:
        tool, operation = key[0], key[1]
        rest = key[2:]  # the arguments' canonical JSON (and whatever else keys the entry)
        text = rest[0] if len(rest) == 1 and isinstance(rest[0], str) else repr(rest)
        digest = hashlib.sha256(text.encode()).hexdigest()
        head = f"{self.state.prefix}res:{self.client}:{self.policy}:{key_part(tool)}:"
        return f"{head}{key_part(operation)}:", f":{digest}"

    async def get_or_run(self, key: Key, produce: Producer) -> tuple[CallToolResult, str]:
        if self.pending and not await self._flush():
            result, _ = await produce()  # writes Redis has not seen: never trust its entries
            return result, MISS
        head, tail = self._result_key(key)
        gen_key = self._gen_key(key[0], key[1])

        async def lookup(r: Redis) -> Any:
            return await r.eval(LOOKUP, 1, gen_key, head, tail)

        found = await self.state.run("cache lookup", lookup)
        if found is None:
            result, _ = await produce()
            return result, MISS
        generation, cached = bytes(found[0]), found[1]
        if cached is not None:
            try:
                return CallToolResult.model_validate_json(cached), HIT
            except ValueError:
                log.warning("shared state: dropped an unreadable cache entry for %s", key[:2])
        flight_key = (key, generation)
        flight = self.flights.get(flight_key)
        if flight is not None:
            await flight.done.wait()
            if flight.result is not None:
                return flight.result, SHARED
            result, _ = await produce()
            return result, MISS
        flight = _Flight()
        self.flights[flight_key] = flight
        try:
            result, cacheable = await produce()
            flight.result = result
            if cacheable and flight_key in self.flights:  # not detached by a local write
                data = result.model_dump_json(by_alias=True, exclude_none=True)
                full = f"{head}{generation.decode()}{tail}"

                async def store(r: Redis) -> Any:
                    return await r.set(full, data, px=self.ttl_ms)

                await self.state.run("cache store", store)
            return result, MISS
        finally:
            if self.flights.get(flight_key) is flight:
                del self.flights[flight_key]
            flight.done.set()

    def _detach(self, tool: str, operations: tuple[str, ...]) -> None:
        """Local part of an invalidation: reads in flight here are not joined any more."""
        for k in [k for k in self.flights if k[0][0] == tool and k[0][1] in operations]:
            del self.flights[k]
        self.pending.update((tool, op) for op in operations)

    async def _flush(self, force: bool = False) -> bool:
        """Bump the counters of every pending invalidation; True when Redis has them all.
        `force`: try even during the backoff after a Redis failure (the write path)."""
        todo = sorted(self.pending)
        keys = [self._gen_key(tool, op) for tool, op in todo]

        async def bump(r: Redis) -> Any:
            return await r.eval(BUMP, len(keys), *keys)

        if await self.state.run("cache invalidation", bump, force=force) is None:
            return False
        self.pending.difference_update(todo)
        return True

    def invalidate(self, tool: str, operations: tuple[str, ...]) -> None:
        """From a cancelled or timed-out write (no caller waits): detach now, tell Redis soon."""
        self._detach(tool, operations)
        try:
            task = asyncio.get_running_loop().create_task(self._flush_quietly())
        except RuntimeError:  # no loop: the next Redis use of this worker sends it
            return
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _flush_quietly(self) -> None:
        await self._flush()

    async def invalidate_everywhere(self, tool: str, operations: tuple[str, ...]) -> None:
        self._detach(tool, operations)
        await self._flush(force=True)
