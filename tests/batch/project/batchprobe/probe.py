"""Handlers that record how batch items run: waits in flight at once, and the order of events."""

from __future__ import annotations

import asyncio
from typing import Any

from toolc import ToolError

_state = {"active": 0, "peak": 0}
_events: list[str] = []


async def wait(ms: int, tag: str) -> dict[str, Any]:
    _state["active"] += 1
    _state["peak"] = max(_state["peak"], _state["active"])
    _events.append(f"start {tag}")
    try:
        await asyncio.sleep(ms / 1000)
    finally:
        _events.append(f"end {tag}")
        _state["active"] -= 1
    return {"tag": tag}


def write(tag: str) -> dict[str, Any]:
    _events.append(f"write {tag}")
    return {"tag": tag}


def stats() -> dict[str, Any]:
    return {"peak": _state["peak"], "events": list(_events)}


def hello() -> str:
    return "hello"


def boom() -> str:
    raise ToolError("boom")
