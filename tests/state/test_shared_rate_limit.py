"""Rate-limit buckets shared through Redis: a principal that spent its burst on one worker is
limited on another worker at once (with `--state`), and is not without it. Counts results."""

from __future__ import annotations

import time

import pytest

from tests.auth.support import ALICE, http_server, mcp_client
from tests.state.conftest import RedisServer

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BURST = 5  # `ping` of the "secure" auth fixture: {calls_per_minute: 60, burst: 5} per principal


async def _spend_then_cross(first: str, second: str) -> tuple[int, int, float]:
    """Spend alice's burst on `first` (until a refusal), then call `second` BURST + 1 times;
    returns (ok on first, ok on second, seconds since the first refusal)."""
    async with mcp_client(first, ALICE) as a, mcp_client(second, ALICE) as b:
        ok_first = 0
        for _ in range(BURST + 5):
            if (await a.call_tool("ping", {})).is_error:
                break
            ok_first += 1
        refused_at = time.monotonic()
        ok_second = 0
        for _ in range(BURST + 1):
            ok_second += 0 if (await b.call_tool("ping", {})).is_error else 1
        return ok_first, ok_second, time.monotonic() - refused_at


async def test_a_burst_spent_on_one_worker_is_spent_on_the_others(redis: RedisServer) -> None:
    state = ("--stateless", "--state", redis.url)
    with http_server("secure", *state) as one, http_server("secure", *state) as two:
        ok_one, ok_two, elapsed = await _spend_then_cross(one, two)
    assert ok_one >= BURST  # the burst, plus what refilled meanwhile (1 token a second)
    # one shared bucket: the second worker has only what refilled since (1 token a second)
    assert ok_two <= 1 + int(elapsed), (ok_two, elapsed)
    assert redis.command("KEYS", "*secure*ping*alice*") != b"*0\r\n"


async def test_without_shared_state_each_worker_has_its_own_bucket() -> None:
    # the control: the same calls on two workers without --state get two bursts
    with http_server("secure", "--stateless") as one, http_server("secure", "--stateless") as two:
        ok_one, ok_two, _ = await _spend_then_cross(one, two)
    assert ok_one >= BURST and ok_two >= BURST
