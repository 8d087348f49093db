"""What the stdio transport answers for a line that is not a message the session can take.

The fast path is the SDK's own parse (`jsonrpc_message_adapter.validate_json`, pydantic's JSON
parser: nesting deeper than 200 levels, invalid UTF-8 and lone surrogates are parse errors there,
never a crash). Only a line it refuses, or one it reads as a notification (it silently drops an
invalid `id`, so a request with a float, boolean, object or null id would look like a notification
and its client would wait forever), is looked at again here and answered as JSON-RPC 2.0 asks:
-32700 for what is not JSON, -32600 for what is not a valid request, with the request's id when a
valid one (a string or an integer) can be recovered, else null. A valid JSON-RPC notification
gets no reply, even when MCP cannot take it (JSON-RPC never answers a notification). MCP removed
batching, so an array is one -32600.
"""

from __future__ import annotations

import json
from typing import Any, Final

import mcp_types as types
import pydantic_core

from .excerpt import excerpt

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
INVALID_PARAMS: Final = -32602
CONNECTION_CLOSED: Final = -32000  # the code the SDK gives requests cut off by a closed connection

MAX_ERROR_TEXT: Final = 4096  # characters of an error message on the wire (ours are shorter)
MAX_RECOVERY_BRACKETS: Final = 200  # `json` re-reads a line for its id only when this shallow

RequestId = int | str

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def error_line(request_id: RequestId | None, code: int, message: str) -> bytes:
    """One JSON-RPC error response, as a line for the wire."""
    error = {"code": code, "message": message}
    return _dumps({"jsonrpc": "2.0", "id": request_id, "error": error}).encode() + b"\n"


def bounded(reply: types.JSONRPCError) -> types.JSONRPCError:
    """`reply` with its text cut to excerpts: the SDK's own errors quote input whole ("Method
    not found" carries the method name, of any length, as its data)."""
    error = reply.error
    data = error.data
    if len(error.message) <= MAX_ERROR_TEXT and not (isinstance(data, str) and len(data) > 128):
        return reply
    cut = error.model_copy(
        update={
            "message": excerpt(error.message, MAX_ERROR_TEXT),
            "data": excerpt(data, 128) if isinstance(data, str) else data,
        }
    )
    return reply.model_copy(update={"error": cut})


def too_long(limit: int) -> bytes:
    return error_line(
        None, INVALID_REQUEST, f"message too large: a message may be at most {limit} bytes"
    )


def refusal(line: bytes) -> bytes | None:
    """The reply to a line the SDK's parser refused; None for a valid JSON-RPC notification."""
    try:
        value = pydantic_core.from_json(line)
    except ValueError as exc:
        reason = excerpt(str(exc), 120)
        return error_line(_recover_id(line), PARSE_ERROR, f"parse error: invalid JSON ({reason})")
    return _check(value)


def stray_id(line: bytes) -> bytes | None:
    """The reply to a line the SDK's parser read as a notification but that carries an `id`."""
    value = pydantic_core.from_json(line)  # it parsed once already
    if isinstance(value, dict) and "id" in value:
        return error_line(None, INVALID_REQUEST, _ID_PROBLEM)
    return None


_ID_PROBLEM: Final = 'invalid request: "id" must be a string or an integer'


def _is_id(value: object) -> bool:
    if type(value) is int:
        return True
    if type(value) is not str:
        return False
    try:
        value.encode()  # a lone surrogate cannot go back on the wire
    except UnicodeEncodeError:
        return False
    return "\ufffd" not in value  # an id read through invalid UTF-8 is not the caller's id


def _check(value: Any) -> bytes | None:
    if isinstance(value, list):
        what = "an empty batch" if not value else "a batch"
        message = f"invalid request: {what}; MCP takes one JSON-RPC message per line, not arrays"
        return error_line(None, INVALID_REQUEST, message)
    if not isinstance(value, dict):
        return error_line(None, INVALID_REQUEST, "invalid request: a message is a JSON object")
    raw_id = value.get("id")
    reply_id = raw_id if _is_id(raw_id) else None
    if "method" not in value and ("result" in value or "error" in value):
        # a malformed response to one of our requests: its id is ours, so it is not echoed
        return error_line(None, INVALID_REQUEST, "invalid response: not a JSON-RPC 2.0 response")
    if value.get("jsonrpc") != "2.0":
        return error_line(reply_id, INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"')
    if "method" not in value:
        return error_line(reply_id, INVALID_REQUEST, 'invalid request: "method" is missing')
    if not isinstance(value["method"], str):
        return error_line(reply_id, INVALID_REQUEST, 'invalid request: "method" must be a string')
    params = value.get("params")
    if params is not None and not isinstance(params, dict | list):
        problem = 'invalid request: "params" must be an object'
        return error_line(reply_id, INVALID_REQUEST, problem)
    if "id" not in value:
        return None  # a valid JSON-RPC notification: never answered
    if reply_id is None:
        return error_line(None, INVALID_REQUEST, _ID_PROBLEM)
    if isinstance(params, list):
        return error_line(reply_id, INVALID_PARAMS, 'invalid params: "params" must be an object')
    return error_line(reply_id, INVALID_REQUEST, "invalid request: not an MCP request")


def _recover_id(line: bytes) -> RequestId | None:
    """The id of a line that is not valid JSON (invalid UTF-8, a lone surrogate), if any."""
    if line.count(b"[") + line.count(b"{") > MAX_RECOVERY_BRACKETS:
        return None  # bounds the recursion of `json`, which has no depth limit of its own
    try:
        value = json.loads(line.decode("utf-8", "replace"))
    except ValueError:
        return None
    if isinstance(value, dict):
        raw_id = value.get("id")
        if _is_id(raw_id):
            return raw_id
    return None
