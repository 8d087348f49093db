"""Turn a handler's return value into a `CallToolResult` (always a model, never a dict)."""

from __future__ import annotations

import json
from typing import Any

from mcp import types
from pydantic import BaseModel, ValidationError

from .content import CONTENT_TYPES, to_mcp

_dumps_json = json.JSONEncoder(ensure_ascii=False).encode  # plain JSON data only


def _json_default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):  # e.g. a nested parameter model handed back in the result
        return obj.model_dump(mode="json", by_alias=True)
    return str(obj)


_dumps_any = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode


def _encode(value: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(JSON text, structured content): the same data, JSON-native even when the dict held
    models, dates or other objects (the fast path is for dicts that are JSON data already)."""
    try:
        return _dumps_json(value), value
    except TypeError:
        text = _dumps_any(value)
        return text, json.loads(text)


def error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


def to_result(
    value: Any, output: type[BaseModel] | None, where: str
) -> tuple[types.CallToolResult, str | None]:
    """(result, problem): `problem` is set when the value breaks the declared output."""
    if isinstance(value, types.CallToolResult):  # an upstream's result passes through unchanged
        return value, None
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        text, value = _encode(value)
        if output is not None:
            try:
                output.model_validate_json(text, strict=True)
            except ValidationError as exc:
                return _mismatch(where, _describe(exc))
        return (
            types.CallToolResult(
                content=[types.TextContent(type="text", text=text)], structured_content=value
            ),
            None,
        )
    if output is not None:
        return _mismatch(where, f"the handler returned {type(value).__name__}, not an object")
    if isinstance(value, str):
        return types.CallToolResult(content=[types.TextContent(type="text", text=value)]), None
    if isinstance(value, CONTENT_TYPES):
        return types.CallToolResult(content=[to_mcp(value)]), None
    if isinstance(value, list) and value and all(isinstance(v, CONTENT_TYPES) for v in value):
        return types.CallToolResult(content=[to_mcp(v) for v in value]), None
    if value is None:
        return types.CallToolResult(content=[]), None
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=_dumps_any(value))]
    ), None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in err["loc"]) or "(result)"
        parts.append(f'"{name}": {err["msg"]}')
    return "; ".join(parts)


def _mismatch(where: str, problem: str) -> tuple[types.CallToolResult, str]:
    message = f"the result of {where} does not match its declared output: {problem}"
    return error_result(message), problem
