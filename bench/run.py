"""`make bench`: the toolc runtime against a hand-written low-level mcp server and FastMCP 4.1.6.

    python bench/run.py [--quick] [--no-fastmcp] [--json FILE] [--no-docs]

Every server serves the same tools (the example catalog as the claude-code profile lists them,
compiled by toolc from a copy whose handlers are bench/handlers_bench.py) and calls the same
trivial handlers. Server figures are measured interleaved (A B C A B C ...) in one run and
reported as medians over rounds and as ratios to the low-level peer; compiler figures time
`toolc generate` on the example catalog and on synthetic catalogs. Targets are
marked met / not met in the output; nothing here fails on a timing.

Without --no-fastmcp the script first makes .tools/bench-venv (requirements.lock, then
bench/requirements-bench.txt, then fastmcp 4.1.6 without its dependencies) and re-runs itself
there, so the harness and every server share one interpreter. It writes docs/benchmarks.md and
docs/bench-latency.png unless --no-docs. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH)]

import measure  # noqa: E402
import report  # noqa: E402
from measure import CLIENT, LATENCY_MODES, Errlog, Results, log  # noqa: E402

VENV = ROOT / ".tools" / "bench-venv"
FASTMCP = ("fastmcp-slim==4.1.6", "fastmcp==4.1.6")


@dataclass
class Plan:
    cold_rounds: int
    rounds: int  # latency and in-process rounds
    calls: int
    warmup: int
    modes: tuple[str, ...]
    concurrent_n: int
    concurrent_rounds: int
    inproc_n: int
    synth: list[int]
    gen_rounds: int
    startup_rounds: int
    http_rounds: int = 3  # bench/http_bench.py


FULL = Plan(9, 9, 300, 100, LATENCY_MODES, 1000, 3, 5000, [300, 1000, 2000], 2, 9)
QUICK = Plan(2, 2, 20, 5, LATENCY_MODES, 100, 1, 200, [20, 40], 1, 2, http_rounds=1)


def ensure_bench_env() -> Path:
    """The bench venv's python, (re)installed when a requirement file changed."""
    reqs = [ROOT / "requirements.lock", BENCH / "requirements-bench.txt"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in reqs) + repr(FASTMCP).encode())
    stamp = VENV / ".installed"
    python = VENV / "bin" / "python"
    if stamp.is_file() and stamp.read_text() == digest.hexdigest() and python.exists():
        return python
    log(f"installing the bench environment into {VENV.relative_to(ROOT)} (once)")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(reqs[0]), "-r", str(reqs[1])], check=True)
    # fastmcp's server extra wants certifi>=2026.10.19, which the registry does not have; its
    # other dependencies are pinned in requirements-bench.txt
    subprocess.run([*pip, "--no-deps", *FASTMCP], check=True)
    stamp.write_text(digest.hexdigest())
    return python


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"Python": platform.python_version()}
    for name in ("mcp", "pydantic", "jsonschema", "fastmcp"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def machine() -> dict[str, str]:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
    }


def medians(data: dict[str, list[float]], scale: float, unit: str) -> str:
    return ", ".join(f"{k} {measure.median(v) * scale:.1f} {unit}" for k, v in data.items())


