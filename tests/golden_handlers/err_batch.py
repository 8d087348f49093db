"""Handlers of the golden case err_batch (batch on a plain tool, names that clash with batch)."""

from __future__ import annotations

from typing import Any


def add(text: str) -> dict[str, Any]:
    return {"text": text}


def get(note_id: str) -> dict[str, Any]:
    return {"note_id": note_id}


def batch(text: str) -> dict[str, Any]:
    return {"text": text}


def queue(calls: list[str], stop_on_error: bool = False) -> dict[str, Any]:
    return {"calls": calls, "stop_on_error": stop_on_error}


def ping() -> dict[str, Any]:
    return {}
