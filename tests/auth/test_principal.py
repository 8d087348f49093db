"""The principal on the call path over real HTTP, stateful and stateless: handlers see it as
`ctx.principal`, operation scopes are checked against it, it keys the result cache (unless the
policy says `shared: true`) and it is recorded in spans. Over stdio nothing is enforced."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from tests.auth.support import ALICE, BOB, TOKEN_ENV, compiled, http_server, mcp_client
from tests.e2e.runtime_support import server_env

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture(scope="module", params=["stateful", "stateless"])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    extra = ("--stateless",) if request.param == "stateless" else ()
    with http_server("secure", *extra) as u:
        yield u


def text(result: Any) -> str:
    return str(result.content[0].text)


async def test_handlers_see_the_principal_of_each_request(url: str) -> None:
    async with mcp_client(url, ALICE) as alice, mcp_client(url, BOB, mode="auto") as bob:
        for _ in range(3):  # interleaved on two connections: never each other's
            a = await alice.call_tool("whoami", {})
            b = await bob.call_tool("whoami", {})
            assert a.structured_content is not None and b.structured_content is not None
            assert a.structured_content["principal"] == "alice"
            assert b.structured_content == {
                "principal": "bob",
                "scopes": ["notes:read"],
                "via": "bearer",
            }


async def test_a_call_without_the_operations_scope_is_refused_naming_it(url: str) -> None:
    async with mcp_client(url, BOB) as bob, mcp_client(url, ALICE) as alice:
        refused = await bob.call_tool("notes", {"operation": "add", "text": "from bob"})
        assert refused.is_error
        assert '"notes:write"' in text(refused) and '"bob"' in text(refused)
        assert 'operation "add"' in text(refused)
        added = await alice.call_tool("notes", {"operation": "add", "text": "from alice"})
        assert not added.is_error, text(added)
        # the tool-level scope applies to every operation; bob has it
        assert not (await bob.call_tool("notes", {"operation": "count"})).is_error


async def test_cached_reads_are_per_principal_unless_shared(url: str) -> None:
    async with mcp_client(url, ALICE) as alice, mcp_client(url, BOB) as bob:
        add = {"operation": "add", "text": "reset the cache"}
        assert not (await alice.call_tool("notes", add)).is_error  # invalidates count
        first = (await alice.call_tool("notes", {"operation": "count"})).structured_content
        again = (await alice.call_tool("notes", {"operation": "count"})).structured_content
        other = (await bob.call_tool("notes", {"operation": "count"})).structured_content
        assert first is not None and again is not None and other is not None
        assert again["runs"] == first["runs"]  # alice's second read: her cached result
        assert other["runs"] > first["runs"]  # bob's read ran the handler: not alice's entry
        shared_a = await alice.call_tool("notes", {"operation": "count_shared"})
        shared_b = await bob.call_tool("notes", {"operation": "count_shared"})
        assert shared_a.structured_content == shared_b.structured_content  # `shared: true`


async def test_spans_record_the_principal(tmp_path: Path) -> None:
    trace = tmp_path / "spans.jsonl"
    with http_server("secure", "--trace", str(trace)) as url:
        async with mcp_client(url, ALICE) as alice, mcp_client(url, BOB) as bob:
            await alice.call_tool("whoami", {})
            await bob.call_tool("notes", {"operation": "add", "text": "x"})
    spans = [json.loads(line) for line in trace.read_text().splitlines()]
    assert {(s["tool"], s["principal"], s["outcome"]) for s in spans} == {
        ("whoami", "alice", "ok"),
        ("notes", "bob", "denied"),
    }


async def test_over_stdio_scopes_are_not_enforced_and_there_is_no_principal() -> None:
    root = compiled()
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "toolc", "serve", "--client", "secure", "--root", str(root), "--no-trace"],
        env=server_env(TOKEN_ENV),
        cwd=str(root),
    )
    async with Client(params, mode="legacy") as client:
        who = await client.call_tool("whoami", {})
        assert who.structured_content == {"principal": None}
        added = await client.call_tool("notes", {"operation": "add", "text": "local"})
        assert not added.is_error, text(added)
