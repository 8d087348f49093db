"""Fault tests against a stdio subprocess serving the fixture build's `faults` tool.

Breaker policy "tight" on faults.boom: 3 failures open it, 0.5 s reset, 1 half-open probe.
Timeouts of faults.slow (sync, thread) and faults.nap (async): 0.3 s.
"""

from __future__ import annotations

import time

import anyio
import pytest
from mcp import Client

from tests.e2e.runtime_support import stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _text(r: object) -> str:
    return r.content[0].text  # type: ignore[attr-defined,no-any-return]


async def test_breaker_opens_and_recovers_through_half_open() -> None:
    async with Client(stdio_params()) as c:
        for _ in range(3):
            r = await c.call_tool("faults", {"operation": "boom", "fail": True})
            assert r.is_error and "internal error" in _text(r)
        started = time.perf_counter()
        r = await c.call_tool("faults", {"operation": "boom", "fail": False})
        assert r.is_error and "circuit open" in _text(r) and "retry in" in _text(r)
        assert time.perf_counter() - started < 0.25  # answered at once, handler not called
        await anyio.sleep(0.6)
        r = await c.call_tool("faults", {"operation": "boom", "fail": True})  # failed probe
        assert r.is_error and "internal error" in _text(r)
        r = await c.call_tool("faults", {"operation": "boom", "fail": False})
        assert "circuit open" in _text(r)  # open again
        await anyio.sleep(0.6)
        r = await c.call_tool("faults", {"operation": "boom", "fail": False})  # good probe
        assert not r.is_error
        r = await c.call_tool("faults", {"operation": "boom", "fail": False})
        assert not r.is_error  # closed
        # a ToolError is an answer, not a failure: it never opens the breaker
        for _ in range(6):
            assert "locked" in _text(await c.call_tool("faults", {"operation": "refuse"}))


@pytest.mark.parametrize("operation", ["slow", "nap"])
async def test_slow_handler_times_out(operation: str) -> None:
    async with Client(stdio_params(), mode="legacy") as c:
        started = time.perf_counter()
        r = await c.call_tool("faults", {"operation": operation, "seconds": 1.2})
        elapsed = time.perf_counter() - started
        assert r.is_error and "timed out after 0.3 s" in _text(r)
        assert elapsed < 1.5
        ok = await c.call_tool("faults", {"operation": operation, "seconds": 0.01})
        assert not ok.is_error


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_thousand_concurrent_calls(mode: str) -> None:
    results: dict[int, str] = {}
    async with Client(stdio_params(), mode=mode) as c:

        async def one(i: int) -> None:
            tool = ("faults", "calc_add")[i % 2]
            args = {"operation": "echo", "text": f"m{i}"} if tool == "faults" else {"a": i, "b": 1}
            r = await c.call_tool(tool, args)
            assert not r.is_error, _text(r)
            results[i] = _text(r)

        async with anyio.create_task_group() as tg:
            for i in range(1000):
                tg.start_soon(one, i)
    assert len(results) == 1000
    assert results[10] == "m10" and results[11] == '{"sum": 12}'


async def test_identical_concurrent_cached_reads_run_the_handler_once() -> None:
    async with Client(stdio_params()) as c:
        answers: list[str] = []

        async def read() -> None:
            answers.append(_text(await c.call_tool("faults", {"operation": "count", "key": "k"})))

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(read)
        assert len(set(answers)) == 1 and '"calls": 1' in answers[0]
        tally = await c.call_tool("faults", {"operation": "tally", "key": "k"})
        assert tally.structured_content == {"key": "k", "calls": 1}
        # and a later identical read is a cache hit
        await c.call_tool("faults", {"operation": "count", "key": "k"})
        tally = await c.call_tool("faults", {"operation": "tally", "key": "k"})
        assert tally.structured_content == {"key": "k", "calls": 1}


async def test_write_invalidates_cached_reads() -> None:
    async with Client(stdio_params()) as c:
        before = await c.call_tool("notes", {"operation": "list"})
        count = len(before.structured_content["notes"])  # type: ignore[index]
        await c.call_tool("notes", {"operation": "add", "title": "fresh"})
        after = await c.call_tool("notes", {"operation": "list"})
        assert len(after.structured_content["notes"]) == count + 1  # type: ignore[index]
