"""Upstream rules (E095-E098, W095-W096): `upstreams` are well-formed and every forwarding
operation names one of them, with `tool` / `set` that fit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, error
from ..upstreams.lang import env_ref_problem, env_refs, forward_entry
from .context import Context, hint, op_label, quoted

STDIO_KEYS = ("command", "args", "env", "cwd")
HTTP_KEYS = ("url", "headers")
# names whose values are secrets: a literal value there belongs in the environment
_SECRET_NAME = re.compile(
    r"(?i)(authorization|token|secret|passw(or)?d|api[-_]?key|credential|private[-_]?key|cookie)"
)
# values that look like credentials whatever their name
_SECRET_VALUE = re.compile(
    r"(?i)^(bearer|basic|token)\s+\S{8,}|^(sk|pk|ghp|gho|ghs|xox[abp]|glpat|AKIA)[-_A-Za-z0-9]{8,}"
)


def _upstreams(ctx: Context) -> dict[str, Any]:
    if ctx.catalog is None:
        return {}
    found = ctx.catalog.data.get("upstreams") or {}
    return found if isinstance(found, dict) else {}


def upstreams_resolve(ctx: Context) -> Iterator[Diagnostic]:
    declared = list(_upstreams(ctx))
    for tool, op in ctx.ops():
        entry = forward_entry(tool, op)
        if entry is None or entry.upstream in declared:
            continue
        known = f"declared: {quoted(declared)}" if declared else "none is declared"
        yield error(
            ctx.at(entry.path),
            "E095",
            f'{op_label(op)} forwards to upstream "{entry.upstream}", which "upstreams" does not '
            "declare",
            hint(entry.upstream, declared, f'declare it under "upstreams" ({known})'),
        )


def forward_keys_fit(ctx: Context) -> Iterator[Diagnostic]:
    for tool, op in ctx.ops():
        own = op.data if op.master else tool.data
        if "upstream" in own and "handler" in own:
            yield error(
                ctx.at((*op.path, "handler")),
                "E096",
                f'{op_label(op)} names both "upstream" and "handler"',
                "keep one: an operation is served by a handler or forwarded to an upstream",
            )
        entry = forward_entry(tool, op)
        for key in ("tool", "set"):
            if key in own and entry is None:
                yield error(
                    ctx.key_at((*op.path, key)),
                    "E096",
                    f'{op_label(op)} sets "{key}" but forwards to no upstream',
                    f'add "upstream: NAME" or remove "{key}"',
                )
        fixed = own.get("set")
        for name in fixed if isinstance(fixed, dict) and entry is not None else ():
            if name in op.params:
                yield error(
                    ctx.key_at((*op.path, "set", name)),
                    "E096",
                    f'"set" fixes "{name}", which is also a parameter of {op_label(op)}',
                    f'drop "{name}" from "params" (callers cannot change it) or from "set"',
                )
    for tool in ctx.tools:
        for key in ("tool", "set") if tool.master else ():
            if key in tool.data:
                yield error(
                    ctx.key_at((*tool.path, key)),
                    "E096",
                    f'master tool "{tool.name}" sets "{key}" on the tool',
                    f'set "{key}" on each operation that forwards',
                )


def _strings(raw: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(key path inside the upstream, string) of every value that may hold `${NAME}`."""
    for key in ("command", "cwd", "url"):
        if isinstance(raw.get(key), str):
            yield (key,), raw[key]
    for i, arg in enumerate(raw.get("args") or ()):
        yield ("args", i), str(arg)
    for key in ("env", "headers"):
        for name, value in (raw.get(key) or {}).items():
            yield (key, name), str(value)


def env_references_valid(ctx: Context) -> Iterator[Diagnostic]:
    for name, raw in _upstreams(ctx).items():
        for path, text in _strings(raw):
            problem = env_ref_problem(text)
            if problem is not None:
                yield error(
                    ctx.at(("upstreams", name, *path)),
                    "E097",
                    f'{".".join(map(str, path))} of upstream "{name}" {problem}',
                    'write environment references as "${NAME}" (letters, digits, "_")',
                )


def upstreams_well_formed(ctx: Context) -> Iterator[Diagnostic]:
    for name, raw in _upstreams(ctx).items():
        stdio = [k for k in STDIO_KEYS if k in raw]
        http = [k for k in HTTP_KEYS if k in raw]
        span = ctx.key_at(("upstreams", name))
        if "command" not in raw and "url" not in raw:
            yield error(
                span,
                "E098",
                f'upstream "{name}" has neither "command" nor "url"',
                'add "command" (a stdio server) or "url" (a Streamable HTTP server)',
            )
        elif stdio and http:
            yield error(
                span,
                "E098",
                f'upstream "{name}" mixes stdio keys ({quoted(stdio)}) with HTTP keys '
                f"({quoted(http)})",
                'keep "command" with "args", "env", "cwd", or "url" with "headers"',
            )


def secrets_are_references(ctx: Context) -> Iterator[Diagnostic]:
    for name, raw in _upstreams(ctx).items():
        for key in ("env", "headers"):
            for var, value in (raw.get(key) or {}).items():
                text = str(value)
                literal = literal_part(text)
                if not literal:
                    continue
                if _SECRET_NAME.search(str(var)) or _SECRET_VALUE.search(literal.strip()):
                    yield error(
                        ctx.at(("upstreams", name, key, var)),
                        "W095",
                        f'{key}.{var} of upstream "{name}" holds a literal value that looks like '
                        "a secret",
                        f'write it as an environment reference, e.g. "${{{_env_name(var)}}}", '
                        "and set that variable where the server runs",
                    )


def literal_part(text: str) -> str:
    """`text` without its `${NAME}` references and the words that only introduce one."""
    rest = re.sub(r"\$\{[^}]*\}", "", text)
    if env_refs(text):
        rest = re.sub(r"(?i)\b(bearer|basic|token)\b", "", rest)
    return rest.strip(" \t:=")


def _env_name(var: object) -> str:
    text = re.sub(r"[^A-Za-z0-9_]+", "_", str(var)).strip("_").upper() or "SECRET"
    return "TOKEN" if text == "AUTHORIZATION" else text


def upstreams_used(ctx: Context) -> Iterator[Diagnostic]:
    used = {e.upstream for t, o in ctx.ops() if (e := forward_entry(t, o)) is not None}
    for name in _upstreams(ctx):
        if name not in used:
            yield error(
                ctx.key_at(("upstreams", name)),
                "W096",
                f'upstream "{name}" is declared but no operation forwards to it',
                'remove it or add "upstream: ' + name + '" to an operation',
            )
