"""Breaker, cache (single-flight, invalidation) and limits, on their own."""

from __future__ import annotations

import time

import anyio
import pytest
from mcp import types

from toolc.runtime.policies import limits
from toolc.runtime.policies.breaker import CLOSED, HALF_OPEN, OPEN, Breaker
from toolc.runtime.policies.cache import HIT, MISS, SHARED, ResultCache

pytestmark = pytest.mark.anyio


def _result(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)])


def test_breaker_opens_after_threshold_and_recovers_through_half_open() -> None:
    b = Breaker(failure_threshold=2, reset_timeout=0.05, half_open_max_calls=1)
    assert b.allow() is None and not b.failure()
    assert b.allow() is None and b.failure()  # second consecutive failure opens it
    assert b.state == OPEN and b.openings == 1
    retry = b.allow()
    assert retry is not None and 0 < retry <= 0.05
    time.sleep(0.06)
    assert b.allow() is None and b.state == HALF_OPEN
    assert b.allow() is not None  # only one probe at a time
    b.success()
    assert b.state == CLOSED and b.allow() is None


def test_breaker_half_open_failure_reopens_and_success_resets_count() -> None:
    b = Breaker(failure_threshold=2, reset_timeout=0.01)
    b.failure()
    b.success()
    assert not b.failure()  # the count restarted after the success
    assert b.failure()
    time.sleep(0.02)
    assert b.allow() is None
    assert b.failure() and b.state == OPEN and b.openings == 2


def test_breaker_neutral_releases_a_probe() -> None:
    b = Breaker(failure_threshold=1, reset_timeout=0.01)
    b.failure()
    time.sleep(0.02)
    assert b.allow() is None
    b.neutral()
    assert b.allow() is None


async def test_cache_single_flight_hit_and_errors_not_cached() -> None:
    cache = ResultCache(ttl=60, max_entries=10)
    runs = 0

    async def produce() -> tuple[types.CallToolResult, bool]:
        nonlocal runs
        runs += 1
        await anyio.sleep(0.05)
        return _result("v"), True

    states: list[str] = []

    async def one() -> None:
        states.append((await cache.get_or_run(("t", "get", "{}"), produce))[1])

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(one)
    assert runs == 1 and sorted(states) == [MISS] + [SHARED] * 9
    assert (await cache.get_or_run(("t", "get", "{}"), produce))[1] == HIT

    async def failing() -> tuple[types.CallToolResult, bool]:
        return _result("err"), False

    await cache.get_or_run(("t", "get", "x"), failing)
    assert ("t", "get", "x") not in cache.entries


async def test_cache_invalidation_drops_entries_and_in_flight_results() -> None:
    cache = ResultCache(ttl=60, max_entries=10)

    async def fast() -> tuple[types.CallToolResult, bool]:
        return _result("v"), True

    await cache.get_or_run(("t", "get", "1"), fast)
    await cache.get_or_run(("t", "list", "1"), fast)
    await cache.get_or_run(("u", "get", "1"), fast)
    cache.invalidate("t", ("get",))
    assert set(cache.entries) == {("t", "list", "1"), ("u", "get", "1")}

    async def slow() -> tuple[types.CallToolResult, bool]:
        await anyio.sleep(0.05)
        return _result("stale"), True

    async with anyio.create_task_group() as tg:
        tg.start_soon(cache.get_or_run, ("t", "get", "2"), slow)
        await anyio.sleep(0.01)
        cache.invalidate("t", ("get",))  # a write lands while the read runs
    assert ("t", "get", "2") not in cache.entries


async def test_limits_reject_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "QUEUE_WAIT", 0.05)
    limiter = anyio.CapacityLimiter(1)
    first = object()
    await limits.acquire(limiter, 'tool "t"', first)
    with pytest.raises(limits.Overloaded, match=r'in flight for tool "t" \(limit 1\)'):
        await limits.acquire(limiter, 'tool "t"', object())
    limiter.release_on_behalf_of(first)
    await limits.acquire(limiter, 'tool "t"', object())
