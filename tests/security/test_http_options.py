"""The HTTP exposure options as parsed: what a non-loopback bind needs, checked without binding."""

from __future__ import annotations

import logging

import pytest

from toolc.runtime.__main__ import _parser
from toolc.runtime.http_cli import HttpConfigError, http_options
from toolc.runtime.http_guard import Allowlists
from toolc.runtime.streamable_http import HttpOptions

APP = "https://app.example"


def options(*argv: str) -> HttpOptions:
    return http_options(
        _parser().parse_args(["serve", "--client", "x", "--transport", "http", *argv])
    )


def test_insecure_no_auth_with_an_allowlist_is_accepted_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    argv = ["--host", "0.0.0.0", "--allowed-host", "mcp.example:8000", "--insecure-no-auth"]
    with caplog.at_level(logging.WARNING, "toolc.runtime.http"):
        parsed = options(*argv)
    assert parsed.allowed_hosts == ("mcp.example:8000",)
    assert any("without authentication" in r.getMessage() for r in caplog.records)


def test_loopback_needs_no_waiver() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert options("--host", host).limits.max_per_peer == 100


@pytest.mark.parametrize(
    "argv",
    [
        ("--host", "::"),
        ("--host", "::", "--insecure-no-auth"),
        ("--host", "0.0.0.0", "--allowed-host", "mcp.example"),
        ("--host", "192.168.1.5", "--allowed-origin", "https://app.example"),
        ("--header-timeout", "0"),
    ],
)
def test_unsafe_exposure_is_refused(argv: tuple[str, ...]) -> None:
    with pytest.raises(HttpConfigError):
        options(*argv)


def test_allowlists_compare_parsed_values_exactly() -> None:
    on_80, on_8000 = Allowlists.build(80), Allowlists.build(8000, ["mcp.example"], [APP])
    assert on_80.host_ok("localhost") and on_80.host_ok("127.0.0.1:80")
    assert on_80.origin_ok("http://localhost") and not on_80.origin_ok("https://localhost")
    assert not on_8000.host_ok("localhost") and not on_8000.host_ok("localhost:80")
    assert on_8000.host_ok("MCP.Example") and not on_8000.host_ok("mcp.example:443")
    assert on_8000.origin_ok(APP + ":443") and not on_8000.origin_ok(APP + ".evil")
    for bad in ("localhost:8000/", "localhost:08000x", "[::1", "user@localhost:8000", None):
        assert not on_8000.host_ok(bad)
    assert on_8000.origin_ok(None)
