"""The call metrics, one table for both exporters: Prometheus names them `toolc_<name>` (counters
get `_total`, the histogram's unit is in its name), OpenTelemetry `toolc.<name with dots>`.

Labels are bounded by the build (tool, operation and legacy names come from the generated tables,
outcomes and cache states are fixed sets); the principal is a span attribute only, never a label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ..trace import Span

# call latency in seconds: 0.5 ms (a cached read) up to the 30 s default timeout
BUCKETS: Final = (
    *(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5),
    *(1.0, 2.5, 5.0, 10.0, 30.0),
)
HITS: Final = frozenset({"hit", "shared"})  # "shared": joined an identical call in flight


@dataclass(frozen=True, slots=True)
class Metric:
    name: str  # Prometheus base name (without toolc_ and _total)
    otel: str
    kind: str  # "counter" | "histogram"
    help: str
    labels: tuple[str, ...]


CALLS = Metric(
    "calls",
    "toolc.calls",
    "counter",
    "tools/call requests that reached an operation, by outcome",
    ("client", "tool", "operation", "outcome"),
)
DURATION = Metric(
    "call_duration_seconds",
    "toolc.call.duration",
    "histogram",
    "tools/call latency inside the runtime (validation to result), seconds",
    ("client", "tool", "operation"),
)
LEGACY = Metric(
    "legacy_calls",
    "toolc.legacy_calls",
    "counter",
    "calls made by a legacy (old flat) name",
    ("client", "legacy", "tool", "operation"),
)
CACHE_HITS = Metric(
    "cache_hits",
    "toolc.cache.hits",
    "counter",
    "cached reads answered from the cache or from an identical call in flight",
    ("client", "tool", "operation"),
)
CACHE_MISSES = Metric(
    "cache_misses",
    "toolc.cache.misses",
    "counter",
    "cached reads that ran the handler",
    ("client", "tool", "operation"),
)
BREAKER_OPENED = Metric(
    "breaker_opened",
    "toolc.breaker.opened",
    "counter",
    "times a call's failure opened its circuit breaker",
    ("client", "tool", "operation"),
)
ALL: Final = (CALLS, DURATION, LEGACY, CACHE_HITS, CACHE_MISSES, BREAKER_OPENED)


def observations(span: Span, client: str) -> Iterator[tuple[Metric, tuple[str, ...], float]]:
    """What one span adds: (metric, label values in the metric's order, amount or seconds)."""
    where = (client, span.tool, span.operation)
    yield CALLS, (*where, span.outcome), 1.0
    yield DURATION, where, span.ms / 1000.0
    if span.legacy:
        yield LEGACY, (client, span.legacy, span.tool, span.operation), 1.0
    if span.cache in HITS:
        yield CACHE_HITS, where, 1.0
    elif span.cache is not None:
        yield CACHE_MISSES, where, 1.0
    if span.opened:
        yield BREAKER_OPENED, where, 1.0
