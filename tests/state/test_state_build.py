"""A client build's `state:` (client YAML) when `toolc serve` gets no `--state`: the build holds
the variable's name only, and the server reads the URL from its environment at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env
from tests.state.conftest import RedisServer
from tests.state.support import call, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def test_the_build_holds_the_variable_name_not_the_url() -> None:
    text = (FIXTURE / "clients" / "shared" / "build.py").read_text()
    assert 'STATE: Final[dict[str, str]] = {"url_env": "TOOLC_TEST_STATE_URL"}' in text


async def test_the_builds_state_is_used(redis: RedisServer, tmp_path: Path) -> None:
    env = {"TOOLC_TEST_STATE_URL": redis.url}
    with serve(tmp_path / "db", "--stateless", client="shared", generated=FIXTURE, env=env) as s:
        async with httpx2.AsyncClient(timeout=30, trust_env=False) as http:
            listed = await call(http, s.url, "notes", {"operation": "list"})
            assert listed["structuredContent"] == {"notes": []}
    assert b"toolc:rtfixture:res:shared:short:notes:list:" in redis.command("KEYS", "*")


def test_an_unset_variable_stops_the_server_with_a_clear_error() -> None:
    args = [sys.executable, "-m", "toolc", "serve", "--client", "shared"]
    args += ["--generated", str(FIXTURE), "--no-trace"]
    env = server_env()
    env.pop("TOOLC_TEST_STATE_URL", None)
    env.pop("TOOLC_STATE", None)
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().endswith(
        'error: the client build reads its state URL from "TOOLC_TEST_STATE_URL", which is not '
        "set — export TOOLC_TEST_STATE_URL or pass --state URL"
    )
