"""Handlers shared by the golden error cases whose handlers are fine."""

from __future__ import annotations

from typing import Any


def add(text: str) -> dict[str, Any]:
    return {"text": text}


def get(note_id: str) -> dict[str, Any]:
    return {"note_id": note_id}


def create(text: str) -> dict[str, Any]:
    return {"text": text}


def read_note(note_id: str) -> dict[str, Any]:
    return {"note_id": note_id}


def search(query: str) -> dict[str, Any]:
    return {"query": query}


def annotate(text: str, where: Any, when: Any, nested: Any, tricky: Any) -> dict[str, Any]:
    return {"text": text}


def post(text: str, **kwargs: Any) -> dict[str, Any]:
    return {"text": text, "extra": kwargs}
