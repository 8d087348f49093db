"""Circuit breaker per tool and operation.

closed → open after `failure_threshold` consecutive failures; open answers at once until
`reset_timeout` has passed; then half-open lets `half_open_max_calls` probes through: a probe that
succeeds closes the breaker, a probe that fails opens it again.

A breaker protects callers from a failing dependency, so only outcomes that say "the dependency
is failing" count, never ones a single caller's input can cause (or one bad caller would switch
the operation off for everyone):
- always: a timeout, and a `ToolError(..., transient=True)` / `TransientError`;
- by default (no `count` in the policy): an `OSError` (connection refused or reset, DNS failure,
  network unreachable, socket timeout, disk full, I/O error), except the file-lookup errors that a
  path from the caller causes (`FileNotFoundError`, `FileExistsError`, `IsADirectoryError`,
  `NotADirectoryError`, `PermissionError`);
- with `count: [names]`: exactly the exceptions with one of those class names in their MRO, each
  name plain (`OSError`) or qualified by module (`sqlite3.OperationalError`).
Everything else is neutral: programming and input errors (`ValueError`, `OverflowError`,
`KeyError`, ...), a result that breaks the declared output, validation errors (the handler never
ran), overload rejections and cache hits. A plain `ToolError` is an answer from a healthy handler
and counts as a success.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Final

from ..errors import ToolError

CLOSED: Final = "closed"
OPEN: Final = "open"
HALF_OPEN: Final = "half_open"

# OSErrors that a caller's path argument causes: input errors, not a failing dependency
_CALLER_PATH_ERRORS: Final = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)


def _default_counts(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and not isinstance(exc, _CALLER_PATH_ERRORS)


def _named_in(names: frozenset[str], kind: type[BaseException]) -> bool:
    return any(
        c.__name__ in names or f"{c.__module__}.{c.__qualname__}" in names for c in kind.__mro__
    )


class Breaker:
    __slots__ = (
        "_verdicts",
        "count",
        "failure_threshold",
        "failures",
        "half_open_max_calls",
        "opened_at",
        "openings",
        "probes",
        "reset_timeout",
        "state",
    )

    def __init__(
        self,
        failure_threshold: int,
        reset_timeout: float,
        half_open_max_calls: int = 1,
        count: Iterable[str] | None = None,
    ) -> None:
        self.failure_threshold = max(1, int(failure_threshold))
        self.reset_timeout = float(reset_timeout)
        self.half_open_max_calls = max(1, int(half_open_max_calls))
        self.state: str = CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self.probes = 0  # half-open probes in flight
        self.openings = 0
        self.count = frozenset(count) if count is not None else None
        self._verdicts: dict[type[BaseException], bool] = {}

    def counts(self, exc: BaseException) -> bool:
        """Whether a handler's exception says the dependency is failing (see the module doc)."""
        if isinstance(exc, ToolError):
            return exc.transient
        kind = type(exc)
        verdict = self._verdicts.get(kind)
        if verdict is None:
            names = self.count
            verdict = _default_counts(exc) if names is None else _named_in(names, kind)
            if len(self._verdicts) < 256:  # bounded: exception classes can be made at run time
                self._verdicts[kind] = verdict
        return verdict

    def allow(self) -> float | None:
        """None when a call may proceed (the caller must then report back); else retry-after s."""
        if self.state == CLOSED:
            return None
        now = time.monotonic()
        if self.state == OPEN:
            remaining = self.opened_at + self.reset_timeout - now
            if remaining > 0:
                return remaining
            self.state = HALF_OPEN
            self.probes = 0
        if self.probes >= self.half_open_max_calls:
            return max(0.1, self.reset_timeout / 10)
        self.probes += 1
        return None

    def success(self) -> None:
        if self.state == HALF_OPEN:
            self.state = CLOSED
            self.probes = 0
        self.failures = 0

    def failure(self) -> bool:
        """Record a failure; True when this failure opened the breaker."""
        if self.state == HALF_OPEN:
            self._open()
            return True
        if self.state == OPEN:
            return False
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self._open()
            return True
        return False

    def neutral(self) -> None:
        """The allowed call ended without telling anything about the handler's health."""
        if self.state == HALF_OPEN and self.probes > 0:
            self.probes -= 1

    def _open(self) -> None:
        self.state = OPEN
        self.opened_at = time.monotonic()
        self.failures = 0
        self.probes = 0
        self.openings += 1
