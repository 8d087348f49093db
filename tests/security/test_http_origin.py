"""Host and Origin are matched exactly — (host, port) and (scheme, host, port) — never by prefix:
`http://localhost:1.attacker.example` is not a localhost origin (DNS rebinding)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.e2e.runtime_support import FIXTURE, http_server
from tests.security.http_support import client, open_session, rpc_error

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

APP = "https://app.example"


@pytest.fixture(scope="module", params=["defaults", "allowlists"])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The defaults (loopback only), and with an extra allowed origin and host."""
    extra = ("--allowed-origin", APP, "--allowed-host", "mcp.example")
    with http_server("test", FIXTURE, *(extra if request.param == "allowlists" else ())) as u:
        yield u


@pytest.fixture(scope="module")
def custom_url() -> Iterator[str]:
    extra = ("--allowed-origin", APP, "--allowed-host", "mcp.example")
    with http_server("test", FIXTURE, *extra) as u:
        yield u


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:1.attacker.example",
        "http://127.0.0.1:{port}.attacker.example",
        "http://localhost:{port}@attacker.example",
        "http://localhost:9",  # another local port is another site
        "https://localhost:{port}",  # another scheme
        "https://app.example.attacker.example",
        "https://app.example:8443",
        "http://app.example",
        "null",
        "",
    ],
)
async def test_an_origin_that_only_starts_like_an_allowed_one_is_refused(
    url: str, origin: str
) -> None:
    async with client() as http:
        r = await open_session(http, url, {"Origin": origin.format(port=port_of(url))})
    assert r.status_code == 403, r.text
    assert rpc_error(r)["message"] == "Forbidden: Origin not allowed"


@pytest.mark.parametrize(
    "host",
    [
        "localhost:1.attacker.example",
        "127.0.0.1:{port}.attacker.example",
        "localhost:{port}0",
        "127.0.0.1",  # port 80, not the served port
        "attacker.example:{port}",
        "mcp.example.attacker.example",
        "mcp.example:8080",
        "",
    ],
)
async def test_a_host_that_only_starts_like_an_allowed_one_is_refused(url: str, host: str) -> None:
    async with client() as http:
        r = await open_session(http, url, {"Host": host.format(port=port_of(url))})
    assert r.status_code == 421, r.text
    assert rpc_error(r)["message"] == "Misdirected Request: Host not allowed"


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        ("127.0.0.1:{port}", None),
        ("localhost:{port}", "http://localhost:{port}"),
        ("LOCALHOST:{port}", "http://127.0.0.1:{port}"),
        ("[::1]:{port}", "http://[::1]:{port}"),
    ],
)
async def test_exact_matches_are_served(url: str, host: str, origin: str | None) -> None:
    port = port_of(url)
    headers = {"Host": host.format(port=port)}
    if origin is not None:
        headers["Origin"] = origin.format(port=port)
    async with client() as http:
        r = await open_session(http, url, headers)
    assert r.status_code == 200, r.text
    assert r.headers["mcp-session-id"]


@pytest.mark.parametrize(
    ("host", "origin"),
    [("mcp.example", APP), ("mcp.example", "https://app.example:443"), ("MCP.example", None)],
)
async def test_allowlisted_hosts_and_origins_are_served(
    custom_url: str, host: str, origin: str | None
) -> None:
    headers = {"Host": host} | ({"Origin": origin} if origin else {})
    async with client() as http:
        r = await open_session(http, custom_url, headers)
    assert r.status_code == 200, r.text
