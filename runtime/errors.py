"""Errors a handler or the runtime raises on purpose. Their messages are safe to show callers."""

from __future__ import annotations


class ToolError(Exception):
    """A handler's expected failure (unknown id, wrong state, missing repository).

    The caller gets an `isError` result whose text is exactly `message`, so write it for a person:
    what is wrong, then how to fix it. A `ToolError` is an answer from a healthy handler, so it
    never counts toward the operation's circuit breaker, unless `transient=True` says that a
    dependency the handler needs is failing (an upstream that is down, a database that is locked).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


class TransientError(ToolError):
    """A `ToolError` that counts toward the circuit breaker: a dependency is failing."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=True)
