"""Real `toolc serve --transport http` processes of the example catalog (SQLite data shared by
file) with shared state in a real Redis, and a raw JSON-RPC client for them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx2

from tests.e2e.runtime_support import ROOT, free_port, server_env

VERSION = "2025-11-25"
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "mcp-protocol-version": VERSION,
}
CLIENT = "claude-code"


@dataclass
class Served:
    url: str
    proc: subprocess.Popen[bytes]
    log: IO[bytes]
    trace: Path | None

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then wait (kill after `timeout`); returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)

    def spans(self) -> list[dict[str, Any]]:
        assert self.trace is not None
        lines = self.trace.read_text().splitlines() if self.trace.exists() else []
        return [json.loads(line) for line in lines if line.startswith('{"ts"')]


def start(
    db: Path,
    *extra: str,
    client: str = CLIENT,
    trace: Path | None = None,
    root: Path = ROOT,
    generated: Path | None = None,
    env: dict[str, str] | None = None,
) -> Served:
    """Start one server process on a free loopback port (`ready` waits for it)."""
    port = free_port()
    args = [sys.executable, "-m", "toolc", "serve", "--client", client, "--transport", "http"]
    args += ["--port", str(port), "--root", str(root)]
    if generated is not None:
        args += ["--generated", str(generated)]
    args += ["--trace", str(trace)] if trace else ["--no-trace"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `finish`
    environ = server_env({"TOOLC_BMAD_DB": str(db), **(env or {})})
    environ.pop("TOOLC_STATE", None)
    proc = subprocess.Popen([*args, *extra], cwd=ROOT, env=environ, stderr=log)
    return Served(f"http://127.0.0.1:{port}/mcp", proc, log, trace)


def ready(served: Served) -> None:
    port = int(served.url.rsplit(":", 1)[1].split("/")[0])
    deadline = time.monotonic() + 30
    while True:
        if served.proc.poll() is not None:
            raise RuntimeError(f"server exited: {served.stderr()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError("HTTP server did not start") from None
            time.sleep(0.05)


@contextmanager
def serve(db: Path, *extra: str, **options: Any) -> Iterator[Served]:
    """One server process on a free loopback port; yields once it accepts connections."""
    served = start(db, *extra, **options)
    try:
        ready(served)
        yield served
    finally:
        served.stop()
        served.log.close()


@contextmanager
def serve_many(
    db: Path, count: int, *extra: str, traces: Path | None = None, **options: Any
) -> Iterator[list[Served]]:
    """`count` single-worker processes, each on its own port, started together."""
    servers: list[Served] = []
    try:
        for i in range(count):
            trace = traces / f"w{i}.jsonl" if traces else None
            servers.append(start(db, *extra, trace=trace, **options))
        for served in servers:
            ready(served)
        yield servers
    finally:
        for served in servers:
            served.proc.send_signal(signal.SIGTERM)
        for served in servers:
            served.stop()
            served.log.close()


async def call(
    http: httpx2.AsyncClient, url: str, name: str, arguments: dict[str, Any], request_id: int = 1
) -> dict[str, Any]:
    """One stateless tools/call; returns the JSON-RPC `result` (asserts there is one)."""
    body = {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    response = await http.post(url, json=body, headers=HEADERS)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    message = response.json()
    assert "result" in message, message
    result: dict[str, Any] = message["result"]
    return result


async def titles(http: httpx2.AsyncClient, url: str) -> list[str]:
    """The titles `bmad_task list` returns through `url`."""
    result = await call(http, url, "bmad_task", {"operation": "list", "limit": 200})
    assert not result.get("isError"), result
    return [t["title"] for t in result["structuredContent"]["tasks"]]


async def add(http: httpx2.AsyncClient, url: str, title: str) -> None:
    result = await call(http, url, "bmad_task", {"operation": "add", "title": title})
    assert not result.get("isError"), result


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def fresh_client() -> httpx2.AsyncClient:
    """A client that opens a new connection per request (so one port's workers all serve)."""
    limits = httpx2.Limits(max_keepalive_connections=0)
    return httpx2.AsyncClient(timeout=30, trust_env=False, limits=limits)
