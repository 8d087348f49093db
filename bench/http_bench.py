"""`make bench`, issue 16: Streamable HTTP servers side by side, and stdio with tracing on and off.

HTTP: toolc stateful and `--stateless` (`toolc serve --transport http`), the low-level SDK server
at its defaults (bench/peer_lowlevel.py --http: `streamable_http_app()`, stateful, SSE for every
POST) and FastMCP's HTTP transport at its defaults (bench/peer_fastmcp.py --http), all on
127.0.0.1, same tools, same handlers. The load comes from a minimal HTTP/1.1 client written here
(keep-alive connections over asyncio streams, a few µs per request), so its own cost is small and
equal for every server: `c` connections each make calls in sequence, `c` at a time, on one
2025-11-25 session (no session for stateless). Per server and concurrency: calls/s, p50/p99 of the
request round trip, and the server's CPU time per call (/proc/PID/stat utime+stime over the
measured calls). Rounds interleave servers (A B C D, then B C D A, ...); every loop is bounded in
calls and time.

Tracing: toolc over stdio with `--trace FILE` vs `--no-trace`, and the low-level peer, sequential
raw 2025-11-25 calls, interleaved rounds; p50/p99.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import (
    BASE,
    BENCH,
    CALL_ARGS,
    CALL_TOOL,
    LEGACY_ERA,
    ROOT,
    Errlog,
    Peer,
    Raw,
    log,
    median,
    pct,
    rotate,
)

CONCURRENCY = (1, 16, 64, 256)
CALL_TIMEOUT = 30.0  # one request; a stuck server fails the bench instead of hanging it
START_TIMEOUT = 60.0
PHASE_BUDGET = 20.0  # seconds one (server, concurrency) measurement may take; calls stop there
TICK = os.sysconf("SC_CLK_TCK")
BASE_HTTP = "lowlevel"


@dataclass
class HttpPeer:
    name: str
    args: list[str]  # after the interpreter; "{port}" is replaced by the port
    stateful: bool
    prints_url: bool = False  # toolc prints its URL (it binds port 0 itself)


def http_peers(project: Path, with_fastmcp: bool) -> list[HttpPeer]:
    gen = str(project / "generated")
    toolc = ["-m", "toolc", "serve", "--client", "claude-code", "--generated", gen]
    toolc += ["--transport", "http", "--port", "0", "--no-trace"]
    out = [
        HttpPeer("toolc", toolc, True, True),
        HttpPeer("toolc stateless", [*toolc, "--stateless"], False, True),
        HttpPeer(
            BASE_HTTP, [str(BENCH / "peer_lowlevel.py"), str(project), "--http", "{port}"], True
        ),
    ]
    if with_fastmcp:
        args = [str(BENCH / "peer_fastmcp.py"), str(project), "--http", "{port}"]
        out.append(HttpPeer("fastmcp", args, True))
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Running:
    """A server subprocess and where it listens."""

    def __init__(self, peer: HttpPeer) -> None:
        self.peer = peer
        self.port = 0 if peer.prints_url else _free_port()
        args = [a.replace("{port}", str(self.port)) for a in peer.args]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        stderr: Any = subprocess.PIPE if peer.prints_url else Errlog.file
        self.proc = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stderr=stderr, stdout=subprocess.DEVNULL
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        if self.peer.prints_url:
            assert self.proc.stderr is not None
            line = self.proc.stderr.readline().decode()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/mcp", line)
            if not found:
                raise RuntimeError(f"{self.peer.name}: no URL on stderr: {line[:200]!r}")
            self.port = int(found.group(1))
            # the rest of its stderr goes nowhere (nothing is logged below WARNING)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.peer.name} exited with {self.proc.returncode}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.peer.name} did not listen within {START_TIMEOUT:g} s")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Conn:
    """One keep-alive HTTP/1.1 connection: POST a body, read the whole response."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> Conn:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None and self.writer is not None
        head = [
            "POST /mcp HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Content-Type: application/json",
            "Accept: application/json, text/event-stream",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        return await asyncio.wait_for(self._response(), CALL_TIMEOUT)

    async def _response(self) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
        if "content-length" in hdrs:
            return status, hdrs, await self.reader.readexactly(int(hdrs["content-length"]))
        if hdrs.get("transfer-encoding") != "chunked":
            return status, hdrs, b""
        chunks = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return status, hdrs, b"".join(chunks)
            chunks.append((await self.reader.readexactly(size + 2))[:-2])


def _request(request_id: int, method: str, params: dict[str, Any]) -> bytes:
    body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
    return json.dumps(body, separators=(",", ":")).encode()


CALL = {"name": CALL_TOOL, "arguments": CALL_ARGS}


async def session_headers(port: int, stateful: bool) -> dict[str, str]:
    headers = {"mcp-protocol-version": LEGACY_ERA}
    if not stateful:
        return headers
    conn = await Conn(port).open()
    try:
        info = {"name": "toolc-bench", "version": "1"}
        init = {"protocolVersion": LEGACY_ERA, "capabilities": {}, "clientInfo": info}
        status, hdrs, _ = await conn.post(_request(0, "initialize", init), {})
        if status != 200 or "mcp-session-id" not in hdrs:
            raise RuntimeError(f"initialize answered {status}")
        headers["mcp-session-id"] = hdrs["mcp-session-id"]
        note = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode()
        await conn.post(note, headers)
    finally:
        conn.close()
    return headers


def _ok(status: int, body: bytes) -> bool:
    return status == 200 and b'"result"' in body and b'"isError":true' not in body


async def load(srv: Running, concurrency: int, calls: int, warmup: int) -> dict[str, float]:
    """`calls` tools/call requests, `concurrency` at a time, each worker on its own connection."""
    headers = await session_headers(srv.port, srv.peer.stateful)
    conns = [await Conn(srv.port).open() for _ in range(concurrency)]
    samples: list[float] = []
    errors = 0
    next_id = iter(range(1, 10**9))
    try:

        async def worker(conn: Conn, n: int, record: bool, stop_at: float) -> None:
            nonlocal errors
            for _ in range(n):
                if time.monotonic() > stop_at:
                    return
                t = time.perf_counter()
                status, _, body = await conn.post(
                    _request(next(next_id), "tools/call", CALL), headers
                )
                if record:
                    samples.append((time.perf_counter() - t) * 1e3)
                    errors += not _ok(status, body)

        stop_at = time.monotonic() + PHASE_BUDGET
        per = max(1, warmup // concurrency)
        await asyncio.gather(*(worker(c, per, False, stop_at) for c in conns))
        per = max(1, calls // concurrency)
        cpu0, t0 = srv.cpu_seconds(), time.perf_counter()
        stop_at = time.monotonic() + PHASE_BUDGET
        await asyncio.gather(*(worker(c, per, True, stop_at) for c in conns))
        wall, cpu = time.perf_counter() - t0, srv.cpu_seconds() - cpu0
    finally:
        for c in conns:
            c.close()
    n = len(samples)
    return {
        "calls_s": n / wall,
        "p50_ms": pct(samples, 50),
        "p99_ms": pct(samples, 99),
        "cpu_ms_per_call": cpu / n * 1e3,
        "errors": float(errors),
        "calls": float(n),
    }


CALLS = {1: 300, 16: 800, 64: 1280, 256: 2560}  # measured calls per concurrency (full run)


def calls_for(concurrency: int, quick: bool) -> int:
    return CALLS[concurrency] // 10 if quick else CALLS[concurrency]


async def http_comparison(
    project: Path, with_fastmcp: bool, rounds: int, quick: bool
) -> dict[str, dict[str, dict[str, list[float]]]]:
    """{concurrency: {server: {figure: [per round]}}}."""
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    running = [Running(p) for p in http_peers(project, with_fastmcp)]
    try:
        for srv in running:
            srv.wait_ready()
        log("http servers: " + ", ".join(f"{s.peer.name} :{s.port}" for s in running))
        for r in range(rounds):
            for c in CONCURRENCY:
                calls = calls_for(c, quick)
                for srv in rotate(running, r):
                    fig = await load(srv, c, calls, warmup=max(c, calls // 10))
                    per = out.setdefault(str(c), {}).setdefault(srv.peer.name, {})
                    for k, v in fig.items():
                        per.setdefault(k, []).append(v)
            log(f"http round {r + 1}/{rounds} done")
    finally:
        for srv in running:
            srv.stop()
    return out


async def tracing(
    project: Path, rounds: int, calls: int, warmup: int, trace_dir: Path
) -> dict[str, dict[str, list[float]]]:
    """stdio p50/p99 (µs), raw 2025-11-25 calls in sequence: toolc traced, untraced, low-level."""
    from contextlib import AsyncExitStack

    gen = str(project / "generated")
    base = ["-m", "toolc", "serve", "--client", "claude-code", "--generated", gen]
    peers = [
        Peer("toolc trace on", [*base, "--trace", str(trace_dir / "spans.jsonl")]),
        Peer("toolc trace off", [*base, "--no-trace"]),
        Peer(BASE, [str(BENCH / "peer_lowlevel.py"), str(project)]),
    ]
    out: dict[str, dict[str, list[float]]] = {}
    async with AsyncExitStack() as stack:
        raws = {}
        for p in peers:
            raw = await stack.enter_async_context(Raw(p, LEGACY_ERA))
            await raw.request("tools/list", {})
            for _ in range(warmup):
                await raw.call()
            raws[p.name] = raw
        for r in range(rounds):
            for p in rotate(peers, r):
                samples = []
                for _ in range(calls):
                    t = time.perf_counter()
                    if not await raws[p.name].call():
                        raise RuntimeError(f"{p.name}: the bench call failed")
                    samples.append((time.perf_counter() - t) * 1e6)
                per = out.setdefault(p.name, {})
                per.setdefault("p50", []).append(pct(samples, 50))
                per.setdefault("p99", []).append(pct(samples, 99))
        log(f"tracing: {rounds} rounds done")
    return out


def summarise(
    http: dict[str, dict[str, dict[str, list[float]]]], trace: dict[str, dict[str, list[float]]]
) -> dict[str, Any]:
    return {
        "http": {
            c: {srv: {k: median(v) for k, v in figs.items()} for srv, figs in by.items()}
            for c, by in http.items()
        },
        "tracing_us": {srv: {k: median(v) for k, v in figs.items()} for srv, figs in trace.items()},
    }
