"""Bounded in-memory SSE event storage: what makes Streamable HTTP streams resumable (SEP-1699).

With an event store, the SDK's stateful transport stores every message it sends on a stream (a
POST's response stream, keyed by the request id, or the standalone GET stream) and, when a POST
stream opens, an empty "priming" event whose id the client can resume from. A GET carrying
`Last-Event-ID` asks the store to replay what came after that event on the same stream; the
transport then keeps the new connection open for what the request still sends.

Stream ids are the transport's own (request ids, the GET stream's fixed key), so two sessions use
the same ones. `EventLog` is the storage all sessions share; each session's transport gets its own
`SessionEvents` view (`EventLog.session()`), which keeps its streams apart from other sessions' and
never replays an event another session stored.

Memory is bounded: at most `max_events` events in all, none older than `max_age` seconds, oldest
first. Resuming after an evicted or unknown event id replays nothing.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from mcp.server.streamable_http import (
    EventCallback,
    EventId,
    EventMessage,
    EventStore,
    StreamId,
)
from mcp.types import JSONRPCMessage

# (session scope, the transport's stream id)
StreamKey = tuple[str, StreamId]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    stream: StreamKey
    message: JSONRPCMessage | None  # None: a priming event, never replayed
    stored_at: float


class EventLog:
    """Every session's SSE events, oldest first, within a count and an age limit."""

    def __init__(
        self,
        max_events: int,
        max_age: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_events < 1:
            raise ValueError("max_events must be at least 1")
        if max_age is not None and not max_age > 0:
            raise ValueError("max_age must be a positive number of seconds or None")
        self.max_events = max_events
        self.max_age = max_age
        self._clock = clock
        self._ids = itertools.count(1)
        # insertion order is storage order, so the first entry is always the oldest event
        self._events: OrderedDict[EventId, StoredEvent] = OrderedDict()
        self._streams: dict[StreamKey, deque[EventId]] = {}

    def __len__(self) -> int:
        return len(self._events)

    def session(self) -> SessionEvents:
        """A new session's view: its own stream namespace within this log."""
        return SessionEvents(self, secrets.token_hex(8))

    def append(self, stream: StreamKey, message: JSONRPCMessage | None) -> EventId:
        """Store one event at the end of `stream`; returns its id (unique within the log)."""
        now = self._clock()
        event_id = str(next(self._ids))
        self._events[event_id] = StoredEvent(stream, message, now)
        self._streams.setdefault(stream, deque()).append(event_id)
        while len(self._events) > self.max_events:
            self._evict_oldest()
        self._expire(now)
        return event_id

    def after(
        self, event_id: EventId
    ) -> tuple[StreamKey, list[tuple[EventId, StoredEvent]]] | None:
        """The stream `event_id` belongs to and its later events, oldest first.

        None when the id is unknown, evicted or expired.
        """
        self._expire(self._clock())
        event = self._events.get(event_id)
        if event is None:
            return None
        ids = self._streams[event.stream]
        later = itertools.islice(itertools.dropwhile(lambda i: i != event_id, ids), 1, None)
        return event.stream, [(i, self._events[i]) for i in later]

    def _expire(self, now: float) -> None:
        if self.max_age is None:
            return
        horizon = now - self.max_age
        while self._events and next(iter(self._events.values())).stored_at < horizon:
            self._evict_oldest()

    def _evict_oldest(self) -> None:
        _, event = self._events.popitem(last=False)
        ids = self._streams[event.stream]
        ids.popleft()  # the oldest event overall is also the oldest of its stream
        if not ids:
            del self._streams[event.stream]


class SessionEvents(EventStore):
    """One session's `EventStore` (the SDK's interface) over a shared `EventLog`."""

    def __init__(self, log: EventLog, scope: str) -> None:
        self._log = log
        self._scope = scope

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        return self._log.append((self._scope, stream_id), message)

    async def replay_events_after(
        self, last_event_id: EventId, send_callback: EventCallback
    ) -> StreamId | None:
        """Send this session's events after `last_event_id` on its stream, in order.

        Returns the stream's id, or None (nothing sent) when the id is unknown, evicted, or was
        stored by another session. Events stored while the replay is being sent are sent too.
        """
        found = self._log.after(last_event_id)
        if found is None:
            return None
        (scope, stream_id), events = found
        if scope != self._scope:
            return None
        while events:
            for event_id, event in events:
                if event.message is not None:
                    await send_callback(EventMessage(event.message, event_id))
            found = self._log.after(events[-1][0])
            events = found[1] if found is not None else []
        return stream_id
