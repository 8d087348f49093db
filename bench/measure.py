"""The benchmark's measurements: servers, clients and one function per figure.

Two kinds of client talk to the servers over stdio: the SDK's `mcp.Client` (what applications
use; its own per-call cost is included and equal for every server) and `Raw`, a minimal JSON-RPC
line client whose per-call cost is a few µs, so its figures are dominated by the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CLIENT = "claude-code"
BASE = "lowlevel"

# every latency and concurrency figure makes this call: a write, which toolc never caches
CALL_TOOL = "bmad_task"
CALL_ARGS = {"operation": "add", "title": "Benchmark task", "priority": "high", "tags": ["a", "b"]}
HANDLER = "bmad_task__add"
HANDLER_ARGS = {k: v for k, v in CALL_ARGS.items() if k != "operation"}

LEGACY_ERA = "2025-11-25"
MODERN_ERA = "2026-07-28"
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": MODERN_ERA,
    "io.modelcontextprotocol/clientInfo": {"name": "toolc-bench", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Errlog:
    """Where the servers' stderr goes (a file in the run's temp dir; FastMCP logs at INFO)."""

    file: Any = None


@dataclass
class Peer:
    name: str
    args: list[str]

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT)
        env.update(extra or {})
        return env

    def params(self, extra: dict[str, str] | None = None) -> Any:
        from mcp import StdioServerParameters

        return StdioServerParameters(
            command=sys.executable, args=self.args, env=self.env(extra), cwd=ROOT
        )


def toolc_peer(generated: Path, client: str, name: str = "toolc") -> Peer:
    args = ["-m", "toolc", "serve", "--client", client, "--generated", str(generated)]
    return Peer(name, [*args, "--no-trace"])


def peers(project: Path, with_fastmcp: bool) -> list[Peer]:
    out = [
        toolc_peer(project / "generated", CLIENT),
        Peer(BASE, [str(BENCH / "peer_lowlevel.py"), str(project)]),
    ]
    if with_fastmcp:
        out.append(Peer("fastmcp", [str(BENCH / "peer_fastmcp.py"), str(project)]))
    return out


def sdk_client(peer: Peer) -> Any:
    """An `mcp.Client` in its default mode ("auto", which lands on the 2026-07-28 era)."""
    from mcp import Client
    from mcp.client.stdio import stdio_client

    return Client(stdio_client(peer.params(), errlog=Errlog.file))


class Raw:
    """A minimal JSON-RPC client over a server's stdin/stdout, in one protocol era."""

    def __init__(self, peer: Peer, era: str, env: dict[str, str] | None = None) -> None:
        self.peer, self.era, self.extra = peer, era, env
        self.proc: asyncio.subprocess.Process | None = None
        self.next_id = 0
        self.last_line = b""

    async def __aenter__(self) -> Raw:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.peer.args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=Errlog.file,
            env=self.peer.env(self.extra),
            cwd=ROOT,
            limit=1 << 24,
        )
        if self.era == LEGACY_ERA:
            info = {"name": "toolc-bench", "version": "1"}
            init = {"protocolVersion": LEGACY_ERA, "capabilities": {}, "clientInfo": info}
            await self.request("initialize", init)
            self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def message(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.next_id += 1
        if self.era == MODERN_ERA:
            params = {**params, "_meta": MODERN_META}
        return self.next_id, {
            "jsonrpc": "2.0",
            "id": self.next_id,
            "method": method,
            "params": params,
        }

    async def read(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.peer.name} closed stdout")
            data: dict[str, Any] = json.loads(line)
            if "id" in data:  # skip notifications
                self.last_line = line
                return data

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        _, message = self.message(method, params)
        self.send(message)
        await self.proc.stdin.drain()
        return await self.read()

    async def call(self) -> bool:
        """One tools/call of the bench call; True when it succeeded."""
        return ok(await self.request("tools/call", {"name": CALL_TOOL, "arguments": CALL_ARGS}))

    def peak_rss_mib(self) -> float | None:
        """VmHWM (peak resident set) of the server process."""
        assert self.proc is not None
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None


def ok(response: dict[str, Any]) -> bool:
    return "result" in response and not response["result"].get("isError")


# ---------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rotate(items: list[Any], r: int) -> list[Any]:
    """Round `r`'s order (A B C, then B C A, ...), so no server always goes first."""
    k = r % len(items)
    return items[k:] + items[:k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Results:
    cold_start: dict[str, list[float]] = field(default_factory=dict)  # s per round
    list_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    listing: dict[str, Any] = field(default_factory=dict)  # bench/listing.py figures
    latency: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    concurrent: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    rss: dict[str, list[float]] = field(default_factory=dict)
    inprocess: dict[str, list[float]] = field(default_factory=dict)  # µs per call per round
    generate: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    startup: dict[str, list[float]] = field(default_factory=dict)
    speed: dict[str, Any] = field(default_factory=dict)  # bench/http_bench.py: HTTP, tracing


async def cold_start(peer: Peer) -> float:
    """Spawn → (discover | initialize) → first tools/list response, through mcp.Client."""
    start = time.perf_counter()
    async with sdk_client(peer) as c:
        await c.list_tools()
        return time.perf_counter() - start


async def list_bytes(peer: Peer) -> dict[str, int]:
    """Bytes of the tools (compact JSON) and of the whole tools/list response line, per era."""
    out: dict[str, int] = {}
    for era in (LEGACY_ERA, MODERN_ERA):
        async with Raw(peer, era) as raw:
            response = await raw.request("tools/list", {})
            out[f"response {era}"] = len(raw.last_line.rstrip(b"\n"))
        tools = response["result"]["tools"]
        compact = json.dumps(tools, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        out["tools"] = len(compact.encode())
    return out


LATENCY_MODES = ("mcp.Client", f"raw {LEGACY_ERA}", f"raw {MODERN_ERA}")


async def latency(
    ps: list[Peer], rounds: int, calls: int, warmup: int, res: Results, modes: tuple[str, ...]
) -> None:
    """Sequential calls on one connection per server and mode, interleaved per round."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as stack:
        call: dict[tuple[str, str], Callable[[], Any]] = {}
        for mode in modes:
            for p in ps:
                if mode == "mcp.Client":
                    c = await stack.enter_async_context(sdk_client(p))
                    await c.list_tools()

                    async def sdk_call(c: Any = c) -> bool:
                        return not (await c.call_tool(CALL_TOOL, CALL_ARGS)).is_error

                    call[(mode, p.name)] = sdk_call
                else:
                    raw = await stack.enter_async_context(Raw(p, mode.split()[1]))
                    await raw.request("tools/list", {})
                    call[(mode, p.name)] = raw.call
                for _ in range(warmup):
                    await call[(mode, p.name)]()
        for r in range(rounds):
            for mode in modes:
                for p in rotate(ps, r):
                    fn = call[(mode, p.name)]
                    samples = []
                    for _ in range(calls):
                        t = time.perf_counter()
                        if not await fn():
                            raise RuntimeError(f"{p.name}: the bench call failed ({mode})")
                        samples.append((time.perf_counter() - t) * 1e6)
                    per = res.latency.setdefault(mode, {}).setdefault(p.name, {})
                    for q in (50, 95, 99):
                        per.setdefault(f"p{q}", []).append(pct(samples, q))
            log(f"latency round {r + 1}/{rounds} done")


async def concurrent(peer: Peer, n: int, delay_ms: int) -> tuple[float, int, float | None]:
    """`n` tools/call requests written at once on one connection (2025-11-25 era), handlers
    sleeping `delay_ms`: (wall time until the last response, failed calls, peak RSS MiB)."""
    async with Raw(peer, LEGACY_ERA, {"BENCH_DELAY_MS": str(delay_ms)}) as raw:
        await raw.request("tools/list", {})
        await raw.call()
        assert raw.proc is not None and raw.proc.stdin is not None
        messages = [
            raw.message("tools/call", {"name": CALL_TOOL, "arguments": CALL_ARGS}) for _ in range(n)
        ]
        pending = {i for i, _ in messages}
        start = time.perf_counter()

        async def write() -> None:
            for _, m in messages:
                raw.send(m)
                await raw.proc.stdin.drain()  # type: ignore[union-attr]

        writer = asyncio.create_task(write())
        failed = 0
        while pending:
            response = await asyncio.wait_for(raw.read(), 60)
            pending.discard(response["id"])
            failed += not ok(response)
        wall = time.perf_counter() - start
        await writer
        return wall, failed, raw.peak_rss_mib()


async def inprocess(project: Path, rounds: int, n: int, res: Results) -> None:
    """µs per call: the handler awaited directly, the low-level peer's call path, toolc's Engine."""
    from types import SimpleNamespace

    from toolc.runtime.build import load_build
    from toolc.runtime.call import Engine
    from toolc.runtime.trace import Tracer

    build = load_build(CLIENT, project / "generated")  # puts the bench project on sys.path
    engine = Engine(build, Tracer(None))
    import bench_handlers
    import peer_lowlevel

    lowlevel = peer_lowlevel.Peer(project, CLIENT)
    handler = getattr(bench_handlers, HANDLER)
    ctx = SimpleNamespace(session=None, request_id=1, protocol_version=LEGACY_ERA)
    paths: dict[str, Callable[[], Any]] = {
        "handler": lambda: handler(**HANDLER_ARGS),
        BASE: lambda: lowlevel.call(CALL_TOOL, CALL_ARGS),
        "toolc": lambda: engine.call(ctx, CALL_TOOL, CALL_ARGS),
    }
    for fn in paths.values():
        for _ in range(200):
            await fn()
    for _ in range(rounds):
        for name, fn in paths.items():
            start = time.perf_counter()
            for _ in range(n):
                await fn()
            res.inprocess.setdefault(name, []).append((time.perf_counter() - start) / n * 1e6)


def run_generate(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def precompile(*paths: Path) -> None:
    """Write .pyc files, as `pip install` does for a deployed build (this machine may set
    PYTHONDONTWRITEBYTECODE, which would make every start compile the build from source)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    args = [sys.executable, "-m", "compileall", "-q", *map(str, paths)]
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)


def compiler(tmp: Path, synth: list[int], rounds: int, res: Results) -> dict[str, Peer]:
    """Fresh and no-op `generate` per catalog, interleaved; returns a start-up peer per catalog."""
    import synth_catalog

    projects: dict[str, tuple[Path, str]] = {}
    example = tmp / "example"
    example.mkdir()
    shutil.copy(ROOT / "tools.yaml", example / "tools.yaml")
    for sub in ("clients", "handlers"):
        shutil.copytree(ROOT / sub, example / sub, ignore=shutil.ignore_patterns("__pycache__"))
    projects["example"] = (example, CLIENT)
    for ops in synth:
        out = tmp / f"synth{ops}"
        synth_catalog.write_project(out, ops, 10)
        projects[f"synth {ops}"] = (out, "full")
    for r in range(rounds):
        for name, (root, _) in projects.items():
            shutil.rmtree(root / "generated", ignore_errors=True)
            fresh = run_generate(root)
            noop = run_generate(root)
            per = res.generate.setdefault(name, {})
            per.setdefault("fresh", []).append(fresh)
            per.setdefault("noop", []).append(noop)
            log(f"generate {name}: {fresh:.2f} s fresh, {noop:.2f} s no-op (round {r + 1})")
    precompile(*(root for root, _ in projects.values()))
    return {
        name: toolc_peer(root / "generated", client, name)
        for name, (root, client) in projects.items()
    }
