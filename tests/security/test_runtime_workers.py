"""The runtime's handler threads on their own: bounded, stoppable, and never hitting the wrong job.

In-process, on real threads and a real event loop (no server needed).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
import anyio.from_thread
import pytest

pytestmark = pytest.mark.anyio


def _spin(seconds: float, ticks: list[int]) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ticks[0] += 1
    return "finished"


async def test_abandoned_handler_is_stopped_and_frees_its_slot() -> None:
    from toolc.runtime.workers import (
        Workers,
    )  # new module: the test fails before it, not collection

    pool = Workers(1)
    ticks = [0]
    late: list[str] = []
    with anyio.move_on_after(0.1):
        await pool.run(_spin, (5.0, ticks), lambda: late.append("returned"))
    with anyio.fail_after(2):
        while pool.busy:
            await anyio.sleep(0.01)
    seen = ticks[0]
    await anyio.sleep(0.2)
    assert ticks[0] == seen  # the loop really stopped
    assert late == ["returned"]  # the late-return hook ran once the handler had ended
    assert await pool.run(lambda: "next", ()) == "next"


async def test_slot_of_a_blocked_handler_stays_taken_until_it_returns() -> None:
    from toolc.runtime.policies.limits import Overloaded
    from toolc.runtime.workers import Workers

    pool = Workers(2)
    release = threading.Event()
    for _ in range(2):
        with anyio.move_on_after(0.05):
            await pool.run(release.wait, (5.0,))
    assert (pool.busy, pool.abandoned) == (2, 2)
    with pytest.raises(Overloaded, match="2 of them still running handlers that timed out"):
        await pool.run(lambda: None, ())
    release.set()
    with anyio.fail_after(2):
        while pool.busy:
            await anyio.sleep(0.01)
    assert await pool.run(lambda: 7, ()) == 7


async def test_stop_never_lands_in_a_later_job() -> None:
    """Timeouts racing the handler's own return, 300 times: every later job still completes."""
    from toolc.runtime.workers import Workers

    pool = Workers(4)
    ticks = [0]
    for i in range(300):
        with anyio.move_on_after(0.001 + (i % 5) * 0.0005):
            await pool.run(_spin, (0.002, ticks))
        assert await pool.run(_spin, (0.001, ticks)) == "finished"


async def test_handlers_keep_anyio_from_thread_and_errors() -> None:
    from toolc.runtime.workers import Workers

    pool = Workers(2)

    def hop() -> Any:
        return anyio.from_thread.run_sync(lambda: threading.current_thread().name)

    assert await pool.run(hop, ()) == threading.current_thread().name

    def fail() -> None:
        raise KeyError("k")

    with pytest.raises(KeyError):
        await pool.run(fail, ())
    assert all(t.daemon for t in threading.enumerate() if t.name == "toolc-handler")


async def test_engine_marks_a_timed_out_sync_call_cancelled() -> None:
    from types import SimpleNamespace

    from tests.runtime_fixture import compiled_fixture
    from toolc.runtime.build import load_build
    from toolc.runtime.call import Engine
    from toolc.runtime.trace import Tracer

    engine = Engine(load_build("test", compiled_fixture()), Tracer(None))
    ctx = SimpleNamespace(session=None, request_id=1, protocol_version="2025-11-25")
    r = await engine.call(ctx, "faults", {"operation": "watch"})
    assert r.is_error and "timed out after 0.3 s" in r.content[0].text  # type: ignore[union-attr]
    import rthandlers.faults  # importable once the build is loaded

    with anyio.fail_after(3):
        while not rthandlers.faults.CANCELLED_SEEN:
            await anyio.sleep(0.02)
    assert rthandlers.faults.CANCELLED_SEEN == [True]
    with anyio.fail_after(3):
        while engine.workers.busy:
            await anyio.sleep(0.02)
