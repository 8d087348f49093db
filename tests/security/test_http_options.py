"""The HTTP exposure options as parsed: what a non-loopback bind needs, checked without binding."""

from __future__ import annotations

import logging

import pytest

from runtime.__main__ import _parser
from runtime.http_cli import HttpConfigError, http_options
from runtime.streamable_http import HttpOptions


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
