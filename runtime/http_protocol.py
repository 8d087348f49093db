"""uvicorn's h11 protocol with a deadline for each request head.

uvicorn closes a keep-alive connection that stays silent after a response (`timeout_keep_alive`),
but it has no header-read timeout: a connection that never sends a byte, or sends a request head
one byte at a time, is kept forever (300 such connections were never closed). `head_timeout`
closes a connection whose request head (request line and headers) is not complete within that
many seconds of the connection opening, or of the first byte of a later request on it. Streams
already answering (SSE) are not affected: the deadline ends when the head is in.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("toolc.runtime.http")

MAX_HEAD_BYTES = 16 * 1024  # h11's incomplete-event limit: a longer request head gets 400


class HeadTimeoutProtocol(H11Protocol):
    """H11Protocol closing connections whose request head is late (set `head_timeout` per class)."""

    head_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_cycle: object = None  # the request cycle current when the deadline was set

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._start_head_deadline()  # the first byte of a later request on this connection
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None and self.cycle is not self._head_cycle:
            self._stop_head_deadline()  # a new request cycle: its head is complete

    def _start_head_deadline(self) -> None:
        self._stop_head_deadline()
        self._head_cycle = self.cycle
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_late)

    def _stop_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if self.cycle is self._head_cycle and not self.transport.is_closing():
            peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info(
                "closed the connection from %s: no request head within %gs", peer, self.head_timeout
            )
            self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """A protocol class for `uvicorn.Config(http=...)` with this head deadline."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
