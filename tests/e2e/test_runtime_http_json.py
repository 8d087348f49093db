"""Streamable HTTP answers each POST with JSON or SSE, decided per request (runtime/http_response):
a call with nothing to stream gets a plain JSON body; a progress token, a handler that takes `ctx`,
or a client that takes only SSE gets an SSE stream, so progress and logs still arrive. Raw HTTP
against `toolc serve --transport http` (uvicorn subprocess on 127.0.0.1), stateful and stateless,
and the real mcp client for progress and log notifications."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client, types

from tests.e2e.runtime_support import FIXTURE, http_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

VERSION = "2025-11-25"
BOTH = "application/json, text/event-stream"


@pytest.fixture(scope="module", params=["stateful", "stateless"])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    extra = ("--stateless",) if request.param == "stateless" else ()
    with http_server("test", FIXTURE, *extra) as u:
        yield u


class Raw:
    """A handshake-era session over plain HTTP requests."""

    def __init__(self, http: httpx2.AsyncClient, url: str) -> None:
        self.http, self.url, self.session = http, url, ""
        self.next_id = 0

    async def post(self, method: str, params: dict[str, Any], accept: str = BOTH) -> Any:
        self.next_id += 1
        body = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        headers = {"Accept": accept, "Content-Type": "application/json"}
        if self.session:
            headers["mcp-session-id"] = self.session
        if method != "initialize":
            headers["mcp-protocol-version"] = VERSION
        return await self.http.post(self.url, json=body, headers=headers)

    async def open(self) -> Raw:
        info = {"name": "json-test", "version": "1"}
        params = {"protocolVersion": VERSION, "capabilities": {}, "clientInfo": info}
        r = await self.post("initialize", params)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        self.session = r.headers.get("mcp-session-id", "")
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        headers = {"Accept": BOTH, "Content-Type": "application/json"}
        if self.session:
            headers["mcp-session-id"] = self.session
        assert (await self.http.post(self.url, json=note, headers=headers)).status_code == 202
        return self


def sse_messages(response: httpx2.Response) -> list[dict[str, Any]]:
    return [
        json.loads(line[5:])
        for line in response.text.splitlines()
        if line.startswith("data:") and line[5:].strip()
    ]


async def test_quiet_requests_get_a_json_body(url: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        raw = await Raw(http, url).open()
        for method, params in [
            ("tools/list", {}),
            ("ping", {}),
            ("tools/call", {"name": "calc_add", "arguments": {"a": 2, "b": 40}}),
            ("tools/call", {"name": "calc_add", "arguments": {"a": "2", "b": 40}}),
            ("tools/call", {"name": "no_such_tool", "arguments": {}}),
        ]:
            r = await raw.post(method, params)
            assert r.status_code == 200, (method, r.text)
            assert r.headers["content-type"] == "application/json", (method, r.headers)
            assert r.json()["id"] == raw.next_id
        assert r.json()["error"]["code"] == -32602  # the unknown tool: a protocol error
        added = await raw.post("tools/call", {"name": "calc_add", "arguments": {"a": 2, "b": 40}})
        assert added.json()["result"]["structuredContent"] == {"sum": 42}


async def test_a_progress_token_or_a_streaming_handler_gets_sse(url: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        raw = await Raw(http, url).open()
        # a handler that takes ctx may log: SSE, and its log notifications come first
        r = await raw.post(
            "tools/call", {"name": "faults", "arguments": {"operation": "progress", "steps": 2}}
        )
        assert r.headers["content-type"].startswith("text/event-stream")
        got = sse_messages(r)
        assert [m.get("method") for m in got[:-1]] == ["notifications/message"] * 2
        assert got[-1]["id"] == raw.next_id and not got[-1]["result"].get("isError")
        # a progress token on a quiet tool: SSE too (the client asked for notifications)
        params = {"name": "calc_add", "arguments": {"a": 1, "b": 1}, "_meta": {"progressToken": 7}}
        r = await raw.post("tools/call", params)
        assert r.headers["content-type"].startswith("text/event-stream")
        assert sse_messages(r)[-1]["result"]["structuredContent"] == {"sum": 2}


async def test_the_accept_header_is_honoured(url: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        raw = await Raw(http, url).open()
        call = {"name": "calc_add", "arguments": {"a": 1, "b": 2}}
        r = await raw.post("tools/call", call, accept="text/event-stream")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert sse_messages(r)[-1]["result"]["structuredContent"] == {"sum": 3}
        # JSON only: a streaming handler still answers, its notifications have nowhere to go
        steps = {"name": "faults", "arguments": {"operation": "progress", "steps": 2}}
        r = await raw.post("tools/call", steps, accept="application/json")
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.json()["id"] == raw.next_id and not r.json()["result"].get("isError")
        r = await raw.post("tools/call", call, accept="text/html")
        assert r.status_code == 406


async def test_the_mcp_client_still_gets_progress_and_logs(url: str) -> None:
    progress: list[float] = []
    logs: list[Any] = []

    async def on_progress(p: float, total: float | None, message: str | None) -> None:
        progress.append(p)

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params.data)

    async with Client(url, mode="legacy", logging_callback=on_log) as c:
        r = await c.call_tool(
            "faults", {"operation": "progress", "steps": 3}, progress_callback=on_progress
        )
        assert not r.is_error
        plain = await c.call_tool("calc_add", {"a": 1, "b": 2})
        assert plain.structured_content == {"sum": 3}
    assert progress == [1, 2, 3] and len(logs) == 3
