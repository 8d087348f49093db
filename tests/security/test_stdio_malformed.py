"""Every line a client sends over stdio gets an answer, or is a valid JSON-RPC notification.

Raw bytes go to a real server subprocess. Each malformed line must be answered (-32700 parse
error, -32600 invalid request, or -32602 for a request whose params are not an object) with the
request's id when a valid one can be recovered, else null, and the session must go on: a valid
request sent next is answered. Before, these lines got no reply at all, and a request carrying an
id left its client waiting forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.stdio_raw import RawServer, line

pytestmark = pytest.mark.slow

PARSE, INVALID, PARAMS = -32700, -32600, -32602
DEEP = b"[" * 250 + b"]" * 250
VERY_DEEP = b"[" * 100_000 + b"]" * 100_000

CASES: list[tuple[str, bytes, int, Any]] = [
    ("not-json", b"not json", PARSE, None),
    ("truncated", b'{"jsonrpc": "2.0", "id": 1, "method": "ping"', PARSE, None),
    ("params-a-string", b'{"jsonrpc":"2.0","id":1,"method":"tools/list","params":"x"}', INVALID, 1),
    ("no-method", b'{"jsonrpc":"2.0","id":"two"}', INVALID, "two"),
    ("method-a-number", b'{"jsonrpc":"2.0","id":3,"method":5}', INVALID, 3),
    ("jsonrpc-1.0", b'{"jsonrpc":"1.0","id":4,"method":"ping"}', INVALID, 4),
    ("no-jsonrpc", b'{"id":5,"method":"ping"}', INVALID, 5),
    ("batch", b'[{"jsonrpc":"2.0","id":6,"method":"ping"}]', INVALID, None),
    ("empty-batch", b"[]", INVALID, None),
    ("a-string", b'"ping"', INVALID, None),
    ("a-number", b"42", INVALID, None),
    ("id-float", b'{"jsonrpc":"2.0","id":1.5,"method":"ping"}', INVALID, None),
    ("id-integral-float", b'{"jsonrpc":"2.0","id":7.0,"method":"ping"}', INVALID, None),
    ("id-true", b'{"jsonrpc":"2.0","id":true,"method":"ping"}', INVALID, None),
    ("id-object", b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', INVALID, None),
    ("id-array", b'{"jsonrpc":"2.0","id":[8],"method":"ping"}', INVALID, None),
    ("id-null", b'{"jsonrpc":"2.0","id":null,"method":"ping"}', INVALID, None),
    ("invalid-utf8", b'{"jsonrpc":"2.0","id":9,"method":"ping\xff\xfe"}', PARSE, 9),
    (
        "lone-surrogate",
        b'{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"\\ud800"}}',
        PARSE,
        10,
    ),
    ("lone-surrogate-id", b'{"jsonrpc":"2.0","id":"\\udc00","method":"ping"}', PARSE, None),
    (
        "nested-250",
        b'{"jsonrpc":"2.0","id":11,"method":"ping","params":{"a":' + DEEP + b"}}",
        PARSE,
        None,
    ),
    ("nested-100000", VERY_DEEP, PARSE, None),
    (
        "params-an-array",
        b'{"jsonrpc":"2.0","id":12,"method":"tools/list","params":[1]}',
        PARAMS,
        12,
    ),
    ("invalid-notification", b'{"jsonrpc":"2.0","method":"ping","params":"x"}', INVALID, None),
]


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as srv:
        srv.initialize()
        yield srv


@pytest.mark.parametrize(
    ("raw", "code", "reply_id"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_line_is_answered_and_the_session_goes_on(
    server: RawServer, raw: bytes, code: int, reply_id: Any
) -> None:
    server.send(raw + b"\n")
    reply = server.reply()
    assert reply["id"] == reply_id
    assert reply["error"]["code"] == code
    assert len(reply["error"]["message"]) < 200
    server.send(line({"jsonrpc": "2.0", "id": "after", "method": "tools/list"}))
    after = server.reply()
    assert after["id"] == "after" and after["result"]["tools"]


def test_only_valid_notifications_go_unanswered(server: RawServer) -> None:
    # JSON-RPC answers no notification, not even one MCP cannot take (array params, unknown
    # method); one that is not valid JSON-RPC is an invalid request and is answered.
    # Before, none was answered.
    server.send(b'{"jsonrpc":"2.0","method":"notifications/unknown","params":[1]}\n')
    server.send(b'{"jsonrpc":"2.0","method":"notifications/unknown"}\n')
    server.send(b"\n  \r\n")  # blank lines between messages are no messages
    server.send(b'{"jsonrpc":"2.0","method":"notifications/unknown","params":7}\n')
    server.send(line({"jsonrpc": "2.0", "id": "ping", "method": "ping"}))
    first, second = server.reply(), server.reply()
    assert first["id"] is None and first["error"]["code"] == INVALID
    assert second == {"jsonrpc": "2.0", "id": "ping", "result": {}}
