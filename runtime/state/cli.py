"""The `serve` options of shared state and worker processes: `--state URL`, `--workers N`."""

from __future__ import annotations

import argparse
import os
from typing import Final

ENV_STATE: Final = "TOOLC_STATE"
MAX_WORKERS: Final = 64


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and {MAX_WORKERS}")
    return value


def add_state_options(s: argparse.ArgumentParser) -> None:
    g = s.add_argument_group("many workers, shared state")
    g.add_argument(
        "--state",
        default=os.environ.get(ENV_STATE),
        metavar="URL",
        help="keep cached reads, their invalidations, rate-limit buckets and SSE replay events "
        "in this Redis (redis://HOST:PORT/DB, rediss://, unix://; write a password as ${VAR}, "
        f"read from the environment; default ${ENV_STATE}, else the client build's `state:`)",
    )
    g.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="--transport http: N worker processes on one port (default 1); more than one "
        "implies --stateless (a stateful session lives in one process)",
    )


def state_problem(args: argparse.Namespace) -> str | None:
    """A one-line reason the state/worker options cannot be served together, or None.

    Adjusts `args.stateless` for several workers."""
    if args.workers > 1:
        if args.transport != "http":
            return "--workers needs --transport http"
        if args.sse_replay_events:
            return (
                "--sse-replay-events needs stateful sessions, and --workers spreads one "
                "session's requests over processes — run one process per port behind a load "
                "balancer with sticky sessions instead (see README)"
            )
        args.stateless = True
    return None
