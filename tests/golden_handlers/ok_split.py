"""Handlers of the golden case ok_split: an issue tracker with reads, writes and a delete."""

from __future__ import annotations

from typing import Any


def get(issue_id: int) -> dict[str, Any]:
    return {"issue_id": issue_id}


def search(query: str) -> dict[str, Any]:
    return {"issues": [query]}


def update(issue_id: int, state: str) -> dict[str, Any]:
    return {"issue_id": issue_id, "state": state}


def delete(issue_id: int) -> dict[str, Any]:
    return {"issue_id": issue_id}


def fetch_url(url: str) -> dict[str, Any]:
    return {"url": url}
