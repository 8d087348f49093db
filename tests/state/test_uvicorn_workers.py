"""The do-it-yourself route the README documents: uvicorn's own `--workers` over
`toolc.runtime.asgi:app`, configured by `TOOLC_SERVE_ARGS`, sharing the cache through Redis."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.e2e.runtime_support import ROOT, free_port, server_env
from tests.state.conftest import RedisServer
from tests.state.support import Served, add, fresh_client, ready, titles

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_uvicorn_workers_serve_the_factory_with_shared_state(
    redis: RedisServer, tmp_path: Path
) -> None:
    port = free_port()
    serve_args = ["--client", "claude-code", "--root", str(ROOT), "--port", str(port)]
    serve_args += ["--state", redis.url]
    env = server_env(
        {"TOOLC_SERVE_ARGS": shlex.join(serve_args), "TOOLC_BMAD_DB": str(tmp_path / "db")}
    )
    command = [sys.executable, "-m", "uvicorn", "--factory", "toolc.runtime.asgi:app"]
    command += ["--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
    served = Served(f"http://127.0.0.1:{port}/mcp", proc, log, None)
    try:
        ready(served)
        async with fresh_client() as http:
            for round_ in range(4):
                for _ in range(3):
                    assert len(await titles(http, served.url)) == round_
                await add(http, served.url, f"task {round_}")
                for _ in range(4):
                    assert len(await titles(http, served.url)) == round_ + 1
        assert b"res:" in redis.command("KEYS", "*")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_without_serve_args_the_factory_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolc.runtime.asgi import AppConfigError, app

    monkeypatch.delenv("TOOLC_SERVE_ARGS", raising=False)
    with pytest.raises(AppConfigError, match="set TOOLC_SERVE_ARGS"):
        app()
    monkeypatch.setenv("TOOLC_SERVE_ARGS", "--client nope --generated /nonexistent/generated")
    with pytest.raises(AppConfigError, match="does not exist"):
        app()
