"""Turn a handler's return value into a `CallToolResult` (always a model, never a dict)."""

from __future__ import annotations

import json
from typing import Any

from mcp import types
from pydantic import BaseModel, ValidationError

from runtime.content import CONTENT_TYPES, to_mcp

_dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode


def error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


def to_result(
    value: Any, output: type[BaseModel] | None, where: str
) -> tuple[types.CallToolResult, str | None]:
    """(result, problem): `problem` is set when the value breaks the declared output."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        text = _dumps(value)
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
    return types.CallToolResult(content=[types.TextContent(type="text", text=_dumps(value))]), None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in err["loc"]) or "(result)"
        parts.append(f'"{name}": {err["msg"]}')
    return "; ".join(parts)


def _mismatch(where: str, problem: str) -> tuple[types.CallToolResult, str]:
    message = f"the result of {where} does not match its declared output: {problem}"
    return error_result(message), problem
