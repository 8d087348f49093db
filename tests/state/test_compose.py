"""deploy/docker-compose.yml (toolc + Redis, shown in the README) is a valid deployment: its
toolc command is a `toolc serve` invocation this runtime accepts, on the port it publishes,
with state in the compose file's Redis, whose eviction policy spares the cache's counters."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from toolc.runtime.__main__ import _parser
from toolc.runtime.http_cli import http_options
from toolc.runtime.state import expand_url
from toolc.runtime.state.cli import state_problem

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
ENV = {
    "REDIS_PASSWORD": "test-password",
    "TOOLC_PUBLIC_HOST": "mcp.example.com",
    "TOOLC_TOKEN": "compose-test-token-5f1c2a9e",
}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `$$` (a literal `$`)."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":-":
            return arg or ""
        raise AssertionError(f"{name} is required: {arg}")

    value = re.sub(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-?])([^}]*))?\}", one, value)
    return value.replace("$$", "$")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def test_the_services_are_toolc_and_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"toolc", "redis"}
    assert services["toolc"]["depends_on"] == ["redis"]
    build = services["toolc"]["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).is_file()
    redis = [interpolate(str(w), ENV) for w in services["redis"]["command"]]
    assert redis[0] == "redis-server"
    assert redis[redis.index("--maxmemory-policy") + 1].startswith("volatile-")
    assert redis[redis.index("--requirepass") + 1] == ENV["REDIS_PASSWORD"]


def test_the_toolc_command_is_a_serve_invocation_this_runtime_accepts() -> None:
    service = compose()["services"]["toolc"]
    command = [interpolate(str(w), ENV) for w in service["command"]]
    assert command[:2] == ["toolc", "serve"]
    args = _parser().parse_args(command[1:])
    assert args.transport == "http" and args.workers == 4
    assert state_problem(args) is None and args.stateless  # several workers: stateless
    environment = {k: interpolate(str(v), ENV) for k, v in service["environment"].items()}
    saved = {k: os.environ.get(k) for k in environment}
    os.environ.update(environment)
    try:  # a public bind: refused unless authentication is configured (no --insecure-no-auth)
        assert not args.insecure_no_auth
        options = http_options(args)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert "mcp.example.com" in options.allowed_hosts
    assert options.auth is not None  # the token from TOOLC_TOKEN
    # the password stays a reference in the command; toolc reads it from its environment
    assert "${REDIS_PASSWORD}" in args.state
    url = expand_url(args.state, environment)
    assert url == f"redis://:{ENV['REDIS_PASSWORD']}@redis:6379/0"
    assert service["ports"] == [f"{args.port}:{args.port}"]
    assert (ROOT / "generated" / "clients" / args.client / "build.py").is_file()


def test_docker_compose_config_accepts_it() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip("docker compose is not available")
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ENV},
    )
    assert result.returncode == 0, result.stderr
