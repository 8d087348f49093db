"""Handlers of the golden case err_example."""

from __future__ import annotations


def add(text: str) -> str:
    return text


def get(note_id: str, mode: str) -> str:
    return note_id
