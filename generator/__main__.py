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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: a no-op run (generator/noop.py) loads none of the compiler
    from .compat import Gate
    from .diagnostics import Diagnostic
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
    return table_of([_row(b, diagnostics) for b in builds])


# (heading, _row key): rows are read by key, so a row remembered by an older toolc still prints
_COLUMNS = (
    ("client", "client"),
    ("tools exposed", "exposed"),
    ("counted", "counted"),
    ("limit", "limit"),
    ("tools/list bytes", "bytes"),
    ("budget", "budget"),
    ("tokens", "tokens"),
    ("budget", "token_budget"),
    ("status", "status"),
)


def table_of(data: list[dict[str, object]]) -> str:
    heads = [head for head, _ in _COLUMNS]
    rows = [
        [str(v if (v := row.get(key)) is not None else "-") for _, key in _COLUMNS] for row in data
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
    from .compat import gate, today

    return gate(args.root, catalog, builds, today(args.today), args.trace)


def sunsets(catalog: Catalog) -> list[str]:
    """Every sunset date in the catalog (legacy names, tool aliases): a no-op `check` is valid
    only until the next one passes (W001, generator/noop.py)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                item = getattr(value, f.name)
                if f.name == "sunset" and isinstance(item, str):
                    found.append(item)
                elif isinstance(item, tuple) or dataclasses.is_dataclass(item):
                    walk(item)

    walk(catalog)
    return found


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
            sub.add_argument(
                "--upstreams",
                action="store_true",
                help="also connect to each upstream and check its forwarded tools (E099)",
            )
    dist_parser = commands.add_parser("dist", help="package each client build as a wheel")
    lock_parser = commands.add_parser("lock", help="write tools.lock")
    breaking_parser = commands.add_parser("breaking", help="compare with a ref")
    # their modules (and options) only when they can matter: a no-op generate stays light
    if argv is None or argv[:1] == ["dist"]:
        from . import dist  # the per-client wheel packager (its own module and options)

        dist.add_arguments(dist_parser)
    if argv is None or argv[:1] in (["lock"], ["breaking"]):
        from .compat import cli as compat_cli  # toolc lock / toolc breaking

        compat_cli.add_lock_arguments(lock_parser)
        compat_cli.add_breaking_arguments(breaking_parser)
    args = parser.parse_args(argv)
    if args.command == "dist":
        from . import dist

        return dist.main(args)
    if args.command in ("lock", "breaking"):
        from .compat import cli as compat_cli

        return compat_cli.main(args.command, args)
    start = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    from . import noop

    # a check told which day it is or which spans to count always runs the compatibility gate
    custom = args.command == "check" and (args.today or args.trace or args.upstreams)
    rows = None if custom else noop.unchanged(args.root, gated=args.command == "check")
    shown = noop.recorded_warnings(args.root) if rows is not None else ""
    if shown and args.format == "json":
        rows = None  # JSON output carries diagnostics as data: the full run produces them
    if rows is not None:  # nothing changed since the last clean run: no YAML is parsed
        if shown and not args.quiet:
            sys.stderr.write(shown)  # warnings are shown on every run until fixed
        if args.format == "json":
            doc = {"ok": True, "stale": False, "unchanged": True, "clients": rows}
            sys.stdout.write(json.dumps(doc | {"changed": [], "deleted": []}, indent=2) + "\n")
        else:
            sys.stdout.write(table_of(rows))
        elapsed = time.perf_counter() - start
        progress(f"toolc: inputs unchanged, generated/ is up to date ({elapsed:.2f}s)")
        return 0
    try:
        from . import build

        result = build(args.root, check=args.command == "check", progress=progress)
    except Exception:
        print("toolc: internal error, please report it with this traceback:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 2

    from .compat import LOCK_FILE, bump_line
    from .diagnostics import normalize, render_json, render_text

    gate = None
    if args.command == "check" and result.ok and result.catalog is not None:
        gate = compat_gate(args, result.catalog, result.builds)
        result = dataclasses.replace(
            result, diagnostics=normalize((*result.diagnostics, *gate.diagnostics))
        )
        if args.upstreams and result.catalog is not None:  # live: connect to each upstream
            from .upstreams import live

            found = live.check(result.catalog)
            result = dataclasses.replace(
                result, diagnostics=normalize((*result.diagnostics, *found))
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
        noop.forget(args.root)
        return 1
    if result.stale and args.command == "check":
        noop.forget(args.root)  # a stale tree is reported every time
    else:
        # warnings only: recorded with the state and shown again by every no-op run until fixed
        days = sunsets(result.catalog) if result.catalog is not None else []
        rows = [_row(b, result.diagnostics) for b in result.builds]
        warnings = render_text(result.diagnostics) if result.diagnostics else ""
        noop.remember(
            args.root, result.packages, rows, days, gated=gate is not None, warnings=warnings
        )
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
