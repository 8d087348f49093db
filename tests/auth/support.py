"""The auth and rate-limit tests' helpers: the fixture build (tests/fixtures/auth_build, compiled
with the real `toolc generate` once per session), real `toolc serve --transport http`
subprocesses on 127.0.0.1, a real JWKS server on 127.0.0.1, and signed test JWTs."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.runtime_support import ROOT, free_port, server_env

SOURCE = ROOT / "tests" / "fixtures" / "auth_build"
ALICE = "alice-token-0123456789abcdef"
BOB = "bob-token-0123456789abcdef"
OPS = "ops-token-0123456789abcdef"
TOKEN_ENV = {"AUTHTEST_ALICE": ALICE, "AUTHTEST_BOB": BOB}


@functools.cache
def compiled() -> Path:
    """The compiled fixture's project root (`generated/` inside, with handlers and ops.token)."""
    root = Path(tempfile.mkdtemp(prefix="toolc-authfixture-"))
    atexit.register(shutil.rmtree, root, True)
    shutil.copytree(SOURCE, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "ops.token").write_text(OPS + "\n")
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


def serve_args(client: str, port: int, *extra: str) -> list[str]:
    root = compiled()
    args = [sys.executable, "-m", "toolc", "serve", "--client", client, "--transport", "http"]
    trace = () if "--trace" in extra else ("--no-trace",)
    return [*args, "--port", str(port), "--root", str(root), *trace, *extra]


@contextmanager
def http_server(
    client: str, *extra: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """`toolc serve --transport http` on 127.0.0.1 in a subprocess; yields the /mcp URL."""
    port = port or free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - a file: a chatty server never blocks
    proc = subprocess.Popen(
        serve_args(client, port, *extra),
        cwd=compiled(),
        env=server_env({**TOKEN_ENV, **(env or {})}),
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode(errors='replace')}")
            try:
                httpx2.get(f"http://127.0.0.1:{port}/healthz-probe", timeout=0.5)
                break
            except httpx2.HTTPError:
                if time.monotonic() > deadline:
                    raise TimeoutError("HTTP server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@asynccontextmanager
async def mcp_client(url: str, token: str | None, mode: str = "legacy") -> AsyncIterator[Client]:
    """The real `mcp` client over Streamable HTTP, sending `Authorization: Bearer token`."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        yield client


class Issuer:
    """A test OAuth issuer: RSA keys, a JWKS document served on 127.0.0.1, and signed JWTs."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []  # kids the JWKS lists
        self.hits = 0
        self.port = 0
        self.url = ""
        self.add_key("k1")

    def add_key(self, kid: str, publish: bool = True) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid in self.published:
            jwk = RSAAlgorithm.to_jwk(self.keys[kid].public_key(), as_dict=True)
            out.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": out}

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, kid: str = "k1", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "sub": "user-1", "iat": now, "exp": now + 300, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})

    @contextmanager
    def serving(self) -> Iterator[Issuer]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.hits += 1
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(server.server_address[1])
        self.url = f"{self.issuer}/jwks.json"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


def jwt_options(issuer: Issuer, audience: str, *scopes: str) -> tuple[str, ...]:
    out = ["--jwt-issuer", issuer.issuer, "--jwt-audience", audience]
    out += ["--jwt-jwks-url", issuer.url]
    for s in scopes:
        out += ["--jwt-scope", s]
    return tuple(out)
