"""docs/benchmarks.md's Streamable HTTP and tracing sections, and their targets (issue 16)."""

from __future__ import annotations

from typing import Any

from http_bench import BASE_HTTP
from measure import BASE


def targets(s: dict[str, Any], with_fastmcp: bool, big: str) -> list[tuple[str, float, float, str]]:
    """Issue 16's targets as (what, value, limit, le|ge|lt) rows for report.summary."""
    at16 = s["http"]["16"]
    toolc = at16["toolc"]["calls_s"]
    out = [
        (
            "HTTP calls/s at concurrency 16 ≥ 2× low-level",
            toolc / at16[BASE_HTTP]["calls_s"],
            2.0,
            "ge",
        )
    ]
    if with_fastmcp:
        out.append(
            (
                "HTTP calls/s at concurrency 16 ≥ 3× FastMCP",
                toolc / at16["fastmcp"]["calls_s"],
                3.0,
                "ge",
            )
        )
    tr = s["tracing_us"]
    on, off = tr["toolc trace on"], tr["toolc trace off"]
    out += [
        ("stdio p99 tracing on ≤ 1.1× tracing off", on["p99"] / off["p99"], 1.1, "le"),
        ("stdio p50 (tracing on) ≤ 0.6× low-level", on["p50"] / tr[BASE]["p50"], 0.6, "le"),
    ]
    gen = s["generate_s"][big]
    out += [
        (f"no-op generate ({big} ops) ≤ 0.15× fresh", gen["noop"] / gen["fresh"], 0.15, "le"),
        (f"no-op generate ({big} ops) < 0.3 s", gen["noop"], 0.3, "lt"),
    ]
    return out


def markdown(s: dict[str, Any]) -> list[str]:
    """The HTTP and tracing sections of docs/benchmarks.md."""
    http = s["http"]
    servers = list(next(iter(http.values())))
    lines = [
        "",
        "## Streamable HTTP",
        "",
        "Same tools and handlers over Streamable HTTP on 127.0.0.1, protocol 2025-11-25: **toolc**",
        "(`toolc serve --transport http`, stateful; JSON or SSE decided per request) and **toolc",
        "stateless** (`--stateless`); **lowlevel**, bench/peer_lowlevel.py with the SDK's",
        "`streamable_http_app()` at its defaults (stateful, every POST answered as an SSE stream);",
        "**fastmcp**, FastMCP's HTTP transport at its defaults. The load is a minimal keep-alive",
        "HTTP/1.1 client (bench/http_bench.py): `c` connections on one session, each calling in",
        "sequence. Server CPU is utime + stime of the server process per call. Medians over",
        f"rounds, ratio to **{BASE_HTTP}** in parentheses.",
        "",
        "| concurrency | figure | " + " | ".join(servers) + " |",
        "| ---: | --- |" + " ---: |" * len(servers),
    ]
    figures = (
        ("calls_s", "calls/s", ".0f"),
        ("p50_ms", "p50 (ms)", ".2f"),
        ("p99_ms", "p99 (ms)", ".2f"),
        ("cpu_ms_per_call", "server CPU per call (ms)", ".3f"),
    )
    for c, by in http.items():
        for key, label, fmt in figures:
            base = by[BASE_HTTP][key]
            cells = []
            for srv in servers:
                v = by[srv][key]
                cells.append(
                    format(v, fmt) + (f" ({v / base:.2f}×)" if srv != BASE_HTTP and base else "")
                )
            lines.append(f"| {c} | {label} | " + " | ".join(cells) + " |")
        errors = int(sum(by[srv]["errors"] for srv in servers))
        if errors:
            lines.append(
                f"| {c} | failed calls (all servers) | {errors} |" + " |" * (len(servers) - 1)
            )
    tr = s["tracing_us"]
    lines += [
        "",
        "## Tracing",
        "",
        "toolc over stdio with spans written to a file (`--trace FILE`, a background thread",
        "writes them) and without (`--no-trace`), and the low-level peer; raw 2025-11-25 calls in",
        "sequence on one connection, interleaved rounds, µs.",
        "",
        "| server | p50 (µs) | p99 (µs) |",
        "| --- | ---: | ---: |",
        *(f"| {srv} | {v['p50']:.0f} | {v['p99']:.0f} |" for srv, v in tr.items()),
    ]
    return lines
