"""OpenTelemetry traces and metrics over OTLP/HTTP (protobuf), from the tracer's writer thread.

The endpoints follow the standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` and
`/v1/metrics`, or the per-signal ones); the exporters read the rest themselves
(`OTEL_EXPORTER_OTLP_HEADERS`, timeouts,
`OTEL_BSP_*`, `OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_RESOURCE_ATTRIBUTES`); `service.name` is
`OTEL_SERVICE_NAME` when set, else the build's server name. Providers are private to
this sink: nothing is installed globally, so a handler's own OpenTelemetry setup is untouched.

One span per `tools/call` that reached an operation, named `tools/call TOOL`, kind SERVER, with
the start and end the runtime measured. Its attributes are the span record's (`toolc.*`) plus
the generic `mcp.method.name` and `gen_ai.tool.name`; an outcome other than `ok` sets the
status to ERROR.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from typing import Any, Final

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from ..build import Build
from ..trace import Span
from . import metrics as m

log = logging.getLogger("toolc.runtime.telemetry")

SCOPE: Final = "toolc.runtime"
OK: Final = "ok"


def resource(build: Build, env: Mapping[str, str]) -> Resource:
    info = build.server
    attributes: dict[str, str] = {"toolc.client": build.client}
    named = env.get("OTEL_SERVICE_NAME", "").strip() or any(
        item.strip().startswith("service.name=")
        for item in env.get("OTEL_RESOURCE_ATTRIBUTES", "").split(",")
    )
    if not named:
        attributes["service.name"] = str(info.get("name") or "toolc")
    if info.get("version"):
        attributes["service.version"] = str(info["version"])
    return Resource.create(attributes)


def endpoint(env: Mapping[str, str], signal: str) -> str:
    """The OTLP/HTTP URL of `signal` ("traces" | "metrics") by the specification's rules: the
    per-signal variable as given, else the general one + `/v1/<signal>`."""
    specific = env.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT", "").strip()
    if specific:
        return specific
    return env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip().rstrip("/") + f"/v1/{signal}"


def _check_protocol(env: Mapping[str, str]) -> None:
    for key in ("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"):
        value = env.get(key, "").strip()
        if value and value != "http/protobuf":
            log.warning(
                "%s=%s is not supported; exporting with http/protobuf (usually port 4318)",
                key,
                value[:40],
            )


class OtelSink:
    """A `SpanSink` that turns each span into an OpenTelemetry span and metric points.

    The providers (and their export threads) are made on the first export, in the process that
    records the spans: `--workers` forks after start-up, and each worker must export as its own
    `service.instance.id`, or their cumulative counters would overwrite each other.
    """

    def __init__(
        self, build: Build, env: Mapping[str, str], *, traces: bool, metrics: bool
    ) -> None:
        _check_protocol(env)
        self.client = build.client
        self.resource = resource(build, env)
        self.endpoints = (
            endpoint(env, "traces") if traces else None,
            endpoint(env, "metrics") if metrics else None,
        )
        self.pid = 0  # the process the providers below belong to
        self.tracer_provider: TracerProvider | None = None
        self.meter_provider: MeterProvider | None = None
        self.tracer: Any = None
        self.instruments: dict[str, Any] = {}
        log.info("OpenTelemetry export on: traces %s, metrics %s", traces, metrics)

    def _start(self) -> None:
        self.pid = os.getpid()
        res = self.resource.merge(Resource({"service.instance.id": str(uuid.uuid4())}))
        traces, metrics = self.endpoints
        if traces is not None:
            # shut down by the tracer (bounded), not again at exit (an unbounded retry loop)
            self.tracer_provider = TracerProvider(resource=res, shutdown_on_exit=False)
            self.tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(traces)))
            self.tracer = self.tracer_provider.get_tracer(SCOPE)
        if metrics is not None:
            reader = PeriodicExportingMetricReader(OTLPMetricExporter(metrics))
            view = View(
                instrument_name=m.DURATION.otel,
                aggregation=ExplicitBucketHistogramAggregation(m.BUCKETS),
            )
            self.meter_provider = MeterProvider(
                resource=res, metric_readers=[reader], views=[view], shutdown_on_exit=False
            )
            meter = self.meter_provider.get_meter(SCOPE)
            self.instruments = {}
            for metric in m.ALL:
                if metric.kind == "histogram":
                    self.instruments[metric.name] = meter.create_histogram(
                        metric.otel, unit="s", description=metric.help
                    )
                else:
                    self.instruments[metric.name] = meter.create_counter(
                        metric.otel, unit="{call}", description=metric.help
                    )

    def export(self, spans: list[Span]) -> None:
        if self.pid != os.getpid():
            self._start()
        if self.tracer is not None:
            for span in spans:
                self._span(span)
        if self.instruments:
            instruments, client = self.instruments, self.client
            for span in spans:
                for metric, labels, value in m.observations(span, client):
                    attributes = dict(zip(metric.labels, labels, strict=True))
                    if metric.kind == "histogram":
                        instruments[metric.name].record(value, attributes)
                    else:
                        instruments[metric.name].add(value, attributes)

    def _span(self, span: Span) -> None:
        end = int(span.ts * 1e9)
        start = end - int(span.ms * 1e6)
        attributes: dict[str, str | bool | float] = {
            "mcp.method.name": "tools/call",
            "gen_ai.tool.name": span.tool,
            "toolc.client": self.client,
            "toolc.tool": span.tool,
            "toolc.operation": span.operation,
            "toolc.outcome": span.outcome,
            "toolc.duration_ms": span.ms,
        }
        if span.legacy is not None:
            attributes["toolc.legacy_name"] = span.legacy
        if span.cache is not None:
            attributes["toolc.cache"] = span.cache
        if span.breaker is not None:
            attributes["toolc.breaker"] = span.breaker
        if span.opened:
            attributes["toolc.breaker.opened"] = True
        if span.principal is not None:
            attributes["toolc.principal"] = span.principal
        otel_span = self.tracer.start_span(
            f"tools/call {span.tool}", kind=SpanKind.SERVER, attributes=attributes, start_time=start
        )
        if span.outcome != OK:
            otel_span.set_status(Status(StatusCode.ERROR, span.outcome))
        otel_span.end(end_time=end)

    def close(self) -> None:
        """Export what is buffered (bounded by the exporters' own timeouts) and stop."""
        if self.pid != os.getpid():
            return  # nothing was recorded in this process
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown(timeout_millis=5000)
