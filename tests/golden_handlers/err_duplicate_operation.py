"""Handlers for the duplicate-operation golden case."""

from __future__ import annotations


def get_all() -> list[str]:
    return []
