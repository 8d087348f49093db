"""A non-loopback bind: refused without authentication unless --insecure-no-auth (which warns);
accepted with authentication. The test holds the port on 127.0.0.1, so a server that gets past
the checks fails to bind 0.0.0.0 ("cannot listen") instead of serving beyond this machine."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator

import pytest

from tests.auth.support import TOKEN_ENV, compiled, serve_args
from tests.e2e.runtime_support import server_env

pytestmark = pytest.mark.slow


@pytest.fixture
def held_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def serve(client: str, port: int, *extra: str, env: dict[str, str] | None = None) -> str:
    args = serve_args(client, port, "--host", "0.0.0.0", "--allowed-host", f"mcp.example:{port}")
    done = subprocess.run(
        [*args, *extra],
        cwd=compiled(),
        env=server_env(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


def test_without_auth_a_public_bind_is_refused_before_binding(held_port: int) -> None:
    err = serve("open", held_port)
    assert "without authentication" in err and "--insecure-no-auth" in err
    assert "cannot listen" not in err  # refused before any bind


def test_insecure_no_auth_starts_and_warns(held_port: int) -> None:
    err = serve("open", held_port, "--insecure-no-auth")
    assert "without authentication (--insecure-no-auth)" in err
    assert "cannot listen on 0.0.0.0" in err  # it went on to bind


def test_with_auth_a_public_bind_starts_without_a_waiver(held_port: int) -> None:
    err = serve("secure", held_port, env=TOKEN_ENV)
    assert "without authentication" not in err and "cannot listen on 0.0.0.0" in err


def test_a_missing_token_variable_stops_the_start_naming_the_variable(held_port: int) -> None:
    err = serve("secure", held_port, env={"AUTHTEST_ALICE": ""})
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "AUTHTEST_ALICE" in lines[0] and "alice" in lines[0], err
