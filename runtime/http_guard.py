"""What an HTTP request must get past before the SDK's transport sees it.

`RequestGuard` wraps the Streamable HTTP app. It refuses a request whose `Host` is not on the host
allowlist (421) or whose `Origin`, when present, is not on the origin allowlist (403): both are
compared exactly, as (host, port) and (scheme, host, port), never by prefix, so
`http://localhost:1.attacker.example` is not `http://localhost:1`. It then reads a POST body
(bounded) and answers what is not one well-formed JSON-RPC message itself, with a short message
that never echoes the input: -32700 for bad JSON, -32600 for the rest (a request id that is not a
string or an integer included; the SDK would take `"id": 20.5` for a notification and answer 202).

The SDK's own `TransportSecurityMiddleware` matches `host:*` and `origin:*` by prefix, so it is
switched off (`security_settings=None`) and this guard does the job instead.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import pydantic_core
from mcp.types import INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, jsonrpc_message_adapter
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .excerpt import excerpt

log = logging.getLogger("toolc.runtime.http")

MAX_BODY_BYTES: Final = 4 * 1024 * 1024  # the SDK's default request body limit
MAX_METHOD_CHARS: Final = 128  # longer than any MCP method; a longer name is never echoed
DEFAULT_PORTS: Final = {"http": 80, "https": 443}
LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost", "[::1]")

HostKey = tuple[str, int | None]  # (lower-case host, port or None for "no port given")
OriginKey = tuple[str, str, int]  # (scheme, lower-case host, port)


class AllowlistError(ValueError):
    """An allowlist entry that is not a host[:port] or a scheme://host[:port] origin."""


def is_loopback(host: str) -> bool:
    """Whether binding `host` serves this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_port(text: str) -> tuple[str, int | None] | None:
    """`host`, `host:port`, `[v6]` or `[v6]:port` -> (host, port); None when malformed."""
    host, port = text, None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        host, rest = text[: end + 1], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                return None
            port = _port(rest[1:])
            if port is None:
                return None
    elif ":" in text:
        host, _, rest = text.rpartition(":")
        port = _port(rest)
        if port is None or ":" in host:
            return None
    if not host or any(c in host for c in "/?#@ \t"):
        return None
    return host.lower(), port


def _port(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > 5:
        return None
    value = int(text)
    return value if 0 < value < 65536 else None


def host_key(value: str) -> HostKey | None:
    """A `Host` header value as (host, port), or None when it is not one."""
    return _split_port(value.strip())


def origin_key(value: str) -> OriginKey | None:
    """An `Origin` header value as (scheme, host, port), or None when it is not one."""
    scheme, sep, rest = value.strip().partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in DEFAULT_PORTS:
        return None
    split = _split_port(rest)
    if split is None:
        return None
    host, port = split
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def parse_hosts(entries: Iterable[str]) -> frozenset[HostKey]:
    keys = set()
    for entry in entries:
        key = host_key(entry)
        if key is None:
            raise AllowlistError(f'--allowed-host "{excerpt(entry)}" is not host or host:port')
        keys.add(key)
    return frozenset(keys)


def parse_origins(entries: Iterable[str]) -> frozenset[OriginKey]:
    keys = set()
    for entry in entries:
        key = origin_key(entry)
        if key is None:
            raise AllowlistError(
                f'--allowed-origin "{excerpt(entry)}" is not scheme://host[:port] (http or https)'
            )
        keys.add(key)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Allowlists:
    """Exact Host and Origin values this server answers. An absent Origin (no browser) passes."""

    hosts: frozenset[HostKey]
    origins: frozenset[OriginKey]

    @classmethod
    def build(cls, port: int, hosts: Iterable[str] = (), origins: Iterable[str] = ()) -> Allowlists:
        """The loopback names on `port` (always: a rebinding attacker cannot send them) + extras."""
        local = [f"{name}:{port}" for name in LOOPBACK_NAMES]
        if port == DEFAULT_PORTS["http"]:  # clients leave the default port out of Host
            local += LOOPBACK_NAMES
        return cls(
            hosts=parse_hosts([*local, *hosts]),
            origins=parse_origins([*(f"http://{name}" for name in local), *origins]),
        )

    def host_ok(self, value: str | None) -> bool:
        return value is not None and host_key(value) in self.hosts

    def origin_ok(self, value: str | None) -> bool:
        return value is None or origin_key(value) in self.origins


def bind_error(host: str, allowed_hosts: list[str], insecure_no_auth: bool) -> str | None:
    """Why serving on `host` is refused, or None. Loopback needs nothing; anything else needs an
    explicit Host allowlist and, as long as the runtime has no authentication, a written waiver."""
    if is_loopback(host):
        return None
    if not allowed_hosts:
        return (
            f'--host "{excerpt(host)}" is not a loopback address — pass --allowed-host NAME[:PORT] '
            "(repeatable) with the names clients use to reach this server"
        )
    if not insecure_no_auth:
        return (
            f'--host "{excerpt(host)}" would serve every tool without authentication — '
            "bind 127.0.0.1, or accept the risk with --insecure-no-auth"
        )
    return None


def error_body(code: int, message: str) -> bytes:
    """A JSON-RPC error with id null, as the SDK's transport writes its own."""
    error = {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}
    return json.dumps(error, separators=(",", ":")).encode()


