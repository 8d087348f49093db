"""Raw HTTP helpers for the security tests: real `toolc serve --transport http`
subprocesses on 127.0.0.1 (tests.e2e.runtime_support), driven with httpx2 or plain sockets."""

from __future__ import annotations

import json
from typing import Any

import httpx2

VERSION = "2025-11-25"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": VERSION,
        "capabilities": {},
        "clientInfo": {"name": "security-test", "version": "1"},
    },
}


def client(source: str = "127.0.0.1") -> httpx2.AsyncClient:
    """An HTTP client whose connections come from `source` (any 127.x address is this machine)."""
    transport = httpx2.AsyncHTTPTransport(local_address=source)
    return httpx2.AsyncClient(transport=transport, timeout=10, trust_env=False)


async def post(
    http: httpx2.AsyncClient,
    url: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await http.post(url, content=content, headers=ACCEPT | (headers or {}))


async def open_session(
    http: httpx2.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> httpx2.Response:
    """POST initialize; on success the response carries `mcp-session-id`."""
    return await post(http, url, INITIALIZE, headers)


def session_headers(session_id: str) -> dict[str, str]:
    return {"mcp-session-id": session_id, "mcp-protocol-version": VERSION}


def rpc_error(response: httpx2.Response) -> dict[str, Any]:
    """The JSON-RPC error object of an error response (asserts it is one, id null)."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["jsonrpc"] == "2.0" and body["id"] is None, body
    error: dict[str, Any] = body["error"]
    return error
