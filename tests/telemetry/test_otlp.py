"""OpenTelemetry over OTLP/HTTP into a real receiver on 127.0.0.1 (tests/telemetry/support.py):
spans and metrics from a real HTTP server, a stdio server's spans at exit, and the principal."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from tests.e2e.runtime_support import FIXTURE, stdio_params
from tests.telemetry.support import Receiver, serve_http
from toolc.runtime.build import load_build

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SERVER = 2  # opentelemetry.proto Span.SpanKind SPAN_KIND_SERVER
ERROR = 2  # Status.StatusCode STATUS_CODE_ERROR


def otel_env(receiver: Receiver, **extra: str) -> dict[str, str]:
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OTEL_METRIC_EXPORT_INTERVAL": "300",
        **extra,
    }


def spans_named(r: Receiver, tool: str, n: int) -> list[dict[str, Any]] | None:
    found = [s for s in r.spans if s["attributes"].get("toolc.tool") == tool]
    return found if len(found) >= n else None


async def test_http_calls_arrive_as_spans_and_metrics() -> None:
    key = f"otlp-{os.getpid()}-{time.monotonic_ns()}"
    with Receiver() as receiver, serve_http(env=otel_env(receiver)):
        pass  # started and stopped cleanly with the exporter on and nothing to send
    with Receiver() as receiver, serve_http(env=otel_env(receiver)) as served:
        async with Client(served.url, mode="legacy") as c:
            assert not (await c.call_tool("add_numbers", {"a": 2, "b": 3})).is_error
            for _ in range(2):
                await c.call_tool("faults", {"operation": "count", "key": key})
            assert (await c.call_tool("faults", {"operation": "crash"})).is_error

        legacy = receiver.wait_for(lambda r: spans_named(r, "calc.add", 1))[0]
        assert legacy["name"] == "tools/call calc.add" and legacy["kind"] == SERVER
        assert legacy["attributes"] == {
            "mcp.method.name": "tools/call",
            "gen_ai.tool.name": "calc.add",
            "toolc.client": "test",
            "toolc.tool": "calc.add",
            "toolc.operation": "calc.add",
            "toolc.legacy_name": "add_numbers",
            "toolc.breaker": "closed",
            "toolc.outcome": "ok",
            "toolc.duration_ms": pytest.approx(legacy["attributes"]["toolc.duration_ms"]),
        }
        assert 0 < legacy["end"] - legacy["start"] < 5e9
        assert legacy["resource"]["service.name"] == "rtfixture"  # the server's name
        assert legacy["resource"]["service.version"] == "0.1.0"

        faults = receiver.wait_for(lambda r: spans_named(r, "faults", 3))
        counts = [s["attributes"] for s in faults if s["attributes"]["toolc.operation"] == "count"]
        assert [a["toolc.cache"] for a in counts] == ["miss", "hit"]
        assert all(a["toolc.breaker"] == "closed" for a in counts)
        crash = next(s for s in faults if s["attributes"]["toolc.operation"] == "crash")
        assert crash["attributes"]["toolc.outcome"] == "error" and crash["status"] == ERROR
        assert "toolc.breaker" not in crash["attributes"]  # `breaker: null` on that operation

        def points(r: Receiver) -> dict[str, float] | None:
            latest: dict[str, float] = {}
            for p in r.points:  # cumulative: the last export holds the totals
                a = p["attributes"]
                where = f"{p['metric']} {a['tool']}:{a['operation']} {a.get('outcome', '')}"
                latest[where.strip()] = p["value"]
            wanted = ("toolc.legacy_calls calc.add:calc.add", "toolc.calls faults:crash error")
            return latest if all(k in latest for k in wanted) else None

        latest = receiver.wait_for(points)
        assert latest["toolc.legacy_calls calc.add:calc.add"] == 1
        assert latest["toolc.calls calc.add:calc.add ok"] == 1
        assert latest["toolc.cache.hits faults:count"] == 1
        assert latest["toolc.cache.misses faults:count"] == 1
        assert latest["toolc.calls faults:crash error"] == 1
        assert latest["toolc.call.duration faults:count"] == 2  # histogram count


async def test_stdio_spans_are_exported_at_exit_and_service_name_is_overridable() -> None:
    with Receiver() as receiver:
        env = otel_env(receiver, OTEL_SERVICE_NAME="notes-svc", OTEL_METRICS_EXPORTER="none")
        env["OTEL_BSP_SCHEDULE_DELAY"] = "60000"  # only the shutdown flush can deliver in time
        async with Client(stdio_params("test", FIXTURE, env=env), mode="legacy") as c:
            assert not (await c.call_tool("calc_add", {"a": 1, "b": 1})).is_error
        span = receiver.wait_for(lambda r: spans_named(r, "calc.add", 1), seconds=10)[0]
        assert span["resource"]["service.name"] == "notes-svc"
        assert "/v1/metrics" not in receiver.paths


def test_the_principal_reaches_the_span_when_the_call_path_has_one(tmp_path: Path) -> None:
    from toolc.runtime.telemetry.otel import OtelSink
    from toolc.runtime.trace import Tracer

    with Receiver() as receiver:
        tracer = Tracer(tmp_path / "spans.jsonl")
        build = load_build("test", FIXTURE)
        env = otel_env(receiver)
        tracer.add_sink(OtelSink(build, env, traces=True, metrics=False))
        start = time.perf_counter()
        tracer.record(start, "notes", "get", None, "hit", "closed", "ok", principal="alice")
        tracer.record(start, "notes", "list", None, "miss", "closed", "ok")
        tracer.close()  # flushes the file and the exporter
        got = receiver.wait_for(lambda r: spans_named(r, "notes", 2), seconds=10)
        by_op = {s["attributes"]["toolc.operation"]: s["attributes"] for s in got}
        assert by_op["get"]["toolc.principal"] == "alice"
        assert "toolc.principal" not in by_op["list"]
        assert len((tmp_path / "spans.jsonl").read_text().splitlines()) == 2  # JSONL still on


async def test_a_collector_that_is_down_costs_no_call_and_no_hang() -> None:
    """OTLP to a port nobody listens on: calls answer, and the server exits within the bounded
    sink shutdown instead of the exporter's retry loop."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # closed when the block ends
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": dead, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    start = time.monotonic()
    async with Client(stdio_params("test", FIXTURE, env=env), mode="legacy") as c:
        for i in range(3):
            r = await c.call_tool("calc_add", {"a": i, "b": 1})
            assert r.structured_content == {"sum": i + 1}
        await anyio.sleep(1.5)  # the exporter is retrying by now
    assert time.monotonic() - start < 20
