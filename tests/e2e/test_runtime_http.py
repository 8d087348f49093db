"""The runtime over Streamable HTTP (uvicorn subprocess on 127.0.0.1), both eras, stateful and
stateless."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2
import pytest
from mcp import Client, MCPError, types

from tests.e2e.runtime_support import FIXTURE, http_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture(scope="module", params=["stateful", "stateless"])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    extra = ("--stateless",) if request.param == "stateless" else ()
    with http_server("test", FIXTURE, *extra) as u:
        yield u


@pytest.mark.parametrize(("mode", "version"), [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
async def test_http_list_call_legacy_invalid(url: str, mode: str, version: str) -> None:
    async with Client(url, mode=mode) as c:
        assert c.protocol_version == version
        names = [t.name for t in (await c.list_tools()).tools]
        assert names == ["notes", "calc_add", "faults", "geo_distance"]
        r = await c.call_tool("calc_add", {"a": 20, "b": 22})
        assert r.structured_content == {"sum": 42} and not r.is_error
        r = await c.call_tool("add_numbers", {"a": 1, "b": 1})
        assert r.structured_content == {"sum": 2}
        added = await c.call_tool("add_note", {"name": "over http"})
        assert not added.is_error
        refused = await c.call_tool("calc_add", {"a": "1", "b": 2})  # SEP-1303: isError
        assert refused.is_error and '"a"' in refused.content[0].text  # type: ignore[union-attr]
        refused = await c.call_tool("notes", {"operation": "remove"})
        assert refused.is_error and "valid operations" in refused.content[0].text  # type: ignore[union-attr]
        with pytest.raises(MCPError) as err:  # an unknown tool stays a protocol error
            await c.call_tool("no_such_tool", {})
        assert err.value.error.code == types.INVALID_PARAMS
        crash = await c.call_tool("faults", {"operation": "crash"})
        assert crash.is_error and "hunter2" not in crash.content[0].text  # type: ignore[union-attr]


async def test_responses_do_not_wait_for_a_delayed_ack(url: str) -> None:
    """The listening socket is TCP (TCP_NODELAY on every connection): without it each response on a
    kept-alive connection waited ~40 ms for the client's delayed ACK."""
    took: list[float] = []
    async with httpx2.AsyncClient(timeout=10) as http:
        for _ in range(10):
            start = time.perf_counter()
            r = await http.get(url.replace("/mcp", "/nothing"))
            took.append(time.perf_counter() - start)
            assert r.status_code == 404
    assert min(took) < 0.03, took
