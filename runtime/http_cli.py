"""The `serve --transport http` options: exposure (allowlists, non-loopback binds) and bounds."""

from __future__ import annotations

import argparse
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when serving HTTP only: stdio start-up stays lean
    from .streamable_http import HttpOptions

log = logging.getLogger("toolc.runtime.http")


class HttpConfigError(ValueError):
    """HTTP options that must not be served; the message is one line for the user."""


def _seconds(text: str) -> float:
    """A non-negative, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a non-negative number of seconds")
    return value


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def add_http_options(s: argparse.ArgumentParser) -> None:
    g = s.add_argument_group("HTTP exposure and limits (--transport http)")
    g.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="a Host header value to answer, exactly (repeatable; the loopback names on the "
        "served port are always allowed; required with a non-loopback --host)",
    )
    g.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="SCHEME://HOST[:PORT]",
        help="a browser Origin to answer, exactly (repeatable; default: only the server's own "
        "loopback origins; requests without Origin always pass)",
    )
    g.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback --host with no authentication configured (warns)",
    )
    g.add_argument(
        "--max-sessions",
        type=_whole,
        default=1000,
        metavar="N",
        help="open stateful sessions, all clients together (default 1000; 0: no limit)",
    )
    g.add_argument(
        "--max-sessions-per-peer",
        type=_whole,
        default=100,
        metavar="N",
        help="open stateful sessions per client IP address (default 100; 0: no limit)",
    )
    g.add_argument(
        "--session-idle-timeout",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="close a stateful session with no request in flight for this long (default 300; "
        "0: never)",
    )
    g.add_argument(
        "--header-timeout",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="close a connection whose request head is not in within this time (default 10)",
    )
    g.add_argument(
        "--keep-alive-timeout",
        type=_whole,
        default=5,
        metavar="SECONDS",
        help="close an idle keep-alive connection after this long (default 5)",
    )
    g.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="trust X-Forwarded-For/-Proto from these proxy addresses (comma-separated; "
        "default: never, so per-peer limits count the connecting address)",
    )
    from .auth.options import add_auth_options

    add_auth_options(s)

    from .telemetry.options import add_metrics_options

    add_metrics_options(s)


def http_options(
    args: argparse.Namespace, auth: dict[str, Any] | None = None, root: Path | None = None
) -> HttpOptions:
    """The checked options; raises HttpConfigError before anything is bound. `auth` is the
    build's `auth:` table (the serve options add to it); `root` anchors its relative paths."""
    from .auth.options import auth_gate
    from .auth.tokens import AuthConfigError
    from .http_guard import bind_error, is_loopback, parse_hosts, parse_origins
    from .streamable_http import HttpOptions, SessionLimits
    from .telemetry.options import metrics_options

    try:
        gate = auth_gate(args, auth, root or Path.cwd())
    except AuthConfigError as exc:
        raise HttpConfigError(str(exc)) from None

    try:
        parse_hosts(args.allowed_host)
        parse_origins(args.allowed_origin)
    except ValueError as exc:
        raise HttpConfigError(str(exc)) from None
    problem = bind_error(args.host, args.allowed_host, args.insecure_no_auth or gate is not None)
    if problem is not None:
        raise HttpConfigError(problem)
    if getattr(args, "metrics_port", None) is not None and not 0 <= args.metrics_port < 65536:
        raise HttpConfigError(f"--metrics-port {args.metrics_port} is not a port (0-65535)")
    if args.header_timeout <= 0:
        raise HttpConfigError("--header-timeout must be more than 0 seconds")
    if gate is not None:
        log.info("authentication: %s", gate.describe())
    elif args.insecure_no_auth and not is_loopback(args.host):
        log.warning(
            "serving on %s without authentication (--insecure-no-auth): anyone who can reach "
            "this address can call every tool",
            args.host,
        )
    return HttpOptions(
        allowed_hosts=tuple(args.allowed_host),
        allowed_origins=tuple(args.allowed_origin),
        limits=SessionLimits(
            max_sessions=args.max_sessions or None,
            max_per_peer=args.max_sessions_per_peer or None,
            idle_timeout=args.session_idle_timeout or None,
        ),
        head_timeout=args.header_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        forwarded_allow_ips=args.forwarded_allow_ips,
        metrics=metrics_options(args),
        auth=gate,
    )
