"""Rate-limit token buckets in Redis, shared by every worker: `RedisBucketStore`.

The protocol is `BucketStore` (runtime/ratelimit/store.py):
`take(key, rate_per_s, burst)` takes one token from the bucket `key` (full at first, refilled
at `rate_per_s`, holding at most `burst`) and returns 0.0, or the seconds until a token is free.

One Lua script per take, so concurrent takes on any worker never race, with Redis's own clock
(workers' clocks may disagree). An idle bucket expires once it would be full again. When Redis
does not answer, a take falls back to a bucket in this worker's memory: limits still hold per
worker, and calls never fail because of Redis.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..ratelimit.store import BucketStore, MemoryBuckets
from . import key_part

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from . import SharedState

# KEYS[1] = bucket; ARGV = rate per second, burst. Returns the wait in seconds, as a string.
TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1])
local ts = tonumber(v[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBucketStore:
    """`BucketStore` over Redis; falls back to `MemoryBuckets` while Redis is down."""

    def __init__(self, state: SharedState) -> None:
        self.state = state
        self.fallback = MemoryBuckets()

    async def take(self, key: str, rate_per_s: float, burst: int) -> float:
        if not (rate_per_s > 0 and math.isfinite(rate_per_s)) or burst < 1:
            raise ValueError("a bucket needs rate_per_s > 0 and burst >= 1")
        full = f"{self.state.prefix}bucket:{key_part(key)}"

        async def take(r: Redis) -> Any:
            return await r.eval(TAKE, 1, full, repr(float(rate_per_s)), str(int(burst)))

        wait = await self.state.run("rate limit", take)
        if wait is None:
            return await self.fallback.take(key, rate_per_s, burst)
        return max(0.0, float(wait))


def bucket_store(state: SharedState | None) -> BucketStore:
    """The buckets rate limits count in: Redis when state is shared, else this process."""
    return RedisBucketStore(state) if state is not None else MemoryBuckets()
