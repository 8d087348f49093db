"""`make bench` works: the harness in its quickest mode, toolc against the low-level peer only.

No fastmcp, no network, no docs written. Asserts that every figure is present and that no call
failed; it never asserts a timing (those are the benchmark's business, not the test suite's).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_without_fastmcp(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    args = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--no-fastmcp"]
    proc = subprocess.run(
        [*args, "--no-docs", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    s = json.loads(out.read_text())
    servers = ["toolc", "lowlevel"]
    assert s["servers"] == servers
    for key in ("cold_start_ms", "peak_rss_mib", "concurrent"):
        assert sorted(s[key]) == sorted(servers), key
    assert set(s["latency_us"]) == {"mcp.Client", "raw 2025-11-25", "raw 2026-07-28"}
    for by in s["latency_us"].values():
        assert sorted(by) == sorted(servers)
        for per in by.values():
            assert set(per) == {"p50", "p95", "p99"} and all(v > 0 for v in per.values())
    for srv in servers:
        assert s["concurrent"][srv]["errors"] == 0
        assert s["concurrent"][srv]["n"] > 0 and s["concurrent"][srv]["wall_s"] > 0
        assert s["peak_rss_mib"][srv] > 0
    # the low-level peer lists toolc's own tools_list.json: identical tools, byte for byte
    assert s["list_bytes"]["toolc"]["tools"] == s["list_bytes"]["lowlevel"]["tools"] > 0
    assert set(s["inprocess_us"]) == {"handler", "lowlevel", "toolc"}
    assert set(s["generate_s"]) == set(s["startup_ms"]) and "example" in s["generate_s"]
    for per in s["generate_s"].values():
        assert per["fresh"] > 0 and per["noop"] > 0
    # bytes part: listings toolc did not write (bench/listing.py)
    bench = s["listing"]["bench"]
    assert {"toolc", "handwritten"} <= set(bench)  # and fastmcp where it is installed
    assert all(row["bytes"] >= row["bytes_inputs"] > row["tokens"] > 0 for row in bench.values())
    assert bench["handwritten"]["bytes"] > 20_000  # the 51-tool catalog, not the example's 13
    example = {p.stem for p in (ROOT / "clients").glob("*.yaml")}
    assert set(s["listing"]["example"]) == example
    targets = {t["target"] for t in s["targets"]}
    assert "tools/list bytes ≤ 1.05× hand-written (bench catalog)" in targets
    assert any(t.startswith("cold start") for t in targets)
    assert not any("FastMCP" in t for t in targets)
    assert all(isinstance(t["met"], bool) for t in s["targets"])
    # Streamable HTTP side by side at every concurrency, and stdio with tracing on and off
    assert sorted(s["http"]) == ["1", "16", "256", "64"]
    workers = "toolc 2 workers"  # measured where `serve` has --workers, else marked n/a
    assert s["http_unavailable"] in ({}, {workers: "n/a (no --workers)"})
    http_servers = ["lowlevel", "toolc", "toolc stateless"]
    if not s["http_unavailable"]:
        http_servers.append(workers)
    for by in s["http"].values():
        assert sorted(by) == sorted(http_servers)
        for fig in by.values():
            assert fig["errors"] == 0 and fig["calls"] > 0
            assert fig["calls_s"] > 0 and 0 < fig["p50_ms"] <= fig["p99_ms"]
            assert fig["cpu_ms_per_call"] >= 0
    assert sorted(s["tracing_us"]) == ["lowlevel", "toolc trace off", "toolc trace on"]
    assert any(t.startswith("HTTP calls/s at concurrency 16") for t in targets)
    assert any(t.startswith("stdio p99 tracing on") for t in targets)
