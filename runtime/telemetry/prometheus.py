"""The call metrics for Prometheus (prometheus-client), fed by the tracer's writer thread.

One process: the metrics live in a private registry. Several worker processes behind one port
(`serve --workers N`, or gunicorn/uvicorn workers): set `PROMETHEUS_MULTIPROC_DIR` to an empty
folder before the workers start (`prepare_multiprocess()` does it for toolc's own supervisor);
each worker then writes its counts to files there, and any worker answering `/metrics` reports
the sum over all of them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any, Final

from ..trace import Span
from . import metrics as m

MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
PREFIX: Final = "toolc_"


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower()) or None


def prepare_multiprocess(workers: int) -> str | None:
    """Before starting `workers` > 1 processes: make sure they share one metrics folder (a fresh
    temporary one unless `PROMETHEUS_MULTIPROC_DIR` names one, which is then emptied of stale
    counts). Returns the folder, or None for a single process."""
    if workers <= 1:
        return multiprocess_dir()
    folder = multiprocess_dir()
    if folder is None:
        folder = tempfile.mkdtemp(prefix="toolc-metrics-")
        os.environ[MULTIPROC_ENV] = folder
    else:
        os.makedirs(folder, exist_ok=True)
        for entry in os.scandir(folder):
            if entry.is_file() and entry.name.endswith(".db"):
                os.unlink(entry.path)
    return folder


def remove_multiprocess_dir(folder: str) -> None:
    """At supervisor exit, for a folder `prepare_multiprocess` made itself."""
    if os.path.basename(folder).startswith("toolc-metrics-"):
        shutil.rmtree(folder, ignore_errors=True)


class RedisCollector:
    """`toolc_redis_up` (1/0) and this process's Redis error and outage counts, read from
    runtime.state.health when shared state is configured (nothing otherwise). In multiprocess
    mode these are the answering worker's view."""

    def __init__(self) -> None:
        try:
            from ..state import health  # type: ignore[import-not-found,attr-defined,unused-ignore]
        except ImportError:
            self.health: Any = None
        else:
            self.health = health

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        health = self.health
        if health is None or health.redis_ok() is None:
            return
        up = "whether the last Redis command of this process succeeded (shared state)"
        yield GaugeMetricFamily(PREFIX + "redis_up", up, value=1.0 if health.redis_ok() else 0.0)
        errors = "Redis commands that failed or were skipped in this process"
        yield CounterMetricFamily(PREFIX + "redis_errors", errors, value=health.redis_errors())
        outages = "times Redis stopped answering this process"
        yield CounterMetricFamily(PREFIX + "redis_outages", outages, value=health.redis_outages())


class PrometheusSink:
    """A `SpanSink` that counts spans into prometheus-client metrics."""

    content_type: str

    def __init__(self, client: str) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
        from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

        disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created: noise here
        self.client = client
        self.content_type = CONTENT_TYPE_PLAIN_0_0_4
        self.multiprocess = multiprocess_dir()
        if self.multiprocess is not None:
            os.makedirs(self.multiprocess, exist_ok=True)
        # multiprocess: values go to files, and /metrics reads those; no registry holds them
        self.registry = None if self.multiprocess else CollectorRegistry(auto_describe=True)
        self.redis = RedisCollector()
        if self.registry is not None:
            self.registry.register(self.redis)
        self.metrics: dict[str, Any] = {}
        self.children: dict[tuple[str, tuple[str, ...]], Any] = {}  # per series (bounded)
        for metric in m.ALL:
            name = PREFIX + metric.name
            if metric.kind == "histogram":
                self.metrics[metric.name] = Histogram(
                    name, metric.help, metric.labels, registry=self.registry, buckets=m.BUCKETS
                )
            else:
                self.metrics[metric.name] = Counter(
                    name, metric.help, metric.labels, registry=self.registry
                )

    def export(self, spans: list[Span]) -> None:
        metrics, client, children = self.metrics, self.client, self.children
        for span in spans:
            for metric, labels, value in m.observations(span, client):
                key = (metric.name, labels)
                child = children.get(key)
                if child is None:  # labels() validates and locks: once per series, not per span
                    child = children[key] = metrics[metric.name].labels(*labels)
                if metric.kind == "histogram":
                    child.observe(value)
                else:
                    child.inc(value)

    def render(self) -> bytes:
        """The text exposition of every metric (all workers' in multiprocess mode)."""
        from prometheus_client import CollectorRegistry, generate_latest

        if self.registry is not None:
            return generate_latest(self.registry)
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess)  # type: ignore[no-untyped-call]
        registry.register(self.redis)
        return generate_latest(registry)

    def close(self) -> None:
        pass
