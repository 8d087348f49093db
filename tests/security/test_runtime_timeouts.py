"""Timeouts that end: bounded abandoned threads, CPU-bound handlers stopped, timed-out writes.

Fixture: faults.stall (sleeps) and faults.spin (pure-Python loop) are `def` handlers with a 0.3 s
timeout and no breaker; the server allows 32 concurrent calls (defaults.max_concurrency).
notes.slow_add is a `def` write (timeout 0.3 s) whose note lands even when it is stopped.
"""

from __future__ import annotations

import time

import anyio
import pytest
from mcp import Client

from tests.e2e.runtime_support import stdio_params
from tests.security.call_path_support import text

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

LIMIT = 32


async def _cpu(c: Client) -> tuple[float, int]:
    r = await c.call_tool("faults", {"operation": "cpu"})
    data = r.structured_content or {}
    return float(data["cpu"]), int(data["threads"])


async def test_timed_out_sync_handlers_hold_a_bounded_number_of_threads() -> None:
    async with Client(stdio_params()) as c:
        _, threads_before = await _cpu(c)
        answers: list[str] = []

        async def stall() -> None:
            r = await c.call_tool("faults", {"operation": "stall", "seconds": 2.5})
            assert r.is_error
            answers.append(text(r))

        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                for _ in range(100):
                    tg.start_soon(stall)
        _, threads_during = await _cpu(c)
        timed_out = [a for a in answers if "timed out after 0.3 s" in a]
        refused = [a for a in answers if "server overloaded" in a]
        assert len(timed_out) + len(refused) == 100
        assert len(timed_out) <= LIMIT, len(timed_out)
        # the overload says why: threads are held by handlers that timed out
        assert refused and "still running handlers that timed out" in refused[0], refused[:1]
        assert threads_during - threads_before <= LIMIT + 2, (threads_before, threads_during)
        # when the stalled handlers return, their threads are free again
        with anyio.fail_after(10):
            while True:
                r = await c.call_tool("faults", {"operation": "tally", "key": "k"})
                if not r.is_error:
                    break
                assert "server overloaded" in text(r)
                await anyio.sleep(0.2)


async def test_timed_out_cpu_bound_handler_stops_burning_cpu() -> None:
    async with Client(stdio_params()) as c:
        for _ in range(2):
            r = await c.call_tool("faults", {"operation": "spin", "seconds": 8})
            assert r.is_error and "timed out after 0.3 s" in text(r)
        await anyio.sleep(0.2)
        cpu_start, _ = await _cpu(c)
        wall_start = time.perf_counter()
        await anyio.sleep(1.0)
        cpu_end, _ = await _cpu(c)
        print(f"server CPU after the timeouts: {(cpu_end - cpu_start):.3f} s in 1 s")
        burnt = (cpu_end - cpu_start) / (time.perf_counter() - wall_start)
        assert burnt < 0.1, f"the server used {burnt:.0%} of a core after the timeouts"


async def test_timed_out_write_reports_unknown_outcome_and_invalidates_when_it_lands() -> None:
    async with Client(stdio_params()) as c:
        before = await c.call_tool("notes", {"operation": "list", "limit": 50})
        count = len((before.structured_content or {})["notes"])
        r = await c.call_tool("notes", {"operation": "slow_add", "title": "late", "seconds": 0.8})
        assert r.is_error and "timed out after 0.3 s" in text(r)
        assert "may or may not have been applied" in text(r), text(r)
        # read at once: the write has not landed yet (this result may get cached) ...
        now = await c.call_tool("notes", {"operation": "list", "limit": 50})
        assert len((now.structured_content or {})["notes"]) == count
        await anyio.sleep(1.0)  # ... then it lands: the cache must not hide it
        after = await c.call_tool("notes", {"operation": "list", "limit": 50})
        titles = [n["title"] for n in (after.structured_content or {})["notes"]]
        assert len(titles) == count + 1 and "late" in titles, titles
