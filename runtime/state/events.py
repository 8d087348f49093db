"""The SSE event store in Redis: a client resuming with `Last-Event-ID` on any worker gets its
events (stateful Streamable HTTP with `--sse-replay-events` and `--state`).

Each session's events live in Redis lists, one per stream (`sse:st:<session id>:<stream id>`),
bounded to `max_events` per stream and expiring `max_age` seconds after their last event; event
ids come from one Redis counter, so they grow on every worker. An event id names its stream
(`sse:ev:<id>`), and a session may only replay its own streams.

The worker that holds the session replays through the SDK (`RedisSessionEvents`, the SDK's
`EventStore`); another worker, which does not know the session, answers the resuming GET itself
(`serve_elsewhere`): it sends the stored events after `Last-Event-ID`, then keeps polling Redis
for new ones until the stream's response arrives (a POST stream), or for at most `TAIL_SECONDS`.
While Redis is down, events are kept in the worker's memory (`EventLog`), and a resume reaches
them only on that worker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

import anyio
from mcp.server.streamable_http import (
    GET_STREAM_KEY,
    EventCallback,
    EventId,
    EventMessage,
    EventStore,
    StreamId,
)
from mcp.types import JSONRPCError, JSONRPCMessage, JSONRPCResponse, jsonrpc_message_adapter

from ..events import EventLog, SessionEvents
from . import key_part

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from starlette.types import Receive, Scope, Send

    from . import SharedState

log = logging.getLogger("toolc.runtime.state")

LOCAL: Final = "m"  # prefix of the ids of events kept in memory while Redis was down
TAIL_SECONDS: Final = 60.0
POLL_SECONDS: Final = 0.1
DEFAULT_AGE: Final = 86_400  # seconds, when --sse-replay-ttl is 0 (Redis keys always expire)

# ARGV: prefix, stream list key, payload, max per stream, seconds to keep
APPEND = """
local id = tostring(redis.call('INCR', ARGV[1] .. 'sse:seq'))
redis.call('SET', ARGV[1] .. 'sse:ev:' .. id, ARGV[2], 'EX', ARGV[5])
redis.call('RPUSH', ARGV[2], id .. ' ' .. ARGV[3])
redis.call('LTRIM', ARGV[2], -tonumber(ARGV[4]), -1)
redis.call('EXPIRE', ARGV[2], ARGV[5])
return id
"""


class RedisEventLog:
    """Every session's SSE events in Redis (same role as `runtime.events.EventLog`)."""

    def __init__(self, state: SharedState, max_events: int, max_age: float | None) -> None:
        if max_events < 1:
            raise ValueError("max_events must be at least 1")
        self.state = state
        self.max_events = max_events
        self.max_age = int(max_age) if max_age else DEFAULT_AGE
        self.local = EventLog(max_events, max_age)  # while Redis is down

    def session(self) -> RedisSessionEvents:
        return RedisSessionEvents(self, self.local.session())

    def stream_key(self, session_id: str, stream_id: StreamId) -> str:
        return f"{self.state.prefix}sse:st:{key_part(session_id)}:{key_part(str(stream_id))}"

    async def append(self, stream_key: str, payload: str) -> str | None:
        async def append(r: Redis) -> Any:
            args = (self.state.prefix, stream_key, payload, self.max_events, self.max_age)
            return await r.eval(APPEND, 0, *args)

        found = await self.state.run("SSE event store", append)
        return None if found is None else _text(found)

    async def after(
        self, session_id: str, last_event_id: str
    ) -> tuple[str, list[tuple[str, str]]] | None:
        """(stream key, [(event id, payload)] after `last_event_id`) of this session's stream;
        None when the id is unknown, expired, another session's, or Redis does not answer."""
        if not last_event_id.isdigit() or len(last_event_id) > 20:
            return None
        event_key = f"{self.state.prefix}sse:ev:{last_event_id}"

        async def stream_of(r: Redis) -> Any:
            return await r.get(event_key)

        found = await self.state.run("SSE replay", stream_of)
        if found is None:
            return None
        stream_key = _text(found)
        if not stream_key.startswith(self.stream_key(session_id, "")):
            return None  # another session's event
        return stream_key, await self.since(stream_key, int(last_event_id)) or []

    async def since(self, stream_key: str, after: int) -> list[tuple[str, str]] | None:
        async def entries(r: Redis) -> Any:
            return await r.lrange(stream_key, 0, -1)

        found = await self.state.run("SSE replay", entries)
        if found is None:
            return None
        events = []
        for raw in found:
            event_id, _, payload = _text(raw).partition(" ")
            if int(event_id) > after:
                events.append((event_id, payload))
        return events

    async def serve_elsewhere(
        self, session_id: str, last_event_id: str, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Answer a resuming GET for a session another worker holds; False when this log has
        nothing for it (the caller answers 404 as before)."""
        found = await self.after(session_id, last_event_id)
        if found is None:
            return False
        stream_key, events = found
        headers = [
            (b"content-type", b"text/event-stream"),
            (b"cache-control", b"no-cache, no-transform"),
            (b"mcp-session-id", session_id.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        last = int(last_event_id)
        with anyio.move_on_after(TAIL_SECONDS):
            async with anyio.create_task_group() as tg:
                tg.start_soon(_cancel_on_disconnect, receive, tg.cancel_scope)
                while True:
                    done = False
                    for event_id, payload in events:
                        last = int(event_id)
                        if payload:
                            body = f"id: {event_id}\r\nevent: message\r\ndata: {payload}\r\n\r\n"
                            await send(
                                {
                                    "type": "http.response.body",
                                    "body": body.encode(),
                                    "more_body": True,
                                }
                            )
                            done = done or _is_response(payload)
                    if done or stream_key.endswith(":" + key_part(GET_STREAM_KEY)):
                        break
                    await anyio.sleep(POLL_SECONDS)
                    events = await self.since(stream_key, last) or []
                tg.cancel_scope.cancel()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True


async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


def _is_response(payload: str) -> bool:
    try:
        message = jsonrpc_message_adapter.validate_json(payload)
    except ValueError:
        return False
    return isinstance(message, JSONRPCResponse | JSONRPCError)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisSessionEvents(EventStore):
    """One session's `EventStore` over Redis; bound to the session id once it is known."""

    def __init__(self, log: RedisEventLog, local: SessionEvents) -> None:
        self._log = log
        self._local = local
        self.session_id = ""

    def bind(self, session_id: str) -> None:
        self.session_id = session_id

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        if self.session_id:
            payload = "" if message is None else _dump(message)
            stored = await self._log.append(
                self._log.stream_key(self.session_id, stream_id), payload
            )
            if stored is not None:
                return stored
        return LOCAL + await self._local.store_event(stream_id, message)

    async def replay_events_after(
        self, last_event_id: EventId, send_callback: EventCallback
    ) -> StreamId | None:
        if last_event_id.startswith(LOCAL):
            return await self._local.replay_events_after(
                last_event_id[len(LOCAL) :], _local_ids(send_callback)
            )
        found = await self._log.after(self.session_id, last_event_id)
        if found is None:
            return None
        stream_key, events = found
        while events:
            for event_id, payload in events:
                if payload:
                    message = jsonrpc_message_adapter.validate_json(payload)
                    await send_callback(EventMessage(message, event_id))
            events = await self._log.since(stream_key, int(events[-1][0])) or []
        prefix = self._log.stream_key(self.session_id, "")
        return _stream_id(stream_key[len(prefix) :])


def _local_ids(send: EventCallback) -> EventCallback:
    async def relabel(event: EventMessage) -> None:
        await send(EventMessage(event.message, LOCAL + event.event_id if event.event_id else None))

    return relabel


def _stream_id(part: str) -> StreamId:
    return part.replace("%3A", ":").replace("%25", "%")


def _dump(message: JSONRPCMessage) -> str:
    return message.model_dump_json(by_alias=True, exclude_unset=True)
