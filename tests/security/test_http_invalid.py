"""Malformed JSON-RPC over HTTP: -32600 (or -32700 for bad JSON) with a short message that never
echoes the input, id null; a request id that is neither a string nor an integer is not taken for
a notification (the SDK answered `"id": 20.5` with 202 and never replied)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest

from tests.e2e.runtime_support import FIXTURE, http_server
from tests.security.http_support import client, open_session, post, rpc_error, session_headers

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

MARK = "<script>ECHO-ME-9f3c</script>"
LIST = {"jsonrpc": "2.0", "method": "tools/list"}


@pytest.fixture(scope="module", params=["stateful", "stateless"])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    extra = ("--stateless",) if request.param == "stateless" else ()
    with http_server("test", FIXTURE, *extra) as u:
        yield u


@pytest.fixture
async def session(url: str) -> AsyncIterator[tuple[httpx2.AsyncClient, dict[str, str]]]:
    async with client() as http:
        r = await open_session(http, url)
        assert r.status_code == 200
        sid = r.headers.get("mcp-session-id")
        yield http, (session_headers(sid) if sid else {"mcp-protocol-version": "2025-11-25"})


BAD_IDS: list[Any] = [20.5, 1.0, True, None, [1], {"n": 1}]


@pytest.mark.parametrize("rid", BAD_IDS)
async def test_a_request_id_that_is_not_a_string_or_an_integer_is_an_invalid_request(
    url: str, session: tuple[httpx2.AsyncClient, dict[str, str]], rid: Any
) -> None:
    http, headers = session
    r = await post(http, url, LIST | {"id": rid}, headers)
    assert r.status_code == 400, (r.status_code, r.text)
    error = rpc_error(r)
    assert error == {
        "code": -32600,
        "message": "Invalid Request: id must be a string or an integer",
    }


@pytest.mark.parametrize(
    "body",
    [
        LIST | {"id": 3, "params": MARK},
        {"jsonrpc": "2.0", "id": 3, "method": ["tools/list", MARK]},
        {"jsonrpc": "1.0", "id": 3, "method": "tools/list", "params": {"x": MARK}},
        {"id": 3, "method": MARK},
        [LIST | {"id": 3, "params": {"x": MARK}}],
        MARK,
    ],
)
async def test_an_invalid_message_gets_a_short_invalid_request_without_echo(
    url: str, session: tuple[httpx2.AsyncClient, dict[str, str]], body: Any
) -> None:
    http, headers = session
    r = await post(http, url, body, headers)
    assert r.status_code == 400, r.text
    error = rpc_error(r)
    assert error["code"] == -32600 and error["message"].startswith("Invalid Request: ")
    assert len(r.content) < 300 and "ECHO-ME" not in r.text and "input_value" not in r.text


async def test_an_invalid_opening_request_gets_the_same_answer(url: str) -> None:
    init = {"jsonrpc": "2.0", "id": 20.5, "method": "initialize", "params": MARK}
    async with client() as http:
        for body in (init, init | {"id": 1}):
            r = await post(http, url, body)
            assert r.status_code == 400, r.text
            assert rpc_error(r)["code"] == -32600 and "ECHO-ME" not in r.text


async def test_bad_json_is_a_parse_error_without_echo(
    url: str, session: tuple[httpx2.AsyncClient, dict[str, str]]
) -> None:
    http, headers = session
    r = await post(http, url, b'{"jsonrpc": "2.0", "id": ' + MARK.encode(), headers)
    assert r.status_code == 400
    assert rpc_error(r) == {"code": -32700, "message": "Parse error: the body is not JSON"}


async def test_well_formed_messages_still_work(
    url: str, session: tuple[httpx2.AsyncClient, dict[str, str]]
) -> None:
    http, headers = session
    for rid in (7, "seven"):
        r = await post(http, url, LIST | {"id": rid}, headers)
        assert r.status_code == 200 and '"calc_add"' in r.text, r.text
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert (await post(http, url, note, headers)).status_code == 202


async def test_an_unknown_method_name_is_never_echoed(
    url: str, session: tuple[httpx2.AsyncClient, dict[str, str]]
) -> None:
    # The SDK's "Method not found" quoted the whole method name back (500,000 characters here).
    http, headers = session
    r = await post(http, url, {"jsonrpc": "2.0", "id": 4, "method": "m" * 500_000}, headers)
    assert r.status_code == 400, r.status_code
    assert rpc_error(r)["code"] == -32601 and len(r.content) < 300, r.text[:300]
    r = await post(http, url, {"jsonrpc": "2.0", "id": 5, "method": "tools/nope"}, headers)
    assert "-32601" in r.text and len(r.content) < 300, r.text[:300]
