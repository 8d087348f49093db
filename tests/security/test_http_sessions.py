"""Stateful sessions are bounded per peer address and in total, and idle ones are reaped, so one
client cannot lock the others out (one client once opened 10 000 sessions and every other client
got 503). A peer is the connecting address: any 127.x source address is a different peer on this
machine, and X-Forwarded-For is not trusted unless asked for."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from tests.e2e.runtime_support import FIXTURE, http_server
from tests.security.http_support import client, open_session, post, rpc_error, session_headers

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

DEFAULT_PER_PEER = 100


async def fill(http: httpx2.AsyncClient, url: str, most: int) -> tuple[list[str], httpx2.Response]:
    """Open sessions until one is refused (at most `most` tries); the ids and the refusal."""
    ids: list[str] = []
    for _ in range(most):
        r = await open_session(http, url)
        if r.status_code != 200:
            return ids, r
        ids.append(r.headers["mcp-session-id"])
    raise AssertionError(f"{most} sessions opened from one peer, none refused")


async def test_one_peer_hits_its_default_cap_and_another_peer_still_gets_in() -> None:
    with http_server("test", FIXTURE) as url:
        async with client("127.0.0.1") as greedy, client("127.0.0.2") as other:
            ids, refused = await fill(greedy, url, DEFAULT_PER_PEER + 20)
            assert len(ids) == DEFAULT_PER_PEER
            assert refused.status_code == 429 and refused.headers["retry-after"]
            error = rpc_error(refused)
            assert error["code"] == -32000 and "from this address" in error["message"]
            # a forged X-Forwarded-For does not make the greedy peer someone else
            forged = await open_session(greedy, url, {"X-Forwarded-For": "203.0.113.9"})
            assert forged.status_code == 429
            # the greedy peer's sessions still work, and another peer opens its own
            listed = await post(
                greedy,
                url,
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                session_headers(ids[0]),
            )
            assert listed.status_code == 200
            for _ in range(3):
                assert (await open_session(other, url)).status_code == 200
            # ending a session frees its slot
            gone = await greedy.delete(url, headers=session_headers(ids[0]))
            assert gone.status_code == 200
            assert (await open_session(greedy, url)).status_code == 200


async def test_the_total_cap_answers_503_and_the_per_peer_cap_429() -> None:
    extra = ("--max-sessions", "6", "--max-sessions-per-peer", "4")
    with http_server("test", FIXTURE, *extra) as url:
        async with client("127.0.0.1") as a, client("127.0.0.2") as b, client("127.0.0.3") as c:
            ids, refused = await fill(a, url, 10)
            assert len(ids) == 4 and refused.status_code == 429
            ids, refused = await fill(b, url, 10)
            assert len(ids) == 2 and refused.status_code == 503
            assert rpc_error(refused)["message"] == "Too many open sessions"
            assert (await open_session(c, url)).status_code == 503


async def test_idle_sessions_are_reaped_and_free_their_slots() -> None:
    extra = ("--session-idle-timeout", "1", "--max-sessions-per-peer", "3")
    with http_server("test", FIXTURE, *extra) as url:
        async with client() as http:
            ids, refused = await fill(http, url, 10)
            assert len(ids) == 3 and refused.status_code == 429
            ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
            r = await post(http, url, ping, session_headers(ids[-1]))
            assert r.status_code == 200  # not reaped while in use
            await anyio.sleep(2.5)  # idle for more than the timeout: every one of them is gone
            for sid in ids:
                r = await post(http, url, ping, session_headers(sid))
                assert r.status_code == 404, "an idle session outlived its timeout"
            for _ in range(3):
                assert (await open_session(http, url)).status_code == 200
