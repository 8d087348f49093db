"""Circuit breaker per tool and operation.

closed → open after `failure_threshold` consecutive failures; open answers at once until
`reset_timeout` has passed; then half-open lets `half_open_max_calls` probes through: a probe that
succeeds closes the breaker, a probe that fails opens it again.

What counts as a failure: a handler exception, a timeout, a result that breaks the declared output.
What does not: validation errors (the handler never ran), `ToolError` (an expected domain answer
from a healthy handler, so it counts as a success), overload rejections and cache hits (neutral).
"""

from __future__ import annotations

import time
from typing import Final

CLOSED: Final = "closed"
OPEN: Final = "open"
HALF_OPEN: Final = "half_open"


class Breaker:
    __slots__ = (
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
    ) -> None:
        self.failure_threshold = max(1, int(failure_threshold))
        self.reset_timeout = float(reset_timeout)
        self.half_open_max_calls = max(1, int(half_open_max_calls))
        self.state: str = CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self.probes = 0  # half-open probes in flight
        self.openings = 0

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
