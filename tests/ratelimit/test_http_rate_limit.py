"""Rate limits over real HTTP: a noisy principal is limited (an `isError` result saying when to
retry) while another principal keeps every call. Counts results, not timings."""

from __future__ import annotations

import re

import pytest

from tests.auth.support import ALICE, BOB, http_server, mcp_client

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.mark.parametrize("extra", [(), ("--stateless",)])
async def test_a_noisy_principal_is_limited_while_another_keeps_full_speed(
    extra: tuple[str, ...],
) -> None:
    # `ping`: rate_limit {calls_per_minute: 60, burst: 5} per principal
    with http_server("secure", *extra) as url:
        async with mcp_client(url, ALICE) as alice, mcp_client(url, BOB) as bob:
            alice_ok, refusals, bob_ok = 0, [], 0
            for i in range(40):
                r = await alice.call_tool("ping", {})
                if r.is_error:
                    refusals.append(str(r.content[0].text))  # type: ignore[union-attr]
                else:
                    alice_ok += 1
                if i % 8 == 0:  # bob: 5 calls, within his own burst
                    b = await bob.call_tool("ping", {})
                    bob_ok += 0 if b.is_error else 1
    assert bob_ok == 5
    assert 5 <= alice_ok <= 10, alice_ok  # the burst, plus what refills meanwhile (1 per second)
    assert len(refusals) == 40 - alice_ok
    message = refusals[0]
    assert 'tool "ping"' in message and "60 calls per minute" in message and '"alice"' in message
    seconds = re.search(r"retry in ([0-9.]+) s", message)
    assert seconds is not None and 0 < float(seconds.group(1)) <= 1.0, message
