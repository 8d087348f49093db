"""The config language of upstream proxy handlers: `upstreams:` and `upstream` / `tool` / `set`.

An operation forwards to an upstream tool when it (or, for a master tool, the tool) names
`upstream`; an operation that names its own `handler` keeps the handler. Shared by the semantic
rules (generator/rules/upstreams.py) and by `lower`, so both read the YAML the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import ir

if TYPE_CHECKING:
    from ..lower import OpEntry, ToolEntry
    from ..source import Document, KeyPath

DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_CONNECT_TIMEOUT = 10.0

# `${NAME}`: NAME is an environment variable name. `$$` writes a literal `$`.
ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
ENV_REF = re.compile(r"\$\{(" + ENV_NAME + r")\}")
_TOKEN = re.compile(r"\$\$|\$\{[^}]*\}?|\$")


@dataclass(frozen=True, slots=True)
class ForwardEntry:
    upstream: str
    path: KeyPath  # where `upstream` is written (the operation's or the tool's)
    tool: str  # the upstream tool's name
    fixed: dict[str, Any]


def forward_entry(tool: ToolEntry, op: OpEntry) -> ForwardEntry | None:
    """Where an operation forwards to; None when a handler serves it."""
    own = op.data if op.master else tool.data
    if op.master and "upstream" not in own and "handler" in own:
        return None
    source = own if "upstream" in own else tool.data
    name = source.get("upstream")
    if not isinstance(name, str):
        return None
    path: KeyPath = (*(op.path if source is op.data else tool.path), "upstream")
    target = own.get("tool")
    fixed = own.get("set")
    return ForwardEntry(
        name,
        path,
        target if isinstance(target, str) else op.name,
        dict(fixed) if isinstance(fixed, dict) else {},
    )


def env_ref_problem(text: str) -> str | None:
    """Why `text` holds a malformed `${NAME}` reference, or None when every `$` is well-formed."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "$$" or ENV_REF.fullmatch(token):
            continue
        if token == "$":
            return 'has a "$" that starts no "${NAME}" reference (write "$$" for a literal "$")'
        if not token.endswith("}"):
            return f'has an unclosed reference "{token[:40]}"'
        return f'has "{token[:40]}", whose name is not an environment variable name'
    return None


def env_refs(text: str) -> tuple[str, ...]:
    """The environment variable names `text` refers to, in order (`$${A}` refers to none)."""
    found = (ENV_REF.fullmatch(m.group()) for m in _TOKEN.finditer(text))
    return tuple(m.group(1) for m in found if m is not None)


def upstreams(doc: Document) -> tuple[ir.Upstream, ...]:
    """The catalog's `upstreams`, lowered (the rules have checked their shape)."""
    out: list[ir.Upstream] = []
    for name, raw in (doc.data.get("upstreams") or {}).items():
        out.append(
            ir.Upstream(
                name=name,
                command=raw.get("command"),
                args=tuple(str(a) for a in raw.get("args") or ()),
                env=tuple((str(k), str(v)) for k, v in (raw.get("env") or {}).items()),
                cwd=raw.get("cwd"),
                url=raw.get("url"),
                headers=tuple((str(k), str(v)) for k, v in (raw.get("headers") or {}).items()),
                max_concurrency=int(raw.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)),
                connect_timeout=float(raw.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT)),
                span=doc.source_map.key_span(("upstreams", name)),
            )
        )
    return tuple(out)


def forward(doc: Document, tool: ToolEntry, op: OpEntry) -> ir.Forward | None:
    """The operation's `ir.Forward`, or None when a handler serves it."""
    entry = forward_entry(tool, op)
    if entry is None:
        return None
    own = op.path if op.master else tool.path
    data = op.data if op.master else tool.data
    # where a live check points: the `tool` it names, else the operation (or plain tool) itself
    span = doc.source_map.span((*own, "tool")) if "tool" in data else doc.source_map.key_span(own)
    return ir.Forward(
        upstream=entry.upstream,
        tool=entry.tool,
        fixed=tuple(entry.fixed.items()),
        span=span,
    )


def spec(upstream: ir.Upstream) -> dict[str, Any]:
    """The runtime's table of one upstream (plain data; `${NAME}` references kept)."""
    table: dict[str, Any] = {
        "name": upstream.name,
        "max_concurrency": upstream.max_concurrency,
        "connect_timeout": float(upstream.connect_timeout),
    }
    if upstream.url is not None:
        table.update(url=upstream.url, headers=dict(upstream.headers))
    else:
        table.update(command=upstream.command, args=list(upstream.args), env=dict(upstream.env))
        if upstream.cwd is not None:
            table["cwd"] = upstream.cwd
    return table
