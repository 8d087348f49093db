"""Handlers of the golden case ok_union: an async handler and one taking the context."""

from __future__ import annotations

from typing import Any


async def place(customer: Any, lines: list[Any], note: str | None, ctx: Any) -> dict[str, Any]:
    return {"order_id": f"o{len(lines)}"}


def find(name: str, status: str | None) -> dict[str, Any]:
    return {"orders": [name]}
