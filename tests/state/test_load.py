"""Many calls from 200 concurrent sessions over `--workers 4` sharing Redis: 0 errors.

The issue asks for 20,000 calls. Measured on this project's shared 2-core machines (load 8-13
from other jobs), 20,000 calls took 583 s (34 calls/s, 0 errors), far over the 2 minutes a test
may take, so the default is 2,000 calls; `TOOLC_LOAD_CALLS=20000 TOOLC_LOAD_BUDGET=900` runs
the full count (`TOOLC_LOAD_BUDGET` seconds, default 150, bounds the run).

Each session is a client with its own keep-alive connection (the kernel spreads connections
over the workers); 1 call in 40 is a write (4 processes share the example's SQLite file), the
rest reads (cached, but every write invalidates the lists), and every session checks that it
reads its own writes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import anyio
import httpx2
import pytest

from tests.state.conftest import RedisServer
from tests.state.support import HEADERS, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CALLS = int(os.environ.get("TOOLC_LOAD_CALLS", "2000"))
SESSIONS = 200
BUDGET = float(os.environ.get("TOOLC_LOAD_BUDGET", "150"))


async def test_200_sessions_many_calls_0_errors(redis: RedisServer, tmp_path: Path) -> None:
    per_session = max(2, CALLS // SESSIONS)
    errors: list[str] = []
    done = 0
    with serve(tmp_path / "db.sqlite", "--workers", "4", "--state", redis.url) as served:
        url = served.url

        async def session(n: int) -> None:
            nonlocal done
            limits = httpx2.Limits(max_connections=1)
            async with httpx2.AsyncClient(timeout=60, trust_env=False, limits=limits) as http:
                mine = 0
                for i in range(per_session):
                    if i % 40 == 0:
                        args = {"operation": "add", "title": f"s{n}q{i}", "tags": [f"s{n}"]}
                        mine += 1
                    elif i % 2:
                        args = {"operation": "list", "tag": f"s{n}", "limit": 200}
                    else:
                        args = {"operation": "list", "status": "todo", "limit": 5}
                    body = {
                        "jsonrpc": "2.0",
                        "id": i,
                        "method": "tools/call",
                        "params": {"name": "bmad_task", "arguments": args},
                    }
                    try:
                        r = await http.post(url, json=body, headers=HEADERS)
                        result = r.json()["result"]
                        if result.get("isError"):
                            errors.append(str(result["content"])[:200])
                        elif args.get("tag") and result["structuredContent"]["total"] != mine:
                            errors.append(
                                f"session {n} read {result['structuredContent']['total']}"
                                f" of its {mine} tasks"
                            )
                    except Exception as exc:  # counted, not raised: the report needs them all
                        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                    done += 1

        started = time.monotonic()
        with anyio.fail_after(BUDGET):
            async with anyio.create_task_group() as tg:
                for n in range(SESSIONS):
                    tg.start_soon(session, n)
        elapsed = time.monotonic() - started
    rate = done / elapsed
    print(f"\n{done} calls, {SESSIONS} sessions, 4 workers: {elapsed:.1f} s, {rate:.0f} calls/s")
    assert done == per_session * SESSIONS
    assert errors == [], errors[:5]
