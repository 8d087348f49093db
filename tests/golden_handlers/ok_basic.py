"""Handlers of the golden case ok_basic (typed: the generated dispatch passes mypy strict)."""

from __future__ import annotations

from typing import Any

_NOTES: list[str] = []


def add(text: str, tags: list[str] | None, color: str) -> dict[str, Any]:
    _NOTES.append(text)
    return {"note_id": f"n{len(_NOTES)}"}


def get(note_id: str) -> dict[str, Any]:
    return {"text": _NOTES[int(note_id[1:]) - 1]}


def list_notes(limit: int) -> dict[str, Any]:
    return {"notes": _NOTES[::-1][:limit]}


def purge() -> str:
    _NOTES.clear()
    return "purged"


def search(query: str, limit: int) -> list[str]:
    return [query][:limit]
