"""The benchmark's summary (medians, ratios, targets), docs/benchmarks.md and the latency plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import listing
from measure import BASE, CALL_ARGS, CALL_TOOL, LATENCY_MODES, Results, log, median


def summary(res: Results, plan: Any, with_fastmcp: bool) -> dict[str, Any]:
    """Medians, ratios and targets as plain data (also what --json writes)."""
    lat = {
        mode: {s: {q: median(v) for q, v in per.items()} for s, per in by.items()}
        for mode, by in res.latency.items()
    }
    out: dict[str, Any] = {
        "servers": list(res.cold_start),
        "cold_start_ms": {s: median(v) * 1000 for s, v in res.cold_start.items()},
        "list_bytes": res.list_bytes,
        "listing": res.listing,
        "latency_us": lat,
        "concurrent": {
            s: {
                "wall_s": median(v["wall"]),
                "errors": int(sum(v["errors"])),
                "n": plan.concurrent_n,
            }
            for s, v in res.concurrent.items()
        },
        "peak_rss_mib": {s: max(v) for s, v in res.rss.items()},
        "inprocess_us": {s: median(v) for s, v in res.inprocess.items()},
        "generate_s": {
            c: {k: median(v) for k, v in per.items()} for c, per in res.generate.items()
        },
        "startup_ms": {s: median(v) * 1000 for s, v in res.startup.items()},
    }
    cold = out["cold_start_ms"]
    big = f"synth {plan.synth[-1]}"
    targets: list[tuple[str, float, float, str]] = [
        ("cold start ≤ 1.05× low-level", cold["toolc"] / cold[BASE], 1.05, "le")
    ]
    for mode in plan.modes:
        p50 = {s: per["p50"] for s, per in lat[mode].items()}
        targets.append((f"p50 ≤ 1.05× low-level ({mode})", p50["toolc"] / p50[BASE], 1.05, "le"))
        if with_fastmcp:
            speed = p50["fastmcp"] / p50["toolc"]
            targets.append((f"p50 ≥ 1.4× faster than FastMCP ({mode})", speed, 1.4, "ge"))
    targets += [
        (
            f"{plan.concurrent_n:,} concurrent calls, 0 errors",
            out["concurrent"]["toolc"]["errors"],
            0,
            "le",
        ),
        *listing.targets(res.listing),
        (
            f"start-up with {plan.synth[-1]} ops ≤ 1.1× example",
            out["startup_ms"][big] / out["startup_ms"]["example"],
            1.1,
            "le",
        ),
        ("no-op generate (example) < 1 s", out["generate_s"]["example"]["noop"], 1.0, "lt"),
    ]
    import http_bench
    import http_report

    out |= http_bench.summarise(res.speed["http"], res.speed["tracing"])
    if res.speed.get("proxy"):
        out["proxy"] = res.speed["proxy"]
    targets += http_report.targets(out, with_fastmcp, big)
    checks = {"le": float.__le__, "ge": float.__ge__, "lt": float.__lt__}
    out["targets"] = [
        {"target": t, "value": float(v), "limit": float(lim), "met": checks[op](float(v), lim)}
        for t, v, lim, op in targets
    ]
    return out


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "-"


def markdown(s: dict[str, Any], meta: dict[str, Any], plan: Any) -> str:
    servers = s["servers"]

    def row(label: str, values: dict[str, float], fmt: str, base: bool = True) -> str:
        cells = []
        for srv in servers:
            v = values.get(srv)
            if v is None:
                cells.append("-")
                continue
            cell = format(v, fmt)
            if base and srv != BASE and values.get(BASE):
                cell += f" ({_ratio(v, values[BASE])})"
            cells.append(cell)
        return f"| {label} | " + " | ".join(cells) + " |"

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Three servers serve the same",
        "13 tools (the example catalog as the `claude-code` profile lists them) and call the same",
        "trivial async handlers (bench/handlers_bench.py: a minimal valid result per `returns`",
        "schema):",
        "",
        "- **toolc**: the runtime (`toolc serve`) serving a build that toolc",
        "  compiled from a copy of the catalog whose handlers point at the bench handlers",
        "  (bench/project.py). Its stdio runs on the event loop's pipe transports",
        "  (runtime/stdio.py); both peers use the SDK's `stdio_server`, which reads and writes",
        "  through worker threads;",
        "- **lowlevel**: bench/peer_lowlevel.py, the low-level `mcp` Server by hand, listing the",
        "  same tools_list.json, validating with jsonschema validators compiled at start-up, and,",
        "  like the runtime, without the SDK's default OpenTelemetry middleware;",
        "- **fastmcp**: bench/peer_fastmcp.py, FastMCP 4.1.6 used idiomatically: one typed",
        "  `async def` per tool (`Annotated[..., Field(...)]`, `Literal`) registered with",
        "  `mcp.tool`.",
        "",
        "Server figures are measured interleaved (A B C A B C ...) in one run. Each is the median",
        "over rounds, with the ratio to **lowlevel** in parentheses. Every call is",
        f"`{CALL_TOOL}` with `{json.dumps(CALL_ARGS)}` (a write: toolc caches nothing for it).",
        "The machine is shared and noisy; compare ratios within one run, not absolute times.",
        "",
        "## Targets",
        "",
        "| target | value | status |",
        "| --- | ---: | :---: |",
    ]
    for t in s["targets"]:
        status = "met" if t["met"] else "**not met**"
        lines.append(f"| {t['target']} | {t['value']:.3g} | {status} |")
    n = plan.concurrent_n
    conc = s["concurrent"]
    lb = s["list_bytes"]
    lines += [
        "",
        "## Servers",
        "",
        "| figure | " + " | ".join(servers) + " |",
        "| --- |" + " ---: |" * len(servers),
        row("cold start to first tools/list (ms)", s["cold_start_ms"], ".0f"),
        row("tools/list: tools, compact JSON (bytes)", {k: v["tools"] for k, v in lb.items()}, "d"),
    ]
    for key in next(iter(lb.values())):
        if key.startswith("response"):
            era = key.split()[1]
            values = {k: v[key] for k, v in lb.items()}
            lines.append(row(f"tools/list: response line, {era} (bytes)", values, "d"))
    for mode in s["latency_us"]:
        for q in ("p50", "p95", "p99"):
            values = {srv: per[q] for srv, per in s["latency_us"][mode].items()}
            lines.append(row(f"call latency {q}, {mode} (µs)", values, ".0f"))
    lines += [
        row(
            f"{n:,} concurrent calls, 10 ms handler: wall (s)",
            {k: v["wall_s"] for k, v in conc.items()},
            ".2f",
        ),
        row(
            f"{n:,} concurrent calls: errors, all rounds",
            {k: v["errors"] for k, v in conc.items()},
            "d",
            base=False,
        ),
        row("peak RSS of the server, VmHWM (MiB)", s["peak_rss_mib"], ".1f"),
        "",
        "- tools/list bytes: the low-level peer serves toolc's own tools_list.json, so that row",
        "  only checks the wire; the comparison with listings toolc did not write is in",
        "  [tools/list size](#toolslist-size).",
        "- Cold start: `mcp.Client` in its default mode (it lands on protocol 2026-07-28:",
        "  `server/discover`, then `tools/list`), from spawning the server to the tools/list",
        "  response; .pyc files precompiled, as after `pip install`.",
        "- Call latency, `mcp.Client`: the SDK client in its default mode (2026-07-28 era), calls",
        "  in sequence on one connection; the client's own cost (~1 ms) is included and is the",
        "  same for every server, so it compresses the ratios. `raw <era>`: a minimal JSON-RPC",
        "  line client (a few µs per call), so the figures are mostly server time; 2025-11-25 is",
        "  the `initialize` handshake era, 2026-07-28 the per-request `_meta` era.",
        f"- Concurrent: {n:,} `tools/call` requests written at once on one raw connection",
        "  (2025-11-25), handlers sleeping 10 ms (BENCH_DELAY_MS=10); wall time until the last",
        "  response. toolc keeps at most `max_concurrency` calls in flight (32 in this catalog,",
        f"  so ≥ {n / 32 * 0.01:.2f} s by design) and queues the rest; the peers run all at once.",
        "- Peak RSS: VmHWM of the server process after the concurrent burst (max over rounds).",
        "",
        *listing.markdown(s["listing"]),
        "## In-process cost of one call",
        "",
        "The same call made inside one process, without any transport: µs per call, median over",
        "rounds.",
        "",
        "| path | µs per call | over the bare handler |",
        "| --- | ---: | ---: |",
    ]
    ip = s["inprocess_us"]
    bare = ip["handler"]
    lines += [
        f"| handler awaited directly | {bare:.1f} | - |",
        f"| low-level peer's call path (jsonschema, route, result model) | {ip[BASE]:.1f} |"
        f" +{ip[BASE] - bare:.1f} |",
        f"| toolc `runtime.call.Engine.call` (resolve, validate, breaker, limits, timeout,"
        f" result) | {ip['toolc']:.1f} | +{ip['toolc'] - bare:.1f} |",
        "",
        "## Compiler",
        "",
        "`toolc generate --root DIR` as a subprocess, interpreter start included;",
        "fresh = no `generated/` yet, no-op = a rerun with nothing changed. Start-up: the runtime",
        "serving that build, spawn to first tools/list as above (the example serves",
        "`claude-code`, a synthetic catalog its `full` client, every tool).",
        "",
        "| catalog | fresh generate (s) | no-op generate (s) | runtime start-up (ms) |",
        "| --- | ---: | ---: | ---: |",
    ]
    start = s["startup_ms"]
    for cat, per in s["generate_s"].items():
        rel = f" ({_ratio(start[cat], start['example'])})" if cat != "example" else ""
        lines.append(f"| {cat} | {per['fresh']:.2f} | {per['noop']:.2f} | {start[cat]:.0f}{rel} |")
    import http_report
    import proxy_bench

    m = meta["machine"]
    lines += [
        "",
        "The example is the repository's tools.yaml, clients/ (4 clients) and handlers/; a",
        "synthetic catalog (bench/synth_catalog.py) has 10 operations per master tool and 2",
        "clients.",
        *http_report.markdown(s),
        *proxy_bench.markdown(s),
        "",
        "## Machine and run",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram']}; {m['os']}",
        "- " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- date: {meta['date']}; total bench time {meta['elapsed_s']:.0f} s",
        f"- command: `{meta['command']}`",
        f"- rounds: cold start {plan.cold_rounds}; latency {plan.rounds} × {plan.calls} calls per"
        f" server and mode, after {plan.warmup} warm-up calls; concurrent {plan.concurrent_rounds};"
        f" in-process {plan.rounds} × {plan.inproc_n}; generate {plan.gen_rounds};"
        f" start-up {plan.startup_rounds}",
        "",
        "![call latency percentiles per server](bench-latency.png)",
        "",
    ]
    return "\n".join(lines)


def plot(s: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed: no plot")
        return False
    modes = [m for m in LATENCY_MODES if m in s["latency_us"]]
    fig, axes = plt.subplots(1, len(modes), figsize=(5 * len(modes), 4), squeeze=False)
    qs = ("p50", "p95", "p99")
    for ax, mode in zip(axes[0], modes, strict=True):
        by = s["latency_us"][mode]
        width = 0.8 / len(by)
        for i, (srv, per) in enumerate(by.items()):
            xs = [j + i * width for j in range(len(qs))]
            bars = ax.bar(xs, [per[q] for q in qs], width, label=srv)
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
        ax.set_xticks([j + width * (len(by) - 1) / 2 for j in range(len(qs))], qs)
        ax.set_ylabel("µs per tools/call over stdio")
        ax.set_title(mode)
        ax.legend()
    fig.suptitle("toolc vs low-level mcp vs FastMCP: sequential call latency (median of rounds)")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return True
