"""Rate limits: token buckets per client build, limit and principal.

`rate_limit: {calls_per_minute, burst}` may be set on the client (every call of the build), on a
tool (its operations together) and on an operation; a call takes a token from each that applies,
most specific first, and is refused (an `isError` result saying when to retry) at the first empty
bucket. Buckets are per principal (`-`: unauthenticated callers, who share one), keyed
`"{client}|{scope}|{principal or '-'}"` with scope `*`, `tool` or `tool.operation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..principal import Principal
from .store import BucketStore, MemoryBuckets

__all__ = ["BucketStore", "Limit", "MemoryBuckets", "RateLimiter", "bucket_key", "limit_of"]


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str  # "*" (the client), a tool, or "tool.operation"
    what: str  # for messages: 'client "x"', 'tool "t"', 'tool "t" operation "o"'
    per_minute: float
    burst: int

    @property
    def rate_per_s(self) -> float:
        return self.per_minute / 60.0


def limit_of(raw: Any, scope: str, what: str) -> Limit | None:
    """A build table's `rate_limit` entry; None when there is none."""
    if not isinstance(raw, dict):
        return None
    per_minute = float(raw["calls_per_minute"])
    burst = int(raw.get("burst") or max(1, math.ceil(per_minute)))
    return Limit(scope, what, per_minute, burst)


def bucket_key(client: str, scope: str, principal: Principal | None) -> str:
    return f"{client}|{scope}|{principal.name if principal is not None else '-'}"


class RateLimiter:
    __slots__ = ("client", "store")

    def __init__(self, client: str, store: BucketStore | None = None) -> None:
        self.client = client
        self.store: BucketStore = store if store is not None else MemoryBuckets()

    async def check(self, limits: tuple[Limit, ...], principal: Principal | None) -> str | None:
        """None when the call may run; else the message of its `isError` result."""
        for limit in limits:
            key = bucket_key(self.client, limit.scope, principal)
            wait = await self.store.take(key, limit.rate_per_s, limit.burst)
            if wait > 0:
                per = f"{limit.per_minute:g} calls per minute"
                who = f' for "{principal.name}"' if principal is not None else ""
                return (
                    f"rate limit of {limit.what} reached ({per}{who}) — "
                    f"retry in {max(wait, 0.1):.1f} s"
                )
        return None
