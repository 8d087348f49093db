"""`toolc report [FILE]`: p50/p95 per tool and operation, cache hit rate, breaker
openings and legacy-name usage, from a span JSONL file."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, TextIO

from .trace import DEFAULT_DIR


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarise(spans: list[dict[str, Any]]) -> dict[str, Any]:
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    outcomes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    cache = Counter(s["cache"] for s in spans if s.get("cache"))
    openings: Counter[tuple[str, str]] = Counter()
    legacy: Counter[str] = Counter()
    for s in spans:
        key = (s["tool"], s["operation"])
        durations[key].append(float(s["ms"]))
        outcomes[key][s["outcome"]] += 1
        if s.get("opened"):
            openings[key] += 1
        if s.get("legacy"):
            legacy[s["legacy"]] += 1
    lookups = sum(cache.values())
    hits = cache["hit"] + cache["shared"]
    return {
        "calls": len(spans),
        "operations": {
            f"{t}.{o}": {
                "calls": len(d),
                "p50_ms": percentile(d, 0.5),
                "p95_ms": percentile(d, 0.95),
                "outcomes": dict(outcomes[(t, o)]),
            }
            for (t, o), d in sorted(durations.items())
        },
        "cache_hit_rate": hits / lookups if lookups else None,
        "cache": dict(cache),
        "breaker_openings": {f"{t}.{o}": n for (t, o), n in sorted(openings.items())},
        "legacy": dict(sorted(legacy.items())),
    }


def render(summary: dict[str, Any], out: TextIO) -> None:
    out.write(f"{summary['calls']} calls\n\n")
    out.write(f"{'tool.operation':<40} {'calls':>7} {'p50 ms':>9} {'p95 ms':>9}  outcomes\n")
    for name, row in summary["operations"].items():
        outs = ", ".join(f"{k}={v}" for k, v in sorted(row["outcomes"].items()))
        out.write(
            f"{name:<40} {row['calls']:>7} {row['p50_ms']:>9.2f} {row['p95_ms']:>9.2f}  {outs}\n"
        )
    rate = summary["cache_hit_rate"]
    out.write("\ncache hit rate: " + ("n/a" if rate is None else f"{rate:.1%}"))
    out.write(f" {summary['cache']}\n" if summary["cache"] else "\n")
    openings = summary["breaker_openings"]
    out.write(f"breaker openings: {sum(openings.values())}")
    out.write("".join(f"\n  {k}: {v}" for k, v in openings.items()) + "\n")
    legacy = summary["legacy"]
    out.write(f"legacy-name calls: {sum(legacy.values())}")
    out.write("".join(f"\n  {k}: {v}" for k, v in legacy.items()) + "\n")


def _default_file() -> Path | None:
    files = sorted(Path(DEFAULT_DIR).glob("trace-*.jsonl"), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None


def main(file: str | None) -> int:
    path = Path(file) if file else _default_file()
    if path is None or not path.is_file():
        print(
            f"error: no span file {'at ' + str(path) if path else 'under ' + DEFAULT_DIR}"
            " — serve with --trace FILE first",
            file=sys.stderr,
        )
        return 1
    spans = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            spans.append(json.loads(line))
        except ValueError:
            print(f"{path}:{n}: skipped a line that is not JSON", file=sys.stderr)
    render(summarise(spans), sys.stdout)
    return 0
