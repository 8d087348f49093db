"""Connections that never finish a request head are closed within the header timeout (300
slow-header connections were once kept open forever), idle keep-alive connections within the
keep-alive timeout, and real clients are served meanwhile."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.e2e.runtime_support import FIXTURE, http_server
from tests.security.http_support import client, open_session

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

HEAD_TIMEOUT = 1.0
DEFAULT_HEAD_TIMEOUT = 10
KEEP_ALIVE = 1
SLOW = 60  # slow connections per test


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    extra = ("--header-timeout", str(HEAD_TIMEOUT), "--keep-alive-timeout", str(KEEP_ALIVE))
    with http_server("test", FIXTURE, *extra) as u:
        yield u


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    assert parts.port is not None
    return socket.create_connection(("127.0.0.1", parts.port), timeout=5)


def closed_by_server(sock: socket.socket, deadline: float) -> float | None:
    """Seconds until the server closed `sock` (reading until EOF), or None by `deadline`."""
    start = time.monotonic()
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not sock.recv(4096):
                return time.monotonic() - start
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
        except TimeoutError:
            return None
    return None


def head(url: str) -> bytes:
    port = urlsplit(url).port
    return (
        f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\nX-Slow: "
    ).encode()


async def test_partial_and_silent_heads_are_closed_within_the_timeout(url: str) -> None:
    socks = [connect(url) for _ in range(SLOW)]
    try:
        partial = head(url)
        for i, sock in enumerate(socks):
            if i % 3:  # one in three sends nothing at all
                sock.sendall(partial[: 10 + i])
        # the server keeps serving real clients meanwhile
        async with client() as http:
            assert (await open_session(http, url)).status_code == 200
        deadline = time.monotonic() + HEAD_TIMEOUT + 4
        waited = [closed_by_server(sock, deadline) for sock in socks]
        assert all(w is not None for w in waited), f"{waited.count(None)} of {SLOW} still open"
    finally:
        for sock in socks:
            sock.close()


async def test_partial_heads_are_closed_at_the_default_timeout() -> None:
    with http_server("test", FIXTURE) as default_url:
        socks = [connect(default_url) for _ in range(20)]
        try:
            for sock in socks:
                sock.sendall(head(default_url))
            deadline = time.monotonic() + DEFAULT_HEAD_TIMEOUT + 4
            waited = [closed_by_server(sock, deadline) for sock in socks]
            assert all(w is not None for w in waited), f"{waited.count(None)} of 20 still open"
        finally:
            for sock in socks:
                sock.close()


async def test_a_head_sent_one_byte_at_a_time_is_closed(url: str) -> None:
    data = head(url) + b"x" * 100
    with connect(url) as sock:
        start = time.monotonic()
        closed = False
        for i in range(len(data)):  # bounded: ~0.1 s a byte, the head never completes
            try:
                sock.sendall(data[i : i + 1])
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            sock.settimeout(0.1)
            try:
                if not sock.recv(4096):
                    closed = True
                    break
            except ConnectionResetError:  # closed with our unread bytes pending: a reset
                closed = True
                break
            except TimeoutError:
                pass
            if time.monotonic() - start > HEAD_TIMEOUT + 4:
                break
        assert closed, "a trickling request head kept its connection open"
        assert time.monotonic() - start < HEAD_TIMEOUT + 4


async def test_an_idle_keep_alive_connection_is_closed_and_a_later_request_is_timed_again(
    url: str,
) -> None:
    port = urlsplit(url).port
    get = f"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    with connect(url) as sock:
        sock.sendall(get)
        assert sock.recv(4096).startswith(b"HTTP/1.1 404")
        waited = closed_by_server(sock, time.monotonic() + KEEP_ALIVE + 4)
        assert waited is not None and waited >= KEEP_ALIVE * 0.5
    with connect(url) as sock:  # a second request head on a kept-alive connection has a deadline
        sock.sendall(get)
        assert sock.recv(4096).startswith(b"HTTP/1.1 404")
        sock.sendall(get[:20])
        assert closed_by_server(sock, time.monotonic() + HEAD_TIMEOUT + 4) is not None
