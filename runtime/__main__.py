"""`toolc serve --client NAME ...` and `toolc report [FILE]` (also `python -m toolc.runtime`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .build import BuildError
from .http_cli import HttpConfigError, add_http_options, http_options


def _count(text: str) -> int:
    """A non-negative integer option."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _positive(text: str) -> int:
    """A positive integer option."""
    value = _count(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    """A non-negative, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds >= 0")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolc", description="Serve a toolc build.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve one client's build over MCP")
    s.add_argument("--client", required=True, help="client profile name (generated/clients/NAME)")
    s.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--stateless", action="store_true", help="stateless Streamable HTTP")
    s.add_argument(
        "--sse-replay-events",
        type=_count,
        default=0,
        metavar="N",
        help="SSE events kept for clients resuming with Last-Event-ID, all sessions together "
        "(stateful HTTP; default 0: streams are not resumable; e.g. 1000 for clients that "
        "reconnect mid-call or handlers that close their stream to be polled)",
    )
    s.add_argument(
        "--sse-replay-ttl",
        type=_count,
        default=600,
        metavar="SECONDS",
        help="drop kept SSE events older than this (default 600; 0: no age limit)",
    )
    s.add_argument(
        "--sse-retry-ms",
        type=_count,
        default=1000,
        metavar="MS",
        help="reconnection delay announced to clients on resumable SSE streams (default 1000)",
    )
    add_http_options(s)
    s.add_argument(
        "--max-message-bytes",
        type=_positive,
        metavar="BYTES",
        help="stdio: longest JSON-RPC message (one line) accepted; a longer one is refused with "
        "an error and skipped (default 4194304, 4 MiB)",
    )
    s.add_argument(
        "--drain-seconds",
        type=_seconds,
        metavar="SECONDS",
        help="stdio: at end of input, how long requests still running may take to answer "
        "before the server answers them with an error and exits (default 5)",
    )
    s.add_argument("--root", help="project root (default: the current folder)")
    s.add_argument(
        "--generated", help="generated directory (default: $TOOLC_GENERATED, else ROOT/generated)"
    )
    s.add_argument("--reload", action="store_true", help="swap builds when manifest.json changes")
    s.add_argument("--trace", help="span JSONL file (default .toolc/trace-CLIENT.jsonl)")
    s.add_argument("--no-trace", action="store_true", help="record no spans")
    s.add_argument("--log-level", default=os.environ.get("TOOLC_LOG_LEVEL", "WARNING"))
    r = sub.add_parser("report", help="summarise a span file")
    r.add_argument("file", nargs="?", help="span JSONL file (default: the newest under .toolc/)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "report":
        from .report import main as report_main

        return report_main(args.file)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    options = None
    if args.transport == "http":
        try:
            options = http_options(args)
        except HttpConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    from .server import create_app, run_stdio, serve_http
    from .trace import default_path

    trace = None if args.no_trace else (args.trace or str(default_path(args.client)))
    try:
        generated = args.generated or (args.root and os.path.join(args.root, "generated"))
        app = create_app(args.client, generated, trace=trace, reload=args.reload)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.transport == "stdio":
            run_stdio(
                app, max_message_bytes=args.max_message_bytes, drain_seconds=args.drain_seconds
            )
        else:
            events = None
            if args.sse_replay_events and not args.stateless:
                from .events import EventLog

                events = EventLog(args.sse_replay_events, args.sse_replay_ttl or None)
            serve_http(
                app,
                args.host,
                args.port,
                stateless=args.stateless,
                events=events,
                retry_ms=args.sse_retry_ms,
                options=options,
            )
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
