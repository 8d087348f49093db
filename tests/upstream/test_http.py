"""server-everything over its Streamable HTTP transport, fronted by toolc (served over stdio):
every fronted tool, called by its original name, returns what a direct HTTP call returns; the
a restarted upstream is an error naming it, then reconnected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.upstream.support import (
    call,
    compile_catalog,
    dumps,
    everything_http,
    free_port,
    session,
    toolc_params,
)
from toolc.runtime.upstream.connection import BACKOFF_FIRST

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("echo", {"message": "over http"}),
    ("get-sum", {"a": 1.5, "b": 2}),
    ("get-structured-content", {"location": "New York"}),
    ("get-tiny-image", {}),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_http_upstream_returns_what_the_upstream_returns(tmp_path: Path) -> None:
    project = compile_catalog("everything_http", tmp_path / "project")
    with everything_http() as url:
        async with (
            streamable_http_client(url) as (read, write),
            ClientSession(read, write) as direct,
        ):
            await direct.initialize()
            want = [await call(direct, name, args) for name, args in CALLS]
        port = url.split(":")[-1].split("/")[0]
        async with session(toolc_params(project, TOOLC_TEST_HTTP_PORT=port)) as proxy:
            got = [await call(proxy, name, args) for name, args in CALLS]
    for (name, _), w, g in zip(CALLS, want, got, strict=True):
        assert dumps(g) == dumps(w), name
    assert got[2]["structuredContent"]


async def test_http_upstream_restart_is_an_error_then_reconnected(tmp_path: Path) -> None:
    project = compile_catalog("everything_http", tmp_path / "project")
    port = free_port()
    async with session(toolc_params(project, TOOLC_TEST_HTTP_PORT=str(port))) as proxy:
        with everything_http(port):
            first = await call(proxy, "echo", {"message": "a"})
        down = await call(proxy, "echo", {"message": "b"})
        with everything_http(port):
            await anyio.sleep(BACKOFF_FIRST)  # past the first reconnect's backoff
            again = await call(proxy, "demo", {"operation": "echo", "message": "c"})
    assert first["isError"] is False
    assert down["isError"] is True, down
    assert 'upstream "everything"' in down["content"][0]["text"]
    assert again["isError"] is False
    assert again["content"] == [{"type": "text", "text": "Echo: c"}]
