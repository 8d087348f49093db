"""Handlers for the handler-signature golden case: `add` lacks `pinned`, `get` needs `user`."""

from __future__ import annotations


def add(text: str) -> str:
    return text


def get(note_id: str, user: str) -> str:
    return note_id + user