async def run(plan: Plan, with_fastmcp: bool, tmp: Path) -> Results:
    import project

    res = Results()
    proj = project.write_project(tmp / "bench", CLIENT)
    log("compiling the bench project with toolc")
    measure.run_generate(proj)
    measure.precompile(proj)
    ps = measure.peers(proj, with_fastmcp)
    log(f"servers: {', '.join(p.name for p in ps)}")

    for p in ps:  # one unmeasured start each: page cache, first-run effects
        await measure.cold_start(p)
    for r in range(plan.cold_rounds):
        for p in measure.rotate(ps, r):
            res.cold_start.setdefault(p.name, []).append(await measure.cold_start(p))
    log("cold start: " + medians(res.cold_start, 1000, "ms"))

    for p in ps:
        res.list_bytes[p.name] = await measure.list_bytes(p)
    log("tools/list bytes: " + ", ".join(f"{k} {v['tools']}" for k, v in res.list_bytes.items()))
    import listing

    res.listing = listing.figures(tmp)
    log(
        "tools/list bytes, bench catalog: "
        + ", ".join(f"{k} {v['bytes']}" for k, v in res.listing["bench"].items())
    )

    await measure.latency(ps, plan.rounds, plan.calls, plan.warmup, res, plan.modes)
    for mode, by in res.latency.items():
        log(f"p50 {mode}: " + medians({s: per["p50"] for s, per in by.items()}, 1, "µs"))

    for r in range(plan.concurrent_rounds):
        for p in measure.rotate(ps, r):
            wall, errors, rss = await measure.concurrent(p, plan.concurrent_n, 10)
            per = res.concurrent.setdefault(p.name, {})
            per.setdefault("wall", []).append(wall)
            per.setdefault("errors", []).append(errors)
            if rss is not None:
                res.rss.setdefault(p.name, []).append(rss)
        log(f"concurrent round {r + 1}/{plan.concurrent_rounds} done")

    await measure.inprocess(proj, plan.rounds, plan.inproc_n, res)
    log("in-process: " + medians(res.inprocess, 1, "µs"))

    import http_bench  # Streamable HTTP side by side, stdio tracing on vs off

    quick = plan is QUICK
    res.speed["http"] = await http_bench.http_comparison(
        proj, with_fastmcp, plan.http_rounds, quick
    )
    res.speed["tracing"] = await http_bench.tracing(proj, plan.rounds, plan.calls, plan.warmup, tmp)
    import proxy_bench  # the upstream proxy path: through toolc vs the upstream directly

    res.speed["proxy"] = await proxy_bench.proxy(tmp, plan.calls, plan.warmup)

    startup_peers = measure.compiler(tmp, plan.synth, plan.gen_rounds, res)
    for p in startup_peers.values():
        await measure.cold_start(p)
    for r in range(plan.startup_rounds):
        for p in measure.rotate(list(startup_peers.values()), r):
            res.startup.setdefault(p.name, []).append(await measure.cold_start(p))
    log("runtime start-up: " + medians(res.startup, 1000, "ms"))
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few rounds and calls")
    parser.add_argument("--no-fastmcp", action="store_true", help="toolc and the low-level peer")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/")
    parser.add_argument("--in-bench-env", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with_fastmcp = not args.no_fastmcp
    if with_fastmcp and not args.in_bench_env:
        python = ensure_bench_env()
        argv = [str(python), str(Path(__file__).resolve()), *sys.argv[1:], "--in-bench-env"]
        return subprocess.run(argv, check=False).returncode
    os.chdir(ROOT)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="toolc-bench-") as name:
        tmp = Path(name)
        with open(tmp / "servers.log", "w") as Errlog.file:
            try:
                res = asyncio.run(run(plan, with_fastmcp, tmp))
            except BaseException:
                Errlog.file.flush()
                sys.stderr.write((tmp / "servers.log").read_text()[-4000:])
                raise
    s = report.summary(res, plan, with_fastmcp)
    shown = [a for a in sys.argv[1:] if a != "--in-bench-env"]
    s["meta"] = {
        "machine": machine(),
        "versions": versions(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "elapsed_s": time.perf_counter() - started,
        "command": "make bench  (.venv/bin/python bench/run.py)"
        if not shown
        else f"python bench/run.py {shlex.join(shown)}",
    }
    if args.json:
        args.json.write_text(json.dumps(s, indent=2, ensure_ascii=False) + "\n")
    if not args.no_docs:
        (ROOT / "docs" / "benchmarks.md").write_text(
            report.markdown(s, s["meta"], plan), encoding="utf-8"
        )
        report.plot(s, ROOT / "docs" / "bench-latency.png")
        log("wrote docs/benchmarks.md and docs/bench-latency.png")
    for t in s["targets"]:
        log(f"{'met    ' if t['met'] else 'NOT MET'} {t['target']}: {t['value']:.3g}")
    log(f"total {s['meta']['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
