"""Token buckets in memory (the store the Redis one stands in for) and the limiter's keys and
messages, on a clock the test moves."""

from __future__ import annotations

import pytest

from toolc.runtime.principal import Principal
from toolc.runtime.ratelimit import Limit, RateLimiter, bucket_key, limit_of
from toolc.runtime.ratelimit.store import BucketStore, MemoryBuckets

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def buckets(clock: Clock, max_buckets: int = 100) -> MemoryBuckets:
    store = MemoryBuckets(max_buckets)
    store.clock = clock
    return store


async def test_a_bucket_gives_its_burst_then_one_token_per_interval() -> None:
    clock = Clock()
    store: BucketStore = buckets(clock)
    taken = [await store.take("c|t|a", 0.5, 3) for _ in range(4)]
    assert taken[:3] == [0.0, 0.0, 0.0] and taken[3] == pytest.approx(2.0)
    clock.now += 1.0  # half a token
    assert await store.take("c|t|a", 0.5, 3) == pytest.approx(1.0)
    clock.now += 1.0
    assert await store.take("c|t|a", 0.5, 3) == 0.0
    clock.now += 3600  # refills to the burst, never beyond
    assert [await store.take("c|t|a", 0.5, 3) for _ in range(4)].count(0.0) == 3


async def test_buckets_are_independent_and_bounded_in_number() -> None:
    clock = Clock()
    store = buckets(clock, max_buckets=2)
    assert await store.take("a", 1, 1) == 0.0 and await store.take("a", 1, 1) > 0
    assert await store.take("b", 1, 1) == 0.0  # another key: its own bucket
    await store.take("c", 1, 1)  # a third key: the least recently used ("a") is forgotten
    assert len(store.buckets) == 2 and "a" not in store.buckets


async def test_the_limiter_keys_by_client_scope_and_principal_and_says_when_to_retry() -> None:
    clock = Clock()
    limiter = RateLimiter("mobile", buckets(clock))
    op = Limit("notes.add", 'tool "notes" operation "add"', 6, 1)
    tool = limit_of({"calls_per_minute": 600}, "notes", 'tool "notes"')
    assert tool is not None and tool.burst == 600
    alice, bob = Principal("alice"), Principal("bob")
    assert await limiter.check((op, tool), alice) is None
    message = await limiter.check((op, tool), alice)
    assert message == (
        'rate limit of tool "notes" operation "add" reached (6 calls per minute for "alice") '
        "— retry in 10.0 s"
    )
    assert await limiter.check((op, tool), bob) is None
    assert await limiter.check((op,), None) is None  # unauthenticated callers share "-"
    assert await limiter.check((op,), None) is not None
    assert bucket_key("mobile", "notes.add", alice) == "mobile|notes.add|alice"
    assert bucket_key("mobile", "*", None) == "mobile|*|-"
