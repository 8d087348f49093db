"""Handlers of the golden case ok_docs (only their signatures matter)."""

from __future__ import annotations

from typing import Any


def open(title: str, labels: list[Any] | None, due: str | None) -> dict[str, Any]:
    return {"issue_id": "i1"}


def update(issue_id: str, state: str) -> dict[str, Any]:
    return {"issue_id": issue_id}


def find(query: str, limit: int, label: Any) -> dict[str, Any]:
    return {"issues": []}


def ping() -> str:
    return "pong"
