"""The SSE event store behind resumable Streamable HTTP: ordering, replay, bounds, isolation."""

from __future__ import annotations

import pytest
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http import EventMessage

from toolc import ToolContext
from toolc.runtime.events import EventLog, SessionEvents
from toolc.runtime.streamable_http import ScopedSessionManager, asgi_app

pytestmark = pytest.mark.anyio


def note(n: int) -> types.JSONRPCNotification:
    return types.JSONRPCNotification(jsonrpc="2.0", method="notifications/message", params={"n": n})


def result(request_id: int) -> types.JSONRPCResponse:
    return types.JSONRPCResponse(jsonrpc="2.0", id=request_id, result={"ok": True})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def replay(store: SessionEvents, after: str) -> tuple[str | None, list[EventMessage]]:
    sent: list[EventMessage] = []

    async def send(event: EventMessage) -> None:
        sent.append(event)

    return await store.replay_events_after(after, send), sent


async def test_replay_sends_the_later_events_of_the_same_stream_in_order() -> None:
    store = EventLog(100).session()
    priming = await store.store_event("7", None)
    ids = {}
    for n in range(3):  # two streams, interleaved
        ids["7", n] = await store.store_event("7", note(n))
        ids["8", n] = await store.store_event("8", note(10 + n))
    ids["7", "result"] = await store.store_event("7", result(7))
    assert len(set(ids.values()) | {priming}) == 8  # ids are unique

    stream, sent = await replay(store, priming)
    assert stream == "7"
    assert [e.message for e in sent] == [note(0), note(1), note(2), result(7)]
    assert [e.event_id for e in sent] == [ids["7", 0], ids["7", 1], ids["7", 2], ids["7", "result"]]

    stream, sent = await replay(store, ids["8", 0])
    assert stream == "8"
    assert [e.message for e in sent] == [note(11), note(12)]


async def test_replay_skips_priming_events_and_after_the_last_event_sends_nothing() -> None:
    store = EventLog(100).session()
    first = await store.store_event("1", None)
    await store.store_event("1", note(1))
    again = await store.store_event("1", None)  # a reconnection's priming event
    last = await store.store_event("1", result(1))
    _, sent = await replay(store, first)
    assert [e.message for e in sent] == [note(1), result(1)]
    _, sent = await replay(store, again)
    assert [e.message for e in sent] == [result(1)]
    assert await replay(store, last) == ("1", [])


async def test_an_unknown_event_id_replays_nothing() -> None:
    store = EventLog(100).session()
    await store.store_event("1", note(1))
    for unknown in ("999", "", "not-an-id"):
        assert await replay(store, unknown) == (None, [])


async def test_the_log_keeps_at_most_max_events_dropping_the_oldest_first() -> None:
    log = EventLog(3)
    store = log.session()
    ids = [await store.store_event("1", note(n)) for n in range(5)]
    assert len(log) == 3
    assert await replay(store, ids[0]) == (None, [])  # evicted
    assert await replay(store, ids[1]) == (None, [])
    _, sent = await replay(store, ids[2])
    assert [e.message for e in sent] == [note(3), note(4)]


async def test_eviction_is_by_age_across_streams_and_sessions() -> None:
    clock = Clock()
    log = EventLog(100, max_age=60, clock=clock)
    a, b = log.session(), log.session()
    old = await a.store_event("1", note(1))
    clock.now += 30
    middle = await b.store_event("1", note(2))
    await b.store_event("1", note(3))
    clock.now += 31  # `old` is now 61 s old, `middle` 31 s
    assert await replay(a, old) == (None, [])
    assert len(log) == 2
    _, sent = await replay(b, middle)
    assert [e.message for e in sent] == [note(3)]
    clock.now += 60
    assert await replay(b, middle) == (None, [])
    assert len(log) == 0


async def test_sessions_share_stream_ids_but_never_each_others_events() -> None:
    log = EventLog(100)
    a, b = log.session(), log.session()
    a_prime = await a.store_event("1", None)
    b_prime = await b.store_event("1", None)
    await a.store_event("1", result(1))
    await b.store_event("1", note(2))
    _, sent = await replay(a, a_prime)
    assert [e.message for e in sent] == [result(1)]
    _, sent = await replay(b, b_prime)
    assert [e.message for e in sent] == [note(2)]
    assert await replay(b, a_prime) == (None, [])  # another session's id: as if unknown
    assert await replay(a, b_prime) == (None, [])


async def test_events_stored_while_the_replay_is_sent_are_sent_too() -> None:
    store = EventLog(100).session()
    start = await store.store_event("1", None)
    await store.store_event("1", note(1))
    sent: list[EventMessage] = []

    async def send(event: EventMessage) -> None:
        sent.append(event)
        if len(sent) == 1:  # the call goes on while the client catches up
            await store.store_event("1", result(1))

    assert await store.replay_events_after(start, send) == "1"
    assert [e.message for e in sent] == [note(1), result(1)]


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_events"):
        EventLog(0)
    with pytest.raises(ValueError, match="max_age"):
        EventLog(10, max_age=0)


def test_each_new_session_gets_its_own_view_of_one_log() -> None:
    log = EventLog(10)
    manager = ScopedSessionManager(Server("t"), events=log)
    first, second = manager.event_store, manager.event_store
    assert isinstance(first, SessionEvents) and isinstance(second, SessionEvents)
    assert first is not second
    assert ScopedSessionManager(Server("t"), events=None).event_store is None
    with pytest.raises(TypeError):
        manager.event_store = log.session()


def test_a_stateless_app_has_no_event_store() -> None:
    with pytest.raises(ValueError, match="stateless"):
        asgi_app(Server("t"), port=8000, stateless=True, events=EventLog(10))
    asgi_app(Server("t"), port=8000, stateless=True)


async def test_tool_context_closes_the_stream_only_when_the_transport_can() -> None:
    closed: list[bool] = []

    async def close() -> None:
        closed.append(True)

    session = None  # these two methods never touch the session
    plain = ToolContext(session, 1, "t", "op", "2025-11-25")  # type: ignore[arg-type]
    assert not plain.can_close_sse_stream
    await plain.close_sse_stream()  # stdio, stateless, no event store: nothing happens
    resumable = ToolContext(session, 1, "t", "op", "2025-11-25", close)  # type: ignore[arg-type]
    assert resumable.can_close_sse_stream
    await resumable.close_sse_stream()
    assert closed == [True]
