"""Killing Redis mid-run loses no call: reads run uncached, writes still invalidate (on every
worker, once Redis is back), the outage is logged, and caching resumes when Redis returns."""

from __future__ import annotations

import time
from pathlib import Path

import anyio
import httpx2
import pytest

from tests.state.conftest import RedisServer
from tests.state.support import call, serve_many

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CLIENTS = 8


async def test_killing_redis_mid_run_loses_no_call(redis: RedisServer, tmp_path: Path) -> None:
    with serve_many(tmp_path / "db.sqlite", 2, "--stateless", "--state", redis.url) as workers:
        urls = [w.url for w in workers]
        calls = 0
        slowest = 0.0
        stop = anyio.Event()

        async def client(n: int) -> None:
            nonlocal calls, slowest
            async with httpx2.AsyncClient(timeout=30, trust_env=False) as http:
                i = 0
                while not stop.is_set():
                    writer, reader = urls[i % 2], urls[(i + 1) % 2]
                    title = f"c{n}n{i}q"  # one word: a search finds exactly this task
                    started = time.monotonic()
                    added = await call(
                        http, writer, "bmad_task", {"operation": "add", "title": title}
                    )
                    listed = await call(
                        http, reader, "bmad_task", {"operation": "search", "query": title}
                    )
                    slowest = max(slowest, time.monotonic() - started)
                    calls += 2
                    assert not added.get("isError") and not listed.get("isError"), listed
                    found = [t["title"] for t in listed["structuredContent"]["tasks"]]
                    assert title in found, (title, found)  # read-your-writes on the other worker
                    i += 1

        async with anyio.create_task_group() as tg:
            for n in range(CLIENTS):
                tg.start_soon(client, n)
            await anyio.sleep(1.5)
            before = calls
            redis.stop()  # SIGKILL mid-run
            await anyio.sleep(2.0)
            during = calls - before
            redis.start()  # back, and empty
            await anyio.sleep(2.0)
            stop.set()
        assert during > 0  # calls went on while Redis was down
        assert slowest < 5
        logs = "".join(w.stderr() for w in workers)
    assert "Redis is unreachable" in logs
    assert "Redis answers again" in logs
    assert b"res:" in redis.command("KEYS", "*")  # caching resumed
    assert calls > 40
