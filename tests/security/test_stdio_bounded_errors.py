"""No error echoes unbounded input: names and values quoted in errors are short excerpts.

Before, a 3 MB unknown tool name came back in a 3 MB error (and difflib compared all of it with
every tool name for a did-you-mean hint); so did an unknown operation, an unknown argument key and
an unknown method (the SDK's "Method not found" carries the method as its data). Over stdio with
raw bytes, and over Streamable HTTP with the real mcp client: the caps live in the runtime's
dispatch and validation, so every transport gets them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mcp import Client, MCPError

from tests.e2e.runtime_support import FIXTURE, http_server
from tests.security.stdio_raw import RawServer, call, line

pytestmark = pytest.mark.slow

HUGE = "n" * 3_000_000  # under the 4 MiB message limit
MAX_REPLY = 2_000  # bytes of one error reply line


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as srv:
        srv.initialize()
        yield srv


def _error(server: RawServer, message: dict[str, object]) -> dict[str, object]:
    server.send(line(message))
    raw = server.reply_line(timeout=20)
    assert len(raw) < MAX_REPLY, f"a {len(raw)}-byte error reply"
    reply = json.loads(raw)
    assert reply["id"] == message["id"]
    error = reply["error"]
    assert isinstance(error, dict)
    return error


def _refused(server: RawServer, message: dict[str, object]) -> str:
    """The text of an `isError` result (SEP-1303: bad arguments are tool execution errors)."""
    server.send(line(message))
    raw = server.reply_line(timeout=20)
    assert len(raw) < MAX_REPLY, f"a {len(raw)}-byte refusal"
    reply = json.loads(raw)
    assert reply["id"] == message["id"] and reply["result"]["isError"] is True
    text = reply["result"]["content"][0]["text"]
    assert isinstance(text, str)
    return text


def test_unknown_tool_name(server: RawServer) -> None:
    error = _error(server, call(1, HUGE, {}))
    assert error["code"] == -32602 and "(3000000 characters)" in str(error["message"])


def test_unknown_operation_name(server: RawServer) -> None:
    text = _refused(server, call(2, "faults", {"operation": HUGE}))
    assert "(3000000 characters)" in text
    text = _refused(server, call(3, "faults", {"operation": {"k": HUGE}}))  # not even a string
    assert "has no operation" in text


def test_unknown_argument_key_and_many_problems(server: RawServer) -> None:
    text = _refused(server, call(4, "calc_add", {"a": 1, "b": 2, HUGE: 1}))
    assert "(3000000 characters)" in text
    many = {f"k{i}": 1 for i in range(20_000)}
    text = _refused(server, call(5, "calc_add", {"a": 1, "b": 2, **many}))
    assert "and 19990 more" in text and text.count("unknown parameter") == 10


def test_unknown_method(server: RawServer) -> None:
    error = _error(server, {"jsonrpc": "2.0", "id": 6, "method": HUGE})
    assert error["code"] == -32601


@pytest.mark.anyio
async def test_over_http_too() -> None:
    # 2025-11-25: at 2026-07-28 the tool name also travels in an HTTP header, which uvicorn caps.
    # The client refuses SSE events over 1 MiB, so the echo must fit in one to be seen at all.
    big = "n" * 500_000
    with http_server("test", FIXTURE) as url:
        async with Client(url, mode="legacy") as client:
            with pytest.raises(MCPError) as err:
                await client.call_tool(big, {})
            assert "(500000 characters)" in err.value.error.message
            assert len(err.value.error.message) < MAX_REPLY
            refused = await client.call_tool("notes", {"operation": big})  # SEP-1303: isError
            assert refused.is_error
            assert len(refused.content[0].text) < MAX_REPLY  # type: ignore[union-attr]