async def send_error(
    send: Send, status: int, code: int, message: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = error_body(code, message)
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*head, *headers]})
    await send({"type": "http.response.body", "body": body})


def message_problem(raw: Any) -> str | None:
    """Why a parsed body is not one JSON-RPC 2.0 message (None: it is). Never quotes the input."""
    if not isinstance(raw, dict):
        return "Invalid Request: the body must be one JSON-RPC message object"
    if "id" in raw:
        rid = raw["id"]
        error_reply = rid is None and "error" in raw and "method" not in raw
        if not (isinstance(rid, str) or type(rid) is int or error_reply):
            return "Invalid Request: id must be a string or an integer"
    try:
        jsonrpc_message_adapter.validate_python(raw, by_name=False)
    except ValidationError:
        return (
            "Invalid Request: not a JSON-RPC 2.0 request, notification or response "
            '(needs "jsonrpc": "2.0" and a string "method", or an "id" with "result" or "error")'
        )
    return None


class RequestGuard:
    """ASGI middleware: Host/Origin allowlists, then a well-formed JSON-RPC body on POST."""

    def __init__(
        self, app: ASGIApp, allowlists: Allowlists, max_body: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.allowlists = allowlists
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if not self.allowlists.host_ok(headers.get("host")):
            log.warning("refused a request with Host %r", excerpt(headers.get("host") or ""))
            await send_error(send, 421, INVALID_REQUEST, "Misdirected Request: Host not allowed")
            return
        if not self.allowlists.origin_ok(headers.get("origin")):
            log.warning("refused a request with Origin %r", excerpt(headers.get("origin") or ""))
            await send_error(send, 403, INVALID_REQUEST, "Forbidden: Origin not allowed")
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, self.max_body)
        if body is None:
            await send_error(send, 413, INVALID_REQUEST, "Request body too large")
            return
        content_type = headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() == "application/json":
            try:
                raw = pydantic_core.from_json(body)
            except ValueError:
                await send_error(send, 400, PARSE_ERROR, "Parse error: the body is not JSON")
                return
            problem = message_problem(raw)
            if problem is not None:
                await send_error(send, 400, INVALID_REQUEST, problem)
                return
            if len(raw.get("method") or "") > MAX_METHOD_CHARS:
                # No MCP method is this long; the SDK would quote the whole name back.
                message = (
                    f"Method not found: method names are at most {MAX_METHOD_CHARS} characters"
                )
                await send_error(send, 400, METHOD_NOT_FOUND, message)
                return
        await self.app(scope, _replay(body, receive), send)


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers (first of each name wins; names lower-case, values latin-1)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return found


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it exceeds `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # disconnected: let the app see an empty body and the disconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
