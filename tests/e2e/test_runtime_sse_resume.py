"""SSE resumability (SEP-1699) over real Streamable HTTP, with a raw HTTP client.

The server is `toolc serve --transport http` for the conformance fixture build, whose
`test_reconnection` tool closes its SSE stream mid-call and then returns. The client reads the
POST stream's priming event (id, empty data, retry), sees the stream end without a result, then
reconnects with GET + `Last-Event-ID` and receives the result from the server's event store.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
import pytest

from tests.e2e.runtime_support import ROOT, http_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BUILD = ROOT / "tests" / "conformance" / "generated"
VERSION = "2025-11-25"  # the first protocol version with priming events and stream closing
RETRY_MS = 250
TOOL_RESULT = "Reconnection test completed"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    # replay is off by default: a server whose clients resume turns it on
    args = ("--sse-replay-events", "1000", "--sse-retry-ms", str(RETRY_MS))
    with http_server("conformance", BUILD, *args) as u:
        yield u


class Session:
    """A handshake-era session driven with plain HTTP requests."""

    def __init__(self, http: httpx2.AsyncClient, url: str) -> None:
        self.http = http
        self.url = url
        self.id = ""

    def headers(self, accept: str = "application/json, text/event-stream") -> dict[str, str]:
        h = {"Accept": accept, "Content-Type": "application/json"}
        if self.id:
            h |= {"mcp-session-id": self.id, "mcp-protocol-version": VERSION}
        return h

    async def open(self) -> Session:
        params = {
            "protocolVersion": VERSION,
            "capabilities": {},
            "clientInfo": {"name": "sse-resume-test", "version": "1"},
        }
        body = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params}
        opened = await self.http.post(self.url, json=body, headers=self.headers())
        assert opened.headers["content-type"] == "application/json"  # nothing to stream
        self.id = opened.headers["mcp-session-id"]
        assert opened.json()["result"]["protocolVersion"] == VERSION
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        r = await self.http.post(self.url, json=note, headers=self.headers())
        assert r.status_code == 202
        return self

    @asynccontextmanager
    async def post(self, body: dict[str, Any]) -> AsyncIterator[httpx2.Response]:
        async with self.http.stream("POST", self.url, json=body, headers=self.headers()) as r:
            assert r.status_code == 200, r.status_code
            assert r.headers["content-type"].startswith("text/event-stream")
            yield r

    @asynccontextmanager
    async def resume(self, last_event_id: str) -> AsyncIterator[httpx2.Response]:
        headers = self.headers("text/event-stream") | {"Last-Event-ID": last_event_id}
        async with self.http.stream("GET", self.url, headers=headers) as r:
            assert r.status_code == 200, r.status_code
            yield r


def call(request_id: int) -> dict[str, Any]:
    params = {"name": "test_reconnection", "arguments": {}}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


async def messages(response: httpx2.Response, until_id: int) -> list[dict[str, Any]]:
    """The JSON-RPC messages of an SSE response, up to the response to request `until_id`."""
    got: list[dict[str, Any]] = []
    with anyio.fail_after(10):
        async for event in httpx2.EventSource(response):
            if event.data:
                got.append(json.loads(event.data))
                if got[-1].get("id") == until_id:
                    break
    return got


async def call_until_stream_closes(session: Session, request_id: int) -> str:
    """POST the call; check the priming event and that the stream ends before the result."""
    async with session.post(call(request_id)) as response:
        with anyio.fail_after(10):
            events = [e async for e in httpx2.EventSource(response)]
    priming = events[0]
    assert priming.id and priming.data == "" and priming.retry == RETRY_MS
    assert all(not e.data for e in events), "the result came on the POST stream"
    return priming.id


async def test_a_call_whose_stream_closed_delivers_its_result_on_reconnection(url: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        session = await Session(http, url).open()
        last_event_id = await call_until_stream_closes(session, 1)
        await anyio.sleep(0.5)  # the call finishes while no stream is open: the store keeps it
        async with session.resume(last_event_id) as response:
            got = await messages(response, until_id=1)
        assert got[-1]["id"] == 1
        assert got[-1]["result"]["content"] == [{"type": "text", "text": TOOL_RESULT}]
        assert not got[-1]["result"].get("isError")

        # reconnecting at once, before the call is done, gets the result as it comes
        last_event_id = await call_until_stream_closes(session, 2)
        async with session.resume(last_event_id) as response:
            got = await messages(response, until_id=2)
        assert got[-1]["result"]["content"][0]["text"] == TOOL_RESULT


async def test_a_session_cannot_resume_another_sessions_stream(url: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        owner = await Session(http, url).open()
        other = await Session(http, url).open()
        last_event_id = await call_until_stream_closes(owner, 1)
        await anyio.sleep(0.5)
        async with other.resume(last_event_id) as response:
            with anyio.fail_after(10):
                events = [e async for e in httpx2.EventSource(response)]
        assert events == []  # an id this session never received replays nothing
        async with owner.resume(last_event_id) as response:
            got = await messages(response, until_id=1)
        assert got[-1]["result"]["content"][0]["text"] == TOOL_RESULT


async def test_without_an_event_store_the_result_stays_on_the_post_stream() -> None:
    with http_server("conformance", BUILD, "--sse-replay-events", "0") as u:
        async with httpx2.AsyncClient(timeout=10) as http:
            session = await Session(http, u).open()
            async with session.post(call(1)) as response:
                with anyio.fail_after(10):
                    events = [e async for e in httpx2.EventSource(response)]
    assert [e.id for e in events if not e.data] == []  # no priming event
    assert all(e.retry is None for e in events)
    result = json.loads(events[-1].data)
    assert result["id"] == 1 and result["result"]["content"][0]["text"] == TOOL_RESULT
