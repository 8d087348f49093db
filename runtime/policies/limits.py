"""Concurrency limits per tool and in total, with a bounded wait instead of an unbounded queue.

A call waits at most `QUEUE_WAIT` seconds for a slot, and never when `MAX_WAITING` calls are
already waiting; otherwise it gets an overload error telling the caller to retry.
"""

from __future__ import annotations

from typing import Final

import anyio

QUEUE_WAIT: Final = 10.0
MAX_WAITING: Final = 4096


class Overloaded(Exception):
    """No slot became free in time; the message is safe to show callers."""


async def acquire(limiter: anyio.CapacityLimiter, what: str, token: object) -> None:
    """Take a slot of `limiter` for `token`, or raise `Overloaded` naming `what`."""
    try:
        limiter.acquire_on_behalf_of_nowait(token)
        return
    except anyio.WouldBlock:
        pass
    if limiter.statistics().tasks_waiting >= MAX_WAITING:
        raise Overloaded(_message(limiter, what))
    with anyio.move_on_after(QUEUE_WAIT):
        await limiter.acquire_on_behalf_of(token)
        return
    raise Overloaded(_message(limiter, what))


def _message(limiter: anyio.CapacityLimiter, what: str) -> str:
    return (
        f"server overloaded: {limiter.borrowed_tokens} calls in flight for {what} "
        f"(limit {int(limiter.total_tokens)}) — retry in a few seconds"
    )
