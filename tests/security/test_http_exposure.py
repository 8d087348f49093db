"""Binding beyond loopback: refused without a Host allowlist and --insecure-no-auth, before any
socket is bound (the test holds the port on 127.0.0.1, so a bind attempt on 0.0.0.0 would fail
with "address in use" instead of the refusal); never served on a non-loopback address here."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

pytestmark = pytest.mark.slow


@pytest.fixture
def held_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def serve(port: int, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "toolc", "serve", "--client", "test", "--transport", "http"]
    args += ["--generated", str(FIXTURE), "--no-trace", "--port", str(port), *extra]
    return subprocess.run(
        args, cwd=ROOT, env=server_env(), capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--host", "0.0.0.0"), "--allowed-host"),
        (("--host", "0.0.0.0", "--insecure-no-auth"), "--allowed-host"),
        (("--host", "0.0.0.0", "--allowed-host", "mcp.example:8000"), "--insecure-no-auth"),
        (("--host", "10.1.2.3", "--allowed-host", "10.1.2.3:8000"), "--insecure-no-auth"),
        (("--allowed-host", "a b"), "is not host or host:port"),
        (("--allowed-origin", "localhost:3000"), "is not scheme://host[:port]"),
    ],
)
def test_a_non_loopback_bind_or_a_bad_allowlist_is_refused_before_binding(
    held_port: int, extra: tuple[str, ...], says: str
) -> None:
    done = serve(held_port, *extra)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr and "address already in use" not in done.stderr
