"""A real `python -m toolc serve` subprocess driven with raw bytes on stdin, one reply at a time.

stdout is read by a thread into a queue, so a test waits for a reply with a bounded timeout (a
server that never answers fails the test instead of hanging it), and stderr goes to a file (a
chatty server never blocks on it).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

REPLY_TIMEOUT = 10.0  # seconds a test waits for one reply
INIT = {
    "jsonrpc": "2.0",
    "id": "init",
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def line(message: dict[str, Any]) -> bytes:
    return json.dumps(message).encode() + b"\n"


def call(request_id: int | str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": arguments}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def serve_command(generated: Path = FIXTURE, *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "toolc", "serve", "--client", "test"]
    return [*cmd, "--generated", str(generated), "--no-trace", *extra]


def server_env_for(generated: Path) -> dict[str, str]:
    """The environment for serving `generated`, whose handlers live next to it."""
    env = server_env()
    env["PYTHONPATH"] = f"{generated.parent}:{env['PYTHONPATH']}"
    return env


class RawServer:
    def __init__(self, *extra: str, generated: Path = FIXTURE) -> None:
        self.stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            serve_command(generated, *extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_file,
            env=server_env_for(generated),
            cwd=ROOT,
        )
        self.replies: queue.Queue[bytes] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.replies.put(raw)
        self.replies.put(b"")  # end of output

    def __enter__(self) -> RawServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.stderr_file.close()

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def initialize(self) -> None:
        self.send(line(INIT))
        assert self.reply()["id"] == "init"
        self.send(line(INITIALIZED))

    def reply_line(self, timeout: float = REPLY_TIMEOUT) -> bytes:
        try:
            raw = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no reply within {timeout} s") from None
        assert raw, f"the server closed stdout; stderr: {self.stderr()[-2000:]}"
        return raw

    def reply(self, timeout: float = REPLY_TIMEOUT) -> dict[str, Any]:
        message = json.loads(self.reply_line(timeout))
        assert isinstance(message, dict) and message["jsonrpc"] == "2.0"
        return message

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def wait(self, timeout: float) -> int:
        """The exit code; fails the test when the process is still running after `timeout`."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not exit within {timeout} s") from None

    def stderr(self) -> str:
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")
