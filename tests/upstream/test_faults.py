"""Faults of upstreams, through a real `toolc serve` over stdio: an upstream killed mid-call, one
that hangs past the timeout, one whose command is missing, one whose `${NAME}` is unset, an HTTP
upstream nobody listens on. Each call gets an `isError` naming the upstream, promptly; none hangs;
a killed upstream is reconnected by the next call; the child dies with the server."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.upstream.support import (
    alive,
    call,
    children,
    compile_catalog,
    free_port,
    session,
    toolc_params,
    toolc_server_pid,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_catalog("faults", tmp_path_factory.mktemp("faults") / "project")


def text(result: dict[str, Any]) -> str:
    return str(result["content"][0]["text"])


async def upstream_pid() -> int:
    found = children(toolc_server_pid())
    assert len(found) == 1, found
    return found[0]


async def test_killed_mid_call_is_an_error_and_the_next_call_reconnects(project: Path) -> None:
    async with session(toolc_params(project)) as proxy:
        assert text(await call(proxy, "echo", {"message": "one"})) == "Echo: one"
        first = await upstream_pid()
        results: list[dict[str, Any]] = []

        async def slow() -> None:
            results.append(await call(proxy, "demo", {"operation": "slow", "duration": 6}))

        start = time.monotonic()
        async with anyio.create_task_group() as tg:
            tg.start_soon(slow)
            await anyio.sleep(1.0)
            os.kill(first, signal.SIGKILL)
        elapsed = time.monotonic() - start
        assert results[0]["isError"] is True
        assert 'upstream "everything" closed the connection' in text(results[0])
        assert elapsed < 5  # answered when the upstream died, not when the call would have ended
        again = await call(proxy, "echo", {"message": "two"})
        assert again["isError"] is False and text(again) == "Echo: two"
        assert await upstream_pid() != first


async def test_hanging_upstream_times_out_and_the_session_stays_usable(project: Path) -> None:
    async with session(toolc_params(project)) as proxy:
        start = time.monotonic()
        hung = await call(proxy, "demo", {"operation": "hang", "duration": 30, "steps": 1})
        assert time.monotonic() - start < 6
        assert hung["isError"] is True
        assert text(hung) == 'tool "demo" operation "hang" timed out after 2 s'
        pid = await upstream_pid()
        assert text(await call(proxy, "echo", {"message": "still"})) == "Echo: still"
        assert await upstream_pid() == pid  # the same session answered


async def test_missing_upstreams_fail_fast_with_a_clear_error(project: Path) -> None:
    port = free_port()  # nobody listens there
    async with session(toolc_params(project, TOOLC_TEST_DOWN_PORT=str(port))) as proxy:
        start = time.monotonic()
        gone = await call(proxy, "gone", {"message": "x"})
        unset = await call(proxy, "secretless", {"message": "x"})
        down = await call(proxy, "unreachable", {"message": "x"})
        again = await call(proxy, "gone", {"message": "x"})
        assert time.monotonic() - start < 10
    assert all(r["isError"] for r in (gone, unset, down, again))
    assert text(gone) == (
        'upstream "missing" is unavailable: its command "/nonexistent/toolc-test-upstream" '
        "was not found"
    )
    assert text(unset) == (
        'upstream "unset" is unavailable: it needs the environment variable '
        '"TOOLC_TEST_UNSET_VARIABLE", which is not set (set it where the server runs)'
    )
    assert text(down).startswith('upstream "down" is unavailable: it cannot be reached')
    # a second call within the backoff answers at once with the last reason
    assert text(again).startswith(text(gone) + "; the next attempt is in ")


async def test_upstream_stderr_is_relayed_and_the_child_dies_with_the_server(
    project: Path,
) -> None:
    with tempfile.TemporaryFile("w+") as errlog:
        async with session(toolc_params(project), errlog=errlog) as proxy:
            assert text(await call(proxy, "echo", {"message": "x"})) == "Echo: x"
            child = await upstream_pid()
            os.kill(toolc_server_pid(), signal.SIGKILL)
            with anyio.fail_after(10):
                while alive(child):
                    await anyio.sleep(0.1)
        errlog.seek(0)
        assert "[upstream everything] " in errlog.read()
