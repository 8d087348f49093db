"""Handlers of the golden case ok_batch."""

from __future__ import annotations

from typing import Any


def add(text: str) -> dict[str, Any]:
    return {"note_id": "n1"}


def get(note_id: str) -> dict[str, Any]:
    return {"note_id": note_id}
