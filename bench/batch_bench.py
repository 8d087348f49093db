"""`make bench`, batch calls: 100 sequential single calls vs one batch of 100, stdio and HTTP.

    python bench/batch_bench.py [--rounds N] [--items N] [--json FILE]

The example catalog's real server (`generated/`, client cursor) with its real SQLite handlers in
a temporary directory, driven by the real `mcp` client. Per transport and round: N single
`bmad_task add` calls one after another, then one batch of the same N adds; likewise N `get`s
of distinct tasks (cache misses; a batch runs them concurrently). Reported: median wall time of
each and the ratio single / batch. Nothing fails on a timing. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
CLIENT = "cursor"
TOOL = "bmad_task"


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["TOOLC_BMAD_DB"] = str(db)
    return env


def _serve_args(*extra: str) -> list[str]:
    generated = str(ROOT / "generated")
    return [
        "-m",
        "toolc",
        "serve",
        "--client",
        CLIENT,
        "--generated",
        generated,
        "--no-trace",
        *extra,
    ]


@asynccontextmanager
async def _stdio(db: Path) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=sys.executable, args=_serve_args(), env=_env(db), cwd=str(db.parent)
    )
    async with Client(params) as client:
        yield client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def _http(db: Path) -> AsyncIterator[Client]:
    port = _free_port()
    args = [sys.executable, *_serve_args("--transport", "http", "--port", str(port))]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(args, cwd=db.parent, env=_env(db), stderr=log)
        try:
            deadline = time.monotonic() + 20
            while True:
                if proc.poll() is not None:
                    raise RuntimeError("the HTTP server exited at start")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the HTTP server did not start") from None
                    await asyncio.sleep(0.05)
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                yield client
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _check(result: Any) -> None:
    if result.is_error:
        raise RuntimeError(f"a call failed: {result.content}")
    batch = result.structured_content or {}
    if batch.get("summary", {}).get("failed"):
        raise RuntimeError(f"batch items failed: {batch['summary']}")


async def _timed(run: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await run()
    return time.perf_counter() - start


async def _measure(client: Client, items: int, rounds: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {k: [] for k in ("add_single", "add_batch")}
    times |= {"get_single": [], "get_batch": []}
    created = 0
    for r in range(rounds):
        adds = [{"title": f"r{r} task {i}"} for i in range(items)]

        async def single_adds(adds: list[dict[str, str]] = adds) -> None:
            for args in adds:
                await _check(await client.call_tool(TOOL, {"operation": "add", **args}))

        async def batch_adds(adds: list[dict[str, str]] = adds) -> None:
            calls = [{"operation": "add", "arguments": a} for a in adds]
            await _check(await client.call_tool(TOOL, {"operation": "batch", "calls": calls}))

        times["add_single"].append(await _timed(single_adds))
        times["add_batch"].append(await _timed(batch_adds))
        # distinct tasks each time, so every get is a cache miss
        ids = [f"t{created + i + 1}" for i in range(2 * items)]
        created += 2 * items

        async def single_gets(ids: list[str] = ids[:items]) -> None:
            for task_id in ids:
                await _check(await client.call_tool(TOOL, {"operation": "get", "task_id": task_id}))

        async def batch_gets(ids: list[str] = ids[items:]) -> None:
            calls = [{"operation": "get", "arguments": {"task_id": t}} for t in ids]
            await _check(await client.call_tool(TOOL, {"operation": "batch", "calls": calls}))

        times["get_single"].append(await _timed(single_gets))
        times["get_batch"].append(await _timed(batch_gets))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "median_s": {k: round(v, 4) for k, v in med.items()},
        "ratio_add": round(med["add_single"] / med["add_batch"], 1),
        "ratio_get": round(med["get_single"] / med["get_batch"], 1),
    }


async def run(items: int, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {"items": items, "rounds": rounds}
    for name, transport in (("stdio", _stdio), ("http", _http)):
        with tempfile.TemporaryDirectory(prefix="toolc-batch-bench-") as tmp:
            print(f"batch bench: {name}, {rounds} rounds of {items} items", file=sys.stderr)
            async with transport(Path(tmp) / "bmad.sqlite3") as client:
                out[name] = await _measure(client, items, rounds)
    return out


def table(s: dict[str, Any]) -> str:
    n = s["items"]
    lines = [
        f"Batch calls: {n} sequential single calls vs one batch of {n} "
        f"(median of {s['rounds']} rounds, wall time)",
        "",
        "| transport | operation | single calls | one batch | ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for transport in ("stdio", "http"):
        m = s[transport]["median_s"]
        for op in ("add", "get"):
            single, batch = m[f"{op}_single"], m[f"{op}_batch"]
            ratio = s[transport][f"ratio_{op}"]
            lines.append(
                f"| {transport} | {op} | {single * 1000:.0f} ms | {batch * 1000:.0f} ms | "
                f"{ratio}x |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100, help="calls per phase (max 100)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    if not 1 <= args.items <= 100 or not 1 <= args.rounds <= 50:
        parser.error("--items must be 1..100 and --rounds 1..50")
    summary = asyncio.run(run(args.items, args.rounds))
    print(table(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
