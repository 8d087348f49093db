"""Telemetry sinks for the call spans of runtime/trace.py: OpenTelemetry (OTLP/HTTP) and Prometheus.

Nothing here is imported until telemetry is on, so a stdio server without it starts as lean as
before: `attach()` only reads environment variables unless an exporter or `/metrics` is wanted.
Both sinks take the spans `Tracer` already records (a second and third consumer of the same
record, on its writer thread), so there is one call path and one place that measures it.

- OpenTelemetry: on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces / metrics variant) is set
  and `OTEL_SDK_DISABLED` is not `true`; runtime/telemetry/otel.py.
- Prometheus: on for `serve --transport http` unless `--no-metrics`;
  runtime/telemetry/prometheus.py, served by runtime/telemetry/probes.py (`/metrics`, next to
  `/healthz` and `/readyz`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..build import Build
    from ..trace import Tracer
    from .prometheus import PrometheusSink

log = logging.getLogger("toolc.runtime.telemetry")

TRACE_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
METRIC_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")


def otel_signals(env: Mapping[str, str]) -> tuple[bool, bool]:
    """(export traces, export metrics) by the standard OpenTelemetry environment variables."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False, False
    traces = any(env.get(k, "").strip() for k in TRACE_ENDPOINTS)
    metrics = any(env.get(k, "").strip() for k in METRIC_ENDPOINTS)
    traces &= env.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() != "none"
    metrics &= env.get("OTEL_METRICS_EXPORTER", "otlp").strip().lower() != "none"
    return traces, metrics


def attach_otel(tracer: Tracer, build: Build, env: Mapping[str, str] | None = None) -> None:
    """Add the OpenTelemetry sink when the environment asks for it (nothing is imported
    otherwise). Failing to set it up is logged, never fatal."""
    env = os.environ if env is None else env
    traces, metrics = otel_signals(env)
    if not (traces or metrics):
        return
    try:
        from .otel import OtelSink

        tracer.add_sink(OtelSink(build, env, traces=traces, metrics=metrics))
    except Exception as exc:  # a bad endpoint URL, an unusable environment value
        log.error("OpenTelemetry export is off: %s", exc)


def attach_prometheus(tracer: Tracer, build: Build) -> PrometheusSink:
    """Add and return the Prometheus sink (`/metrics` renders it)."""
    from .prometheus import PrometheusSink

    sink = PrometheusSink(build.client)
    tracer.add_sink(sink)
    return sink
