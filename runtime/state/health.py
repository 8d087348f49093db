"""Whether the shared state (Redis) answers: one flag and a few counters per worker process.

`redis_ok()` is what /readyz and the metrics read: None when no `--state` is configured, else
whether the last Redis command succeeded. Every Redis use in the runtime goes through `guard`,
which records the outcome, logs an outage once (then at most every `LOG_EVERY` seconds, to
stderr through logging) and a recovery once, and after a failure skips Redis for `BACKOFF`
seconds, so a dead Redis costs callers nothing but their cache: reads run uncached, writes
still run, rate limits count per worker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Final

log = logging.getLogger("toolc.runtime.state")

BACKOFF: Final = 1.0  # seconds without trying Redis after a failure
LOG_EVERY: Final = 30.0  # at most one "still down" line per this many seconds


@dataclass(slots=True)
class Health:
    configured: bool = False
    ok: bool = True
    errors: int = 0  # Redis commands that failed (or were skipped during a backoff)
    outages: int = 0  # times Redis went from answering to not answering
    retry_at: float = 0.0
    logged_at: float = float("-inf")


_health = Health()


def redis_ok() -> bool | None:
    """None: no shared state configured; True: Redis answered last time; False: it did not."""
    return _health.ok if _health.configured else None


def redis_errors() -> int:
    """Redis commands that failed or were skipped since the process started."""
    return _health.errors


def redis_outages() -> int:
    return _health.outages


def configure(enabled: bool) -> None:
    """Start counting for a new configuration (the serve command; tests)."""
    global _health
    _health = Health(configured=enabled)


def available() -> bool:
    """Whether to try Redis now (False during the backoff after a failure)."""
    h = _health
    if h.ok or time.monotonic() >= h.retry_at:
        return True
    h.errors += 1
    return False


def succeeded() -> None:
    h = _health
    if not h.ok:
        h.ok = True
        log.warning("shared state: Redis answers again; caching and shared limits resume")


def failed(what: str, exc: BaseException) -> None:
    """Record a failed Redis command; log it unless logged recently. Never raises."""
    h = _health
    now = time.monotonic()
    h.errors += 1
    h.retry_at = now + BACKOFF
    if h.ok:
        h.ok = False
        h.outages += 1
    if now - h.logged_at >= LOG_EVERY:
        h.logged_at = now
        log.warning(
            "shared state: Redis is unreachable (%s: %s); reads run uncached and rate limits "
            "count per worker until it answers (%d failed commands so far)",
            what,
            type(exc).__name__,
            h.errors,
        )
