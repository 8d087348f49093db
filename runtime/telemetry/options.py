"""`serve --transport http` options for /metrics, and where it is served.

The safe default: on a loopback bind `/metrics` is on the MCP port, behind the same Host/Origin
allowlists as `/mcp` (a DNS-rebinding page cannot read it). On any other bind it is off unless
`TOOLC_METRICS_TOKEN` is set (then a scraper must send `Authorization: Bearer <token>`) or
`--metrics-port` moves it to a listener of its own (127.0.0.1 unless `--metrics-host`).
`/healthz` and `/readyz` are always on the MCP port and open.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Final

TOKEN_ENV: Final = "TOOLC_METRICS_TOKEN"


@dataclass(frozen=True, slots=True)
class MetricsOptions:
    enabled: bool = True
    port: int | None = None  # a listener of its own; None: the MCP port
    host: str = "127.0.0.1"
    token: str | None = None  # required as a bearer token wherever /metrics is served


def add_metrics_options(s: argparse.ArgumentParser) -> None:
    g = s.add_argument_group("metrics and health (--transport http; /healthz and /readyz are open)")
    g.add_argument("--no-metrics", action="store_true", help="serve no Prometheus /metrics at all")
    g.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve /metrics on a listener of its own instead of the MCP port (0: any free port)",
    )
    g.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        metavar="HOST",
        help="address of the --metrics-port listener (default 127.0.0.1)",
    )


def metrics_options(args: argparse.Namespace) -> MetricsOptions:
    """The options (checked by runtime/http_cli.py), with the token from the environment."""
    return MetricsOptions(
        enabled=not getattr(args, "no_metrics", False),
        port=getattr(args, "metrics_port", None),
        host=getattr(args, "metrics_host", "127.0.0.1"),
        token=os.environ.get(TOKEN_ENV) or None,
    )
