"""Errors a handler or the runtime raises on purpose. Their messages are safe to show callers."""

from __future__ import annotations


class ToolError(Exception):
    """A handler's expected failure (unknown id, wrong state, missing repository).

    The caller gets an `isError` result whose text is exactly `message`, so write it for a person:
    what is wrong, then how to fix it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
