"""Many workers, one truth: cached reads live in Redis and a write through any worker
invalidates them on all (issue 17's reproduction), on separate processes and on one port."""

from __future__ import annotations

import time
from pathlib import Path

import anyio
import httpx2
import pytest

from tests.state.conftest import RedisServer
from tests.state.support import add, alive, children, fresh_client, serve, serve_many, titles

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_a_note_added_through_worker_b_is_listed_at_once_by_worker_a(
    redis: RedisServer, tmp_path: Path
) -> None:
    """4 single-worker processes on their own ports, one Redis, one database."""
    traces = tmp_path / "traces"
    traces.mkdir()
    with serve_many(
        tmp_path / "db.sqlite", 4, "--stateless", "--state", redis.url, traces=traces
    ) as workers:
        a, b, c, d = (w.url for w in workers)
        async with httpx2.AsyncClient(timeout=30, trust_env=False) as http:
            assert await titles(http, a) == []  # cached (in Redis) on the first list
            for round_ in range(3):
                await add(http, b, f"note {round_}")
                expected = [f"note {i}" for i in range(round_ + 1)]
                for url in (a, c, d, b):
                    assert await titles(http, url) == expected
                for url in (a, c, d):  # served from the shared cache now: still the same
                    assert await titles(http, url) == expected
    hits = [s for w in workers for s in w.spans() if s["operation"] == "list"]
    assert any(s["cache"] == "hit" for s in hits)  # other workers' lists came from Redis
    assert {s["cache"] for s in workers[2].spans() if s["operation"] == "list"} >= {"hit"}
    keys = redis.command("KEYS", "toolc:bmad:gen:bmad_task:list")
    assert b"gen:bmad_task:list" in keys  # the generation counter the writes bumped


async def test_without_shared_state_the_other_worker_serves_its_stale_cache(
    tmp_path: Path,
) -> None:
    """The bug the issue reports, kept as a control: per-process caches go stale."""
    with serve_many(tmp_path / "db.sqlite", 2, "--stateless") as (a, b):
        async with httpx2.AsyncClient(timeout=30, trust_env=False) as http:
            assert await titles(http, a.url) == []
            await add(http, b.url, "invisible on a")
            assert await titles(http, b.url) == ["invisible on a"]
            assert await titles(http, a.url) == []  # until the `lists` ttl runs out


async def test_one_port_four_workers_share_the_cache_and_stop_together(
    redis: RedisServer, tmp_path: Path
) -> None:
    args = ("--workers", "4", "--state", redis.url)
    trace = tmp_path / "trace.jsonl"
    with serve(tmp_path / "db.sqlite", *args, trace=trace) as served:
        deadline = time.monotonic() + 15
        while len(children(served.proc.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children(served.proc.pid)
        assert len(workers) == 4, served.stderr()
        async with fresh_client() as http:
            for round_ in range(8):
                # every request on a new connection: the kernel spreads them over the workers
                for _ in range(4):
                    assert len(await titles(http, served.url)) == round_
                await add(http, served.url, f"task {round_}")
                for _ in range(8):
                    assert len(await titles(http, served.url)) == round_ + 1
        assert served.stop() == 0  # SIGTERM: workers finish and the parent exits cleanly
        assert "4 workers" in served.stderr()
    assert not [pid for pid in workers if alive(pid)]
    # each worker wrote its own span file (lines of several processes could interleave)
    files = sorted(p.name for p in tmp_path.glob("trace*.jsonl"))
    assert len(files) >= 2 and set(files) <= {f"trace.w{i}.jsonl" for i in range(4)}, files


async def test_workers_die_with_their_parent(redis: RedisServer, tmp_path: Path) -> None:
    with serve(tmp_path / "db.sqlite", "--workers", "2", "--state", redis.url) as served:
        deadline = time.monotonic() + 15
        while len(children(served.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children(served.proc.pid)
        assert len(workers) == 2
        served.proc.kill()  # SIGKILL: no chance to pass anything on
        served.proc.wait()
        with anyio.fail_after(10):
            while any(alive(pid) for pid in workers):
                await anyio.sleep(0.05)


async def test_a_worker_that_dies_is_replaced(redis: RedisServer, tmp_path: Path) -> None:
    import os
    import signal

    with serve(tmp_path / "db.sqlite", "--workers", "2", "--state", redis.url) as served:
        deadline = time.monotonic() + 15
        while len(children(served.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        first = children(served.proc.pid)
        os.kill(first[0], signal.SIGKILL)
        with anyio.fail_after(10):
            while True:
                now = children(served.proc.pid)
                if len(now) == 2 and first[0] not in now:
                    break
                await anyio.sleep(0.05)
        async with fresh_client() as http:
            for _ in range(6):
                assert await titles(http, served.url) == []
        assert "starting another" in served.stderr()
