"""/healthz, /readyz and /metrics on a real `toolc serve --transport http` (127.0.0.1, subprocess),
with real `mcp` client calls moving the counters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.telemetry.support import Served, serve_http

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def sample(text: str, name: str, **labels: str) -> float:
    """The value of `name` with `labels` (a subset) in a Prometheus exposition; 0 when absent."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


@pytest.fixture(scope="module", params=["stateful", "stateless"])
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    extra = ("--stateless",) if request.param == "stateless" else ()
    with serve_http(*extra) as s:
        yield s


async def test_health_and_ready_answer_any_host_without_mcp_headers(served: Served) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        for path, body in (("/healthz", "ok\n"), ("/readyz", "ready\n")):
            r = await http.get(served.base + path)
            assert (r.status_code, r.text) == (200, body)
            assert r.headers["cache-control"] == "no-store"
            # a load balancer probes with the backend's address as Host: not on the allowlist
            r = await http.get(served.base + path, headers={"Host": "10.0.0.7:8000"})
            assert r.status_code == 200
            r = await http.head(served.base + path)
            assert r.status_code == 200 and r.content == b""
            r = await http.post(served.base + path, content=b"{}")
            assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
        # ... while /mcp keeps refusing a Host it does not know (DNS rebinding)
        r = await http.post(served.url, json={}, headers={"Host": "10.0.0.7:8000"})
        assert r.status_code == 421


