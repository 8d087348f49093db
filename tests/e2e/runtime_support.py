"""Helpers for the runtime's end-to-end tests: real subprocess servers on 127.0.0.1 / stdio."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mcp import StdioServerParameters

from tests.runtime_fixture import compiled_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = compiled_fixture()
FIXTURE_ROOT = FIXTURE.parent


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra or {})
    return env


def stdio_params(
    client: str = "test",
    generated: Path = FIXTURE,
    *extra: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> StdioServerParameters:
    args = ["-m", "toolc", "serve", "--client", client, "--generated", str(generated), *extra]
    if "--trace" not in extra:
        args.append("--no-trace")
    return StdioServerParameters(
        command=sys.executable, args=args, env=server_env(env), cwd=str(cwd or ROOT)
    )


def copy_fixture(dest: Path) -> Path:
    """A private copy of the fixture build (package `rtgen`) with its handlers; returns rtgen/."""
    shutil.copytree(FIXTURE_ROOT, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "rtgen"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def http_server(client: str = "test", generated: Path = FIXTURE, *extra: str) -> Iterator[str]:
    """Serve over Streamable HTTP in a subprocess; yields the /mcp URL."""
    port = free_port()
    args = [sys.executable, "-m", "toolc", "serve", "--client", client, "--transport", "http"]
    args += ["--port", str(port), "--generated", str(generated), "--no-trace", *extra]
    # a file, not a pipe: a chatty server must never block on stderr; closed in `finally`
    log = tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen(args, cwd=ROOT, env=server_env(), stderr=log)
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("HTTP server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
