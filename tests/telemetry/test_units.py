"""The pieces behind the endpoints: which environment turns OTLP on, endpoints, readiness with and
without a Redis check, and the tracer feeding sinks (also without a JSONL file, and past a
failing sink)."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from toolc.runtime.http_guard import Allowlists
from toolc.runtime.telemetry import otel_signals
from toolc.runtime.telemetry.metrics import BREAKER_OPENED, CACHE_HITS, CALLS, observations
from toolc.runtime.telemetry.otel import endpoint
from toolc.runtime.telemetry.probes import Probes, redis_state
from toolc.runtime.trace import Span, Tracer


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (False, False)),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, (True, True)),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, (True, False)),
        ({"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://c/m"}, (False, True)),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_SDK_DISABLED": "true"}, (False, False)),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_TRACES_EXPORTER": "none"},
            (False, True),
        ),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "  "}, (False, False)),
    ],
)
def test_otlp_is_on_by_the_standard_variables(env: dict[str, str], expected: Any) -> None:
    assert otel_signals(env) == expected


def test_endpoints_follow_the_specification() -> None:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"}
    assert endpoint(env, "traces") == "http://collector:4318/v1/traces"
    env["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = "http://other/custom"
    assert endpoint(env, "metrics") == "http://other/custom"  # used as given


def test_observations_per_span() -> None:
    span = Span(time.time(), 2.0, "notes", "get", "get_note", "shared", "open", "ok", True, "bob")
    seen = {(m.name, labels) for m, labels, _ in observations(span, "cursor")}
    assert (CALLS.name, ("cursor", "notes", "get", "ok")) in seen
    assert (CACHE_HITS.name, ("cursor", "notes", "get")) in seen  # joined a call in flight
    assert (BREAKER_OPENED.name, ("cursor", "notes", "get")) in seen
    assert all("bob" not in labels for _, labels in seen)  # the principal is never a label


class Collect:
    def __init__(self, fail: bool = False) -> None:
        self.spans: list[Span] = []
        self.fail = fail
        self.closed = False

    def export(self, spans: list[Span]) -> None:
        if self.fail:
            raise RuntimeError("sink down")
        self.spans.extend(spans)

    def close(self) -> None:
        self.closed = True


def test_sinks_get_spans_without_a_file_and_a_failing_sink_stops_nothing() -> None:
    tracer = Tracer(None)
    bad, good = Collect(fail=True), Collect()
    tracer.add_sink(bad)
    tracer.add_sink(good)
    assert tracer.flush_every <= 1.0  # metrics stay fresh
    t = time.perf_counter()
    tracer.record(t, "notes", "add", "note_add", None, "closed", "ok", principal="alice")
    tracer.record(t, "notes", "get", None, "hit", "closed", "ok")
    tracer.close()
    assert [(s.operation, s.legacy, s.principal) for s in good.spans] == [
        ("add", "note_add", "alice"),
        ("get", None, None),
    ]
    assert good.closed and bad.closed


def test_no_file_and_no_sink_records_nothing() -> None:
    tracer = Tracer(None)
    tracer.record(time.perf_counter(), "notes", "get", None, None, None, "ok")
    assert not tracer.spans and not tracer.pending and tracer._thread is None


def sync_true() -> bool:
    return True


def sync_false() -> bool:
    return False


async def async_none() -> None:
    return None


async def async_stuck() -> bool:
    await anyio.sleep(60)
    return True


def broken() -> bool:
    raise ConnectionError("refused")


@pytest.mark.anyio
async def test_redis_state_reads_the_optional_check() -> None:
    assert await redis_state(None) is None  # no runtime.state module: not configured
    assert await redis_state(sync_true) is True
    assert await redis_state(sync_false) is False
    assert await redis_state(async_none) is None
    assert await redis_state(broken) is False
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("toolc.runtime.telemetry.probes.REDIS_TIMEOUT", 0.2)
        assert await redis_state(async_stuck) is False  # no answer in time: not ready
    assert time.monotonic() - start < 5


@pytest.mark.anyio
async def test_readiness_follows_the_lifespan_and_redis() -> None:
    async def inner(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})

    probes = Probes(
        inner, loaded=lambda: True, tracer=Tracer(None), sink=None, allowlists=Allowlists.build(1)
    )
    assert (await probes.readiness())[0] == 503  # not started yet
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    states: list[int] = []

    async def receive() -> Any:
        return next(incoming)

    async def send(message: Any) -> None:
        states.append((await probes.readiness())[0])

    await probes({"type": "lifespan"}, receive, send)
    assert states == [200, 503]  # ready after start-up, not once shutdown began
    probes.stopping = False
    probes.redis = sync_false
    assert await probes.readiness() == (503, b"not ready: Redis is unreachable\n")
    probes.redis = sync_true
    assert await probes.readiness() == (200, b"ready (Redis reachable)\n")


def test_telemetry_off_imports_none_of_its_libraries() -> None:
    """stdio start-up without OTEL_* pays nothing: no OpenTelemetry SDK, exporter or
    prometheus-client import."""
    import subprocess
    import sys

    from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

    code = (
        "import sys; from toolc.runtime.server import create_app; "
        f"create_app('test', {str(FIXTURE)!r}, trace=None); "
        "print(sorted(m for m in sys.modules if m.startswith(('opentelemetry.sdk', "
        "'opentelemetry.exporter', 'prometheus_client'))))"
    )
    env = {k: v for k, v in server_env().items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_sink_stuck_in_close_holds_shutdown_at_most_close_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import toolc.runtime.trace as trace

    monkeypatch.setattr(trace, "CLOSE_WAIT", 0.3)
    release = threading.Event()

    class Stuck(Collect):
        def close(self) -> None:
            release.wait(30)

    tracer = Tracer(None)
    tracer.add_sink(Stuck())
    tracer.record(time.perf_counter(), "notes", "get", None, None, None, "ok")
    start = time.monotonic()
    tracer.close()
    assert time.monotonic() - start < 3
    release.set()
