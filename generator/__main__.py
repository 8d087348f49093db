"""`toolc generate|check [--root DIR] [--format text|json]` and `toolc dist` (the compiler's CLI).

Diagnostics go to stderr; the per-client table (and, for `check`, the diff) to stdout.
Exit 0 when clean, 1 on user errors or a stale generated/, 2 on an internal error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import traceback
from pathlib import Path

from .compat import LOCK_FILE, Gate, bump_line, gate, today
from .diagnostics import Diagnostic, normalize, render_json, render_text
from .ir import Catalog, ClientBuild


def _row(build: ClientBuild, diagnostics: tuple[Diagnostic, ...] = ()) -> dict[str, object]:
    p = build.profile
    over_tools = p.max_tools is not None and build.count > p.max_tools
    over_bytes = p.max_list_bytes is not None and build.list_bytes > p.max_list_bytes
    over_tokens = p.max_list_tokens is not None and build.list_tokens > p.max_list_tokens
    broken = any(d.is_error and d.span.path == p.path for d in diagnostics)
    return {
        "client": p.name,
        "exposed": len(build.tools),
        "counted": build.count,
        "limit": p.max_tools,
        "bytes": build.list_bytes,
        "budget": p.max_list_bytes,
        "tokens": build.list_tokens,
        "token_budget": p.max_list_tokens,
        "status": "OVER"
        if over_tools or over_bytes or over_tokens
        else "ERROR"
        if broken
        else "ok",
    }


def table(builds: tuple[ClientBuild, ...], diagnostics: tuple[Diagnostic, ...] = ()) -> str:
    heads = [
        "client",
        "tools exposed",
        "counted",
        "limit",
        "tools/list bytes",
        "budget",
        "tokens",
        "budget",
        "status",
    ]
    rows = [
        [str(v if v is not None else "-") for v in _row(b, diagnostics).values()] for b in builds
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(heads), *(line(r) for r in rows)]) + "\n"


def compat_arguments(parser: argparse.ArgumentParser) -> None:
    """`check`'s options of the compatibility gate (sunset date, span file)."""
    parser.add_argument("--today", help="YYYY-MM-DD for sunsets (default: $TOOLC_TODAY or today)")
    parser.add_argument("--trace", type=Path, help="a span file: count calls of past-sunset names")


def compat_gate(
    args: argparse.Namespace, catalog: Catalog, builds: tuple[ClientBuild, ...]
) -> Gate:
    """Sunsets (W001) and the comparison with tools.lock (E060), for `toolc check`."""
    return gate(args.root, catalog, builds, today(args.today), args.trace)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="toolc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("generate", "compile into generated/"), ("check", "compare only")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--root", type=Path, default=Path("."), help="project root")
        sub.add_argument("--format", choices=["text", "json"], default="text")
        sub.add_argument("--quiet", action="store_true", help="no progress on stderr")
        if name == "check":
            compat_arguments(sub)
    from . import dist  # the per-client wheel packager (its own module and options)
    from .compat import cli as compat_cli  # toolc lock / toolc breaking

    dist.add_arguments(commands.add_parser("dist", help="package each client build as a wheel"))
    compat_cli.add_lock_arguments(commands.add_parser("lock", help="write tools.lock"))
    compat_cli.add_breaking_arguments(commands.add_parser("breaking", help="compare with a ref"))
    args = parser.parse_args(argv)
    if args.command == "dist":
        return dist.main(args)
    if args.command in ("lock", "breaking"):
        return compat_cli.main(args.command, args)
    start = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    try:
        from . import build

        result = build(args.root, check=args.command == "check", progress=progress)
    except Exception:
        print("toolc: internal error, please report it with this traceback:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 2

    gate = None
    if args.command == "check" and result.ok and result.catalog is not None:
        gate = compat_gate(args, result.catalog, result.builds)
        result = dataclasses.replace(
            result, diagnostics=normalize((*result.diagnostics, *gate.diagnostics))
        )
    render = render_json if args.format == "json" else render_text
    if result.diagnostics or args.format == "json":
        sys.stderr.write(render(result.diagnostics))
    if args.format == "json":
        doc = {
            "ok": result.ok,
            "stale": result.stale,
            "clients": [_row(b, result.diagnostics) for b in result.builds],
            "changed": list(result.written.changed) if result.written else [],
            "deleted": list(result.written.deleted) if result.written else [],
            **({"lock": {"bump": gate.bump, "accepted": list(gate.accepted)}} if gate else {}),
        }
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    elif result.builds:
        sys.stdout.write(table(result.builds, result.diagnostics))
    if gate is not None and args.format == "text" and not args.quiet:
        for line in gate.accepted:
            print(f"toolc: {LOCK_FILE}: accepted {line}", file=sys.stderr)
        summary = bump_line(gate, result.catalog.server.version if result.catalog else "")
        if summary:
            print(summary, file=sys.stderr)
    if not result.ok:
        return 1
    elapsed = time.perf_counter() - start
    written = result.written
    if args.command == "check":
        if written is not None and written.stale:
            if args.format == "text":
                sys.stdout.write(written.diff)
            print(
                f"toolc: generated/ is stale ({len(written.changed)} changed, "
                f"{len(written.deleted)} stale files) — run `toolc generate` and commit.",
                file=sys.stderr,
            )
            return 1
        progress(f"toolc: generated/ is up to date ({elapsed:.2f}s)")
        return 0
    if written is not None:
        reused = ", models reused" if result.models_reused else ""
        progress(
            f"toolc: {len(written.changed)} written, {len(written.deleted)} deleted"
            f"{reused} ({elapsed:.2f}s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
