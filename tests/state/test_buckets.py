"""`RedisBucketStore` against a real Redis: one bucket shared by every worker, Redis's clock,
and a fallback to per-worker buckets while Redis is down (a take never fails)."""

from __future__ import annotations

import time

import anyio
import pytest

from tests.state.conftest import RedisServer
from toolc.runtime.state import SharedState, health
from toolc.runtime.state.buckets import MemoryBuckets, RedisBucketStore, bucket_store

pytestmark = pytest.mark.anyio


async def test_a_burst_then_a_wait_that_matches_the_rate(redis: RedisServer) -> None:
    store = RedisBucketStore(SharedState(redis.url))
    waits = [await store.take("alice", 2.0, 3) for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.3 < waits[3] <= 0.5  # one token every 0.5 s
    await anyio.sleep(waits[3] + 0.05)
    assert await store.take("alice", 2.0, 3) == 0.0


async def test_two_workers_draw_from_one_bucket_and_others_keep_full_speed(
    redis: RedisServer,
) -> None:
    a = RedisBucketStore(SharedState(redis.url))  # two workers: two connections, one Redis
    b = RedisBucketStore(SharedState(redis.url))
    results = []

    async def take(store: RedisBucketStore) -> None:
        results.append(await store.take("noisy", 1.0, 10))

    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(take, a if i % 2 else b)
    assert results.count(0.0) == 10  # exactly the burst, although the takes raced
    assert [await a.take("quiet", 1.0, 10) for _ in range(5)] == [0.0] * 5


async def test_buckets_expire_once_they_would_be_full(redis: RedisServer) -> None:
    store = RedisBucketStore(SharedState(redis.url))
    await store.take("brief", 100.0, 2)
    ttl = int(redis.command("PTTL", "toolc:bucket:brief")[1:].split(b"\r")[0])
    assert 0 < ttl <= 1020


async def test_redis_down_falls_back_to_this_workers_buckets(redis: RedisServer) -> None:
    state = SharedState(redis.url)
    store = RedisBucketStore(state)
    assert await store.take("bob", 1.0, 2) == 0.0
    assert health.redis_ok() is True
    redis.stop()
    started = time.monotonic()
    waits = [await store.take("bob", 1.0, 2) for _ in range(3)]
    assert time.monotonic() - started < 2  # no call waits on a dead Redis for long
    assert waits[:2] == [0.0, 0.0] and waits[2] > 0  # still limited, per worker
    assert health.redis_ok() is False and health.redis_errors() >= 1
    redis.start()
    await anyio.sleep(health.BACKOFF + 0.1)
    assert await store.take("carol", 1.0, 2) == 0.0
    assert health.redis_ok() is True
    await state.close()


async def test_without_state_buckets_count_in_memory() -> None:
    store = bucket_store(None)
    assert isinstance(store, MemoryBuckets)
    first, second = [await store.take("k", 1.0, 1) for _ in range(2)]
    assert first == 0.0 and second > 0
    with pytest.raises(ValueError):
        await RedisBucketStore(SharedState("redis://127.0.0.1:1/0")).take("k", 0.0, 1)
