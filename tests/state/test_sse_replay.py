"""SSE events in Redis: a client whose stream closed mid-call resumes with `Last-Event-ID` on
another worker (two stateful processes behind no sticky balancer) and gets its result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest

from tests.e2e.test_runtime_sse_resume import (
    BUILD,
    RETRY_MS,
    TOOL_RESULT,
    Session,
    call_until_stream_closes,
    messages,
)
from tests.state.conftest import RedisServer
from tests.state.support import Served, serve_many

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture
def workers(redis: RedisServer, tmp_path: Path) -> Iterator[list[Served]]:
    args = ("--sse-replay-events", "1000", "--sse-retry-ms", str(RETRY_MS), "--state", redis.url)
    with serve_many(tmp_path / "db", 2, *args, client="conformance", generated=BUILD) as w:
        yield w


async def resume_on(
    http: httpx2.AsyncClient, url: str, session: Session, last: str
) -> httpx2.Response:
    headers = session.headers("text/event-stream") | {"Last-Event-ID": last}
    request = http.build_request("GET", url, headers=headers)
    return await http.send(request, stream=True)


async def test_a_stream_resumed_on_another_worker_replays_its_events(
    workers: list[Served], redis: RedisServer
) -> None:
    a, b = (w.url for w in workers)
    async with httpx2.AsyncClient(timeout=10, trust_env=False) as http:
        session = await Session(http, a).open()
        last = await call_until_stream_closes(session, 1)
        await anyio.sleep(0.5)  # the call finishes on worker A while no stream is open
        response = await resume_on(http, b, session, last)
        try:
            assert response.status_code == 200
            assert response.headers["mcp-session-id"] == session.id
            got = await messages(response, until_id=1)
        finally:
            await response.aclose()
        assert got[-1]["result"]["content"] == [{"type": "text", "text": TOOL_RESULT}]

        # resuming at once, while the call still runs on A: B follows the stream in Redis
        last = await call_until_stream_closes(session, 2)
        response = await resume_on(http, b, session, last)
        try:
            got = await messages(response, until_id=2)
        finally:
            await response.aclose()
        assert got[-1]["result"]["content"][0]["text"] == TOOL_RESULT

        # and on the worker that holds the session, through the SDK's own replay
        last = await call_until_stream_closes(session, 3)
        await anyio.sleep(0.5)
        async with session.resume(last) as response:
            got = await messages(response, until_id=3)
        assert got[-1]["id"] == 3
    assert b"sse:st:" in redis.command("KEYS", "*")


async def test_another_session_cannot_resume_it_on_any_worker(workers: list[Served]) -> None:
    a, b = (w.url for w in workers)
    async with httpx2.AsyncClient(timeout=10, trust_env=False) as http:
        owner = await Session(http, a).open()
        other = await Session(http, a).open()
        last = await call_until_stream_closes(owner, 1)
        await anyio.sleep(0.5)
        response = await resume_on(http, b, other, last)
        await response.aread()
        assert response.status_code == 404  # B knows neither the session nor its events
        response = await resume_on(http, b, owner, last)
        try:
            got = await messages(response, until_id=1)
        finally:
            await response.aclose()
        assert got[-1]["result"]["content"][0]["text"] == TOOL_RESULT
