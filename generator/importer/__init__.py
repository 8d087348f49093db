"""`toolc import`: draft a toolc project (tools.yaml, clients/, handlers) from an existing MCP
server's flat tool list, grouping the tools into master tools and keeping every original name
callable as a legacy name. The CLI parses options and calls the stages here:
sources (read the tools) -> grouping (propose) -> draft (catalog) -> stubs / proxy -> write ->
compile check (the real compiler, stages 1-4) -> fit (client files inside each limit).

Messages go to stderr as `toolc import: severity[CODE]: what — how to fix`, codes E090-E094
and W090-W094 (see `CODES`).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

CODES = {
    "E090": "the source's tools cannot be read (no server, not JSON, no tool list)",
    "E091": "the options do not fit together or a value is malformed",
    "E092": "the --group-map file cannot be used",
    "E093": "the draft does not compile (the compiler's diagnostics follow)",
    "E094": "the output folder already holds a project",
    "W090": "an original name is no valid MCP tool name and cannot stay callable",
    "W091": "part of an original schema has no place in the draft and is dropped",
    "W092": "a tool does not join its group (a conflicting parameter, or `operation`)",
    "W093": "two names collided and one was renamed",
    "W094": "a fitted client loses tools",
}


class ImportFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def say(code: str, message: str) -> None:
    severity = "error" if code.startswith("E") else "warning"
    sys.stderr.write(f"toolc import: {severity}[{code}]: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="toolc import",
        description="Draft tools.yaml + clients/ (+ handlers) from an existing MCP server's tools.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--command", help="start a stdio server, e.g. 'npx -y some-server'")
    src.add_argument("--url", help="a Streamable HTTP endpoint, e.g. http://127.0.0.1:8080/mcp")
    src.add_argument("--from-json", type=Path, help="a saved tools/list result or array of tools")
    p.add_argument(
        "--header", action="append", default=[], help="'Name: value' for --url (repeatable)"
    )
    p.add_argument(
        "--env",
        action="append",
        default=[],
        help="an environment variable the stdio server needs (repeatable)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("."), help="the project folder to write (default: .)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing tools.yaml")
    p.add_argument("--name", help="server.name of the draft (default: the server's own name)")
    p.add_argument("--handlers", choices=("stub", "proxy"), default="stub")
    p.add_argument("--upstream-name", help="the upstream's name with --handlers proxy")
    p.add_argument("--group-map", type=Path, help="JSON or YAML mapping: original tool -> group")
    p.add_argument("--no-group", action="store_true", help="keep every tool a plain tool")
    p.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="CLIENT:TOOLS[:BYTES]",
        help="a client file fitting these limits (repeatable)",
    )
    return p


def _headers(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9-]+", name.strip()):
            raise ImportFailed(
                "E091",
                f'--header "{item[:40]}" is not "Name: value" — '
                'write it like "Authorization: Bearer ..."',
            )
        out[name.strip()] = value.strip()
    return out


def _group_map(path: Path) -> dict[str, str]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed(
            "E092",
            f'cannot read "{path.name}" ({type(exc).__name__}) — '
            "give a JSON or YAML mapping of tool -> group",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportFailed(
            "E092",
            f'"{path.name}" is no mapping of tool name -> group name — '
            'write e.g. {"create_issue": "issues"}',
        )
    bad = [v for v in data.values() if not re.fullmatch(r"[A-Za-z0-9._-]{1,128}", v)]
    if bad:
        raise ImportFailed(
            "E092",
            f'group "{bad[0][:40]}" is no valid MCP tool name — use letters, digits, "_", "-", "."',
        )
    return data


def _ident(text: str, default: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name if name and name[0].isalpha() else default


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except ImportFailed as exc:
        say(exc.code, str(exc))
        return 1


def _source_label(args: argparse.Namespace) -> str:
    if args.command:
        return f"--command {json.dumps(args.command)}"
    if args.url:
        return f"--url {args.url}"
    return f"--from-json {args.from_json.name}"


def run(args: argparse.Namespace) -> int:
    from . import sources
    from .draft import Upstream, build_draft
    from .fit import parse_fit
    from .grouping import propose
    from .render import proposal_table

    specs = []
    for text in args.fit:
        spec = parse_fit(text)
        if spec is None or spec.client == "all":
            raise ImportFailed(
                "E091",
                f'--fit "{text[:40]}" is not CLIENT:TOOLS[:BYTES] with a client other than '
                '"all" — write e.g. cursor:40 or mobile:30:16000',
            )
        specs.append(spec)
    if args.handlers == "proxy" and args.from_json:
        raise ImportFailed(
            "E091",
            "--handlers proxy forwards to a live server — "
            "use --command or --url, or --handlers stub",
        )
    if args.group_map and args.no_group:
        raise ImportFailed("E091", "--group-map and --no-group exclude each other — pick one")
    headers = _headers(args.header)
    group_map = _group_map(args.group_map) if args.group_map else None
    out: Path = args.out
    if (out / "tools.yaml").exists() and not args.force:
        raise ImportFailed(
            "E094", f'"{out}" already holds a tools.yaml — choose another --out or pass --force'
        )
    try:
        if args.command:
            source = sources.from_command(args.command, tuple(args.env))
        elif args.url:
            source = sources.from_url(args.url, headers)
        else:
            source = sources.from_json(args.from_json)
    except sources.SourceError as exc:
        raise ImportFailed("E090", str(exc)) from None
    tools: dict[str, dict[str, Any]] = {}
    for tool in source.tools:
        if tool["name"] in tools:
            say("W093", f'the server lists "{tool["name"][:60]}" twice — the first one is kept')
            continue
        tools[tool["name"]] = tool
    if not tools:
        raise ImportFailed("E090", "the source lists no tools — nothing to import")
    params = {n: (t.get("inputSchema") or {}).get("properties") or {} for n, t in tools.items()}
    proposal = propose(params, group_map=group_map, no_group=args.no_group)
    sys.stderr.write(proposal_table(proposal))
    server_name = (
        args.name or source.server_name or (args.from_json.stem if args.from_json else "imported")
    )
    server: dict[str, Any] = {"name": server_name, "version": source.server_version or "0.1.0"}
    if source.instructions:
        server["instructions"] = source.instructions
    upstream = None
    if args.handlers == "proxy":
        own = (source.server_name or "").rsplit("/", 1)[-1]  # "mcp-servers/everything"
        name = args.upstream_name or _ident(own, "upstream")
        upstream = Upstream(name, _upstream_spec(args, name, headers))
    draft = build_draft(tools, proposal, server=server, upstream=upstream)
    for code, message in draft.notes:
        say(code, message)
    from .write import write_project

    return write_project(
        out,
        draft,
        specs,
        source=_source_label(args),
        count=len(tools),
        server_label=f'"{server_name}" {server["version"]}',
        handlers=args.handlers,
    )


def _literal(text: str) -> str:
    """A value written as it is: `${` would read as an environment reference, so `$${`."""
    return text.replace("${", "$${")


def _upstream_spec(args: argparse.Namespace, name: str, headers: dict[str, str]) -> dict[str, Any]:
    """The `upstreams:` entry: secrets only as ${NAME} environment references."""
    if args.command:
        argv = [_literal(a) for a in shlex.split(args.command)]
        spec: dict[str, Any] = {"command": argv[0], "args": argv[1:]}
        if args.env:
            spec["env"] = {n: "${" + n + "}" for n in args.env}
        return spec
    spec = {"url": _literal(args.url)}
    if headers:
        refs = {}
        for header in headers:
            var = re.sub(r"[^A-Z0-9]+", "_", f"{name}_{header}".upper()).strip("_")
            refs[header] = "${" + var + "}"
            sys.stderr.write(
                f"toolc import: header {header} is read from ${var} at run time — "
                "set it where the server runs\n"
            )
        spec["headers"] = refs
    return spec


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