async def test_metrics_count_calls_legacy_names_cache_hits_and_errors(served: Served) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        before = (await http.get(served.base + "/metrics")).text
        key = f"k{os.getpid()}-{id(served)}"
        async with Client(served.url, mode="legacy") as c:
            assert not (await c.call_tool("add_numbers", {"a": 1, "b": 2})).is_error  # legacy
            for _ in range(3):  # one miss, then cache hits
                assert not (
                    await c.call_tool("faults", {"operation": "count", "key": key})
                ).is_error
            crash = await c.call_tool("faults", {"operation": "crash"})
            assert crash.is_error
        r = await http.get(served.base + "/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        after = r.text

    def delta(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    legacy = {"legacy": "add_numbers", "tool": "calc.add", "operation": "calc.add"}
    assert delta("toolc_legacy_calls_total", client="test", **legacy) == 1
    assert delta("toolc_calls_total", tool="calc.add", outcome="ok") == 1
    count = {"tool": "faults", "operation": "count"}
    assert delta("toolc_cache_hits_total", **count) == 2
    assert delta("toolc_cache_misses_total", **count) == 1
    assert delta("toolc_calls_total", tool="faults", operation="crash", outcome="error") == 1
    assert "toolc_calls_created" not in after  # no _created series: half the lines
    assert delta("toolc_call_duration_seconds_count", tool="faults", operation="count") == 3
    assert delta("toolc_call_duration_seconds_bucket", le="+Inf", **count) == 3
    assert delta("toolc_call_duration_seconds_sum", **count) > 0


async def test_metrics_refuse_an_unknown_host_on_a_loopback_bind(served: Served) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        r = await http.get(served.base + "/metrics", headers={"Host": "attacker.example"})
        assert r.status_code == 421
        r = await http.get(served.base + "/metrics", headers={"Origin": "http://attacker.example"})
        assert r.status_code == 421


async def test_a_metrics_token_is_required_when_set() -> None:
    with serve_http(env={"TOOLC_METRICS_TOKEN": "s3cret-scrape"}) as served:
        async with httpx2.AsyncClient(timeout=10) as http:
            r = await http.get(served.base + "/metrics")
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
            wrong = {"Authorization": "Bearer s3cret-scrapf"}
            assert (await http.get(served.base + "/metrics", headers=wrong)).status_code == 401
            right = {"Authorization": "Bearer s3cret-scrape"}
            r = await http.get(served.base + "/metrics", headers=right)
            assert r.status_code == 200 and "toolc_calls_total" in r.text
            assert (await http.get(served.base + "/healthz")).status_code == 200  # stays open


async def test_metrics_port_serves_metrics_apart_from_mcp() -> None:
    with serve_http("--metrics-port", "0") as served:
        async with httpx2.AsyncClient(timeout=10) as http:
            import re

            found = None
            for _ in range(100):  # printed just before uvicorn starts
                found = re.search(r"metrics on (http://127\.0\.0\.1:\d+/metrics)", served.stderr())
                if found:
                    break
                await __import__("anyio").sleep(0.05)
            assert found, served.stderr()
            async with Client(served.url, mode="legacy") as c:
                await c.call_tool("calc_add", {"a": 1, "b": 1})
            r = await http.get(found.group(1))
            assert r.status_code == 200
            assert sample(r.text, "toolc_calls_total", tool="calc.add", outcome="ok") == 1
            wrong_host = await http.get(found.group(1), headers={"Host": "attacker.example"})
            assert wrong_host.status_code == 421
            # not on the MCP port any more
            assert (await http.get(served.base + "/metrics")).status_code == 404


async def test_no_metrics_turns_the_route_off() -> None:
    with serve_http("--no-metrics") as served:
        async with httpx2.AsyncClient(timeout=10) as http:
            assert (await http.get(served.base + "/metrics")).status_code == 404
            assert (await http.get(served.base + "/healthz")).status_code == 200


async def test_multiprocess_mode_reads_the_shared_folder(tmp_path: Path) -> None:
    """PROMETHEUS_MULTIPROC_DIR (what `--workers N` sets up): counts go to files there, and
    /metrics reports the folder's sum."""
    folder = tmp_path / "prom"
    with serve_http(env={"PROMETHEUS_MULTIPROC_DIR": str(folder)}) as served:
        async with Client(served.url, mode="legacy") as c:
            for _ in range(2):
                await c.call_tool("calc_add", {"a": 1, "b": 1})
        async with httpx2.AsyncClient(timeout=10) as http:
            text = (await http.get(served.base + "/metrics")).text
        assert sample(text, "toolc_calls_total", tool="calc.add", outcome="ok") == 2
        assert any(p.name.endswith(".db") for p in folder.iterdir())


def _has_workers() -> bool:
    import subprocess
    import sys

    from tests.e2e.runtime_support import ROOT, server_env

    out = subprocess.run(
        [sys.executable, "-m", "toolc", "serve", "--help"],
        cwd=ROOT,
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return "--workers" in out.stdout


async def test_two_workers_report_one_sum(tmp_path: Path) -> None:
    """`--workers 2` (issue 17's state branch): every worker's /metrics reports the calls of
    both, through the multiprocess folder toolc prepares (here: one the test names)."""
    if not _has_workers():
        pytest.skip("this toolc has no serve --workers")
    folder = tmp_path / "prom"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with serve_http("--stateless", "--workers", "2", env=env) as served:
        async with httpx2.AsyncClient(timeout=10) as http:
            for _ in range(100):  # the workers start after the parent prints the URL
                try:
                    if (await http.get(served.base + "/readyz")).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                await anyio.sleep(0.1)
        for i in range(8):  # a new connection each: the kernel spreads them over the workers
            async with Client(served.url, mode="legacy") as c:
                assert not (await c.call_tool("calc_add", {"a": 1, "b": i})).is_error
        await anyio.sleep(1.5)  # the other worker's span writer flushes every second
        for _ in range(4):
            async with httpx2.AsyncClient(timeout=10) as http:
                text = (await http.get(served.base + "/metrics")).text
            assert sample(text, "toolc_calls_total", tool="calc.add", outcome="ok") == 8
        assert any(p.name.endswith(".db") for p in folder.iterdir())


def test_a_metrics_port_in_use_is_a_clear_error() -> None:
    import socket
    import subprocess
    import sys

    from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = [sys.executable, "-m", "toolc", "serve", "--client", "test", "--transport", "http"]
        args += ["--port", "0", "--generated", str(FIXTURE), "--no-trace"]
        out = subprocess.run(
            [*args, "--metrics-port", str(port)],
            cwd=ROOT,
            env=server_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 1
    assert f"error: cannot listen: --metrics-port {port} on 127.0.0.1" in out.stderr
    assert "Traceback" not in out.stderr
