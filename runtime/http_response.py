"""JSON or SSE, decided per request: a POST gets a plain JSON body when its call has nothing to
stream, and an SSE stream only when it may (handshake-era Streamable HTTP, stateful or not).

The SDK decides once per server (`json_response`): SSE for every POST costs a task group, the SSE
writer and an extra socket send per call (twice the CPU of a JSON answer), while JSON for every
POST loses progress and log notifications. Here a request is answered with SSE when it
- is a `tools/call` carrying a progress token (`params._meta.progressToken`),
- is a `tools/call` of an operation whose handler takes `ctx` (it may report progress, log, or
  close its stream for the client to resume: the dispatch table marks it `"streams": True`),
- is any method but `initialize`, `ping`, `tools/list`, `logging/setLevel` and `tools/call`
  (`subscriptions/listen` and anything unknown keep the SDK's behaviour), or
- comes from a client whose Accept header takes `text/event-stream` only;
and with JSON otherwise (a client accepting only `application/json` always gets JSON; the
notifications of a streaming call then have nowhere to go and are dropped, as in the SDK's JSON
mode). A JSON answer mirrors the SDK's `json_response` branch, and a notification tied to the
request is skipped rather than sent in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from typing import Any, Final

import anyio
import pydantic_core
from mcp.server.streamable_http import (
    REQUEST_STREAM_BUFFER_SIZE,
    EventMessage,
    StreamableHTTPServerTransport,
    check_accept_headers,
)
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from mcp.types import (
    INTERNAL_ERROR,
    JSONRPCError,
    JSONRPCRequest,
    JSONRPCResponse,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

log = logging.getLogger("toolc.runtime.http")

# methods whose answer is one message: nothing to stream
QUIET_METHODS: Final = frozenset({"initialize", "ping", "tools/list", "logging/setLevel"})

Streams = Callable[[str, Any], bool]  # (tool name, arguments) -> the call may stream


def progress_token(params: Any) -> object:
    meta = params.get("_meta") if isinstance(params, dict) else None
    return meta.get("progressToken") if isinstance(meta, dict) else None


def wants_sse(message: JSONRPCRequest, streams: Streams) -> bool:
    """Whether `message` may send anything before its response (see the module docstring)."""
    if message.method in QUIET_METHODS:
        return False
    if message.method != "tools/call":
        return True
    params = message.params
    if not isinstance(params, dict) or progress_token(params) is not None:
        return True
    return streams(str(params.get("name")), params.get("arguments"))


class AdaptiveTransport(StreamableHTTPServerTransport):
    """The SDK's transport in SSE mode, answering quiet requests with a JSON body instead."""

    streams: Streams

    async def _validate_accept_header(self, request: Request, scope: Scope, send: Send) -> bool:
        has_json, has_sse = check_accept_headers(request)
        if has_json or has_sse:  # which one a request gets is decided once its body is read
            return True
        response = self._create_error_response(
            "Not Acceptable: Client must accept application/json or text/event-stream",
            HTTPStatus.NOT_ACCEPTABLE,
        )
        await response(scope, request.receive, send)
        return False

    async def _handle_post_request(
        self, scope: Scope, request: Request, receive: Receive, send: Send
    ) -> None:
        message = await self._quiet_request(request)
        if message is None:  # the SDK's path: SSE, or its answers to a bad body or header
            await super()._handle_post_request(scope, request, receive, send)
            return
        try:
            await self._answer_json(message, scope, request, receive, send)
        except Exception as err:  # as the SDK does: a 500, and the session hears of it
            log.exception("error handling a POST request")
            response = self._create_error_response(
                "Error handling POST request", HTTPStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR
            )
            await response(scope, receive, send)
            if self._read_stream_writer is not None:
                await self._read_stream_writer.send(Exception(err))

    async def _quiet_request(self, request: Request) -> JSONRPCRequest | None:
        """The request when it is to be answered with JSON; None leaves it to the SDK."""
        has_json, has_sse = check_accept_headers(request)
        if not has_json or not self._check_content_type(request):
            return None
        body = await request.body()  # starlette keeps it: the SDK's path reads it again for free
        try:
            message = jsonrpc_message_adapter.validate_python(
                pydantic_core.from_json(body), by_name=False
            )
        except (ValueError, ValidationError):
            return None
        if not isinstance(message, JSONRPCRequest):
            return None
        if has_sse and wants_sse(message, self.streams):
            return None
        return message

    async def _answer_json(
        self,
        message: JSONRPCRequest,
        scope: Scope,
        request: Request,
        receive: Receive,
        send: Send,
    ) -> None:
        writer = self._read_stream_writer
        if writer is None:
            raise RuntimeError("the transport is not connected")
        if message.method == "initialize":
            other = self._get_session_id(request)
            if self.mcp_session_id and other and other != self.mcp_session_id:
                response = self._create_error_response(
                    "Not Found: Invalid or expired session ID", HTTPStatus.NOT_FOUND
                )
                await response(scope, receive, send)
                return
        elif not await self._validate_request_headers(request, send):
            return
        request_id = str(message.id)
        streams = anyio.create_memory_object_stream[EventMessage](REQUEST_STREAM_BUFFER_SIZE)
        self._request_streams[request_id] = streams
        metadata = ServerMessageMetadata(
            request_context=request,
            on_request_unanswered=partial(self._terminate_unanswered_request, message.id),
            can_send_request=False,  # a JSON body carries the response only
        )
        try:
            await writer.send(SessionMessage(message, metadata=metadata))
            while True:  # a notification tied to the request has no place in a JSON body
                event = await streams[1].receive()
                if isinstance(event.message, JSONRPCResponse | JSONRPCError):
                    break
            response = self._create_json_response(event.message)
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            response = self._create_error_response(
                "Session terminated before the request completed",
                HTTPStatus.INTERNAL_SERVER_ERROR,
                INTERNAL_ERROR,
            )
        finally:
            await self._clean_up_memory_streams(request_id)
        await response(scope, receive, send)


def adaptive(transport: StreamableHTTPServerTransport, streams: Streams) -> AdaptiveTransport:
    """`transport` (made by the SDK's session manager), answering per request from now on.

    The manager builds its transports itself; turning one into this subclass (which adds no
    state but `streams`) keeps every other part of the SDK's construction as it is."""
    transport.__class__ = AdaptiveTransport
    assert isinstance(transport, AdaptiveTransport)
    transport.streams = streams
    return transport
