"""`SharedResultCache` on a real Redis, two "workers" (two connections) in one test: hits across
workers, single-flight within one, read-your-writes for a read that started before a write, and
results stored as MCP `CallToolResult` JSON."""

from __future__ import annotations

import json

import anyio
import pytest
from mcp.types import CallToolResult, TextContent

from tests.state.conftest import RedisServer
from toolc.runtime.policies.cache import HIT, MISS, SHARED
from toolc.runtime.state import SharedState
from toolc.runtime.state.cache import SharedResultCache

pytestmark = pytest.mark.anyio

KEY = ("notes", "list", '{"limit":10}')


def worker(redis: RedisServer) -> SharedResultCache:
    state = SharedState(redis.url).for_server("srv")
    return SharedResultCache(state, "cli", "short", ttl=30, max_entries=100)


def result(text: str) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content={"t": text}
    )


async def test_one_workers_result_is_a_hit_on_another(redis: RedisServer) -> None:
    a, b = worker(redis), worker(redis)
    runs = 0

    async def produce() -> tuple[CallToolResult, bool]:
        nonlocal runs
        runs += 1
        return result("v1"), True

    assert (await a.get_or_run(KEY, produce))[1] == MISS
    got, state = await b.get_or_run(KEY, produce)
    assert state == HIT and got == result("v1") and runs == 1
    keys = redis.command("KEYS", "toolc:srv:res:cli:short:notes:list:*").split(b"\r\n")
    stored = redis.command("GET", next(k.decode() for k in keys if b"res:" in k))
    assert json.loads(stored.split(b"\r\n")[1]) == {
        "content": [{"type": "text", "text": "v1"}],
        "structuredContent": {"t": "v1"},
        "isError": False,
        "resultType": "complete",
    }


async def test_errors_are_never_cached(redis: RedisServer) -> None:
    a, b = worker(redis), worker(redis)

    async def failing() -> tuple[CallToolResult, bool]:
        return result("boom"), False

    await a.get_or_run(KEY, failing)
    assert (await b.get_or_run(KEY, failing))[1] == MISS


async def test_identical_concurrent_reads_share_one_execution_per_worker(
    redis: RedisServer,
) -> None:
    a = worker(redis)
    runs = 0
    states: list[str] = []

    async def slow() -> tuple[CallToolResult, bool]:
        nonlocal runs
        runs += 1
        await anyio.sleep(0.3)
        return result("once"), True

    async def read() -> None:
        states.append((await a.get_or_run(KEY, slow))[1])

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(read)
    assert runs == 1 and sorted(states) == [MISS] + [SHARED] * 4


async def test_a_write_on_another_worker_wins_over_a_read_already_running(
    redis: RedisServer,
) -> None:
    a, b = worker(redis), worker(redis)
    data = {"value": "old"}
    started = anyio.Event()

    async def slow_read() -> tuple[CallToolResult, bool]:
        seen = data["value"]  # reads before the write lands
        started.set()
        await anyio.sleep(0.3)
        return result(seen), True

    async def fresh_read() -> tuple[CallToolResult, bool]:
        return result(data["value"]), True

    async with anyio.create_task_group() as tg:
        tg.start_soon(a.get_or_run, KEY, slow_read)
        await started.wait()
        data["value"] = "new"
        await b.invalidate_everywhere("notes", ("list",))  # the write, on worker B
        got, state = await a.get_or_run(KEY, fresh_read)  # issued after the write: own run
        assert state == MISS and got == result("new")
    # the old read finished after the write: it was stored under the old generation only
    assert (await b.get_or_run(KEY, fresh_read))[0] == result("new")


async def test_an_unreadable_entry_is_a_miss(redis: RedisServer) -> None:
    a = worker(redis)

    async def produce() -> tuple[CallToolResult, bool]:
        return result("v"), True

    await a.get_or_run(KEY, produce)
    keys = redis.command("KEYS", "toolc:srv:res:*").split(b"\r\n")
    key = next(k.decode() for k in keys if b"res:" in k)
    redis.command("SET", key, "not json")
    assert (await a.get_or_run(KEY, produce))[1] == MISS
