"""Where token buckets live: `BucketStore` is the contract, `MemoryBuckets` the in-process store.

A bucket holds at most `burst` tokens and gains `rate_per_s` tokens a second; a call takes one.
Keys are `"{client}|{scope}|{principal or '-'}"` (see runtime.ratelimit.bucket_key). A shared
store (Redis, several workers) implements the same protocol.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Final, Protocol

MAX_BUCKETS: Final = 100_000  # least recently used buckets beyond this are forgotten (= full)


class BucketStore(Protocol):
    async def take(self, key: str, rate_per_s: float, burst: int) -> float:
        """Take one token from `key`'s bucket: 0.0 when taken, else seconds until one is there."""
        ...


class MemoryBuckets:
    """Token buckets in this process's memory (one worker; `--workers` share nothing here)."""

    __slots__ = ("buckets", "clock", "max_buckets")

    def __init__(self, max_buckets: int = MAX_BUCKETS) -> None:
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self.max_buckets = max_buckets
        self.clock = time.monotonic

    async def take(self, key: str, rate_per_s: float, burst: int) -> float:
        return self.take_now(key, rate_per_s, burst)

    def take_now(self, key: str, rate_per_s: float, burst: int) -> float:
        now = self.clock()
        tokens, at = self.buckets.pop(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate_per_s)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate_per_s if rate_per_s > 0 else float("inf")
        self.buckets[key] = (tokens, now)  # most recently used last
        while len(self.buckets) > self.max_buckets:
            self.buckets.popitem(last=False)
        return wait
