"""`toolc check --upstreams`: connect to every upstream the catalog forwards to and prove that
each forwarded tool still exists there with an input schema that accepts what the operation
forwards (E099).

The schema comparison is the compatibility gate's (`generator/compat/schema_diff.input_changes`):
the operation's declared input, plus its `set` arguments as required constants, is the "before"
and the upstream tool's `inputSchema` the "after"; every way the upstream would refuse or
reinterpret a call the operation accepts is reported. Connections go through the runtime's own
upstream client (`toolc.runtime.upstream`), with each upstream's `connect_timeout`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..compat.schema_diff import input_changes
from ..diagnostics import Diagnostic, did_you_mean, error
from ..ir import Catalog, Operation, Tool, Upstream
from .lang import spec

LIST_PAGES = 100  # tools/list pages read per upstream at most


def forwarded(catalog: Catalog) -> Iterator[tuple[Tool, Operation]]:
    for tool in catalog.tools:
        for op in tool.operations:
            if op.forward is not None:
                yield tool, op


def declared_input(catalog: Catalog, op: Operation, theirs: dict[str, Any]) -> dict[str, Any]:
    """What the operation forwards, as a JSON Schema: its params, and its `set` arguments as
    always given (their values are checked against the upstream's schema on their own)."""
    assert op.forward is not None
    properties: dict[str, Any] = {p.name: p.schema for p in op.params}
    required = [p.name for p in op.params if p.required]
    upstream_props = theirs.get("properties") or {}
    for name, _ in op.forward.fixed:
        properties[name] = upstream_props.get(name, {})
        required.append(name)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    if catalog.defs:
        schema["$defs"] = {d.name: d.schema for d in catalog.defs}
    return schema


def label(tool: Tool, op: Operation) -> str:
    if tool.kind == "plain":
        return f'tool "{tool.name}"'
    return f'operation "{op.name}" of tool "{tool.name}"'


def compare(
    catalog: Catalog, upstream: Upstream, listed: dict[str, dict[str, Any]]
) -> Iterator[Diagnostic]:
    """E099 for each forwarded operation whose tool `listed` lacks or whose schema refuses it."""
    for tool, op in forwarded(catalog):
        assert op.forward is not None
        if op.forward.upstream != upstream.name:
            continue
        target = op.forward.tool
        schema = listed.get(target)
        if schema is None:
            close = did_you_mean(target, listed)
            yield error(
                op.forward.span,
                "E099",
                f'{label(tool, op)} forwards to tool "{target}", which upstream '
                f'"{upstream.name}" does not list',
                f'did you mean "{close}"' if close else 'name a tool it lists in "tool"',
            )
            continue
        ours = declared_input(catalog, op, schema)
        problems = [m for _, _, m in input_changes(ours, schema, (ours, schema))]
        problems.extend(_fixed_problems(op, schema))
        for message in problems:
            yield error(
                op.forward.span,
                "E099",
                f'tool "{target}" of upstream "{upstream.name}" refuses calls that '
                f"{label(tool, op)} accepts: {message}",
                "change the operation's params (or set) to match the upstream",
            )


def _fixed_problems(op: Operation, theirs: dict[str, Any]) -> Iterator[str]:
    """How the upstream's schema refuses the operation's `set` values."""
    from jsonschema import Draft202012Validator

    assert op.forward is not None
    props = theirs.get("properties") or {}
    for name, value in op.forward.fixed:
        if name not in props:
            if theirs.get("additionalProperties") is False:
                yield f'it has no argument "{name}", which "set" fixes'
            continue
        root = {**props[name], "$defs": theirs.get("$defs") or {}}
        errors = sorted(Draft202012Validator(root).iter_errors(value), key=str)
        if errors:
            yield f'"set" gives "{name}" a value it refuses ({errors[0].message[:80]})'


async def _listing(upstream: Upstream) -> dict[str, dict[str, Any]]:
    from mcp import types

    from toolc.runtime.upstream.connection import Connection

    conn = Connection(spec(upstream))
    try:
        session = await conn.session()
        found: dict[str, dict[str, Any]] = {}
        cursor: str | None = None
        for _ in range(LIST_PAGES):
            params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await session.list_tools(params=params)
            found.update({t.name: dict(t.input_schema) for t in page.tools})
            cursor = page.next_cursor
            if not cursor:
                break
        return found
    finally:
        await conn.close()


async def _check(catalog: Catalog) -> list[Diagnostic]:
    import anyio

    from toolc.runtime.upstream.connection import Unavailable, describe

    used = {op.forward.upstream for _, op in forwarded(catalog) if op.forward is not None}
    out: list[Diagnostic] = []
    for upstream in catalog.upstreams:
        if upstream.name not in used:
            continue
        try:
            with anyio.fail_after(upstream.connect_timeout + 30):
                listed = await _listing(upstream)
        except Exception as exc:  # reported as E099, never raised
            reason = str(exc) if isinstance(exc, Unavailable) else describe(exc)
            if isinstance(exc, TimeoutError):
                reason = "it did not list its tools in time"
            out.append(
                error(
                    upstream.span,
                    "E099",
                    f'upstream "{upstream.name}" cannot be checked: {reason}',
                    "start it (or fix its command / url and environment), then run the check again",
                )
            )
            continue
        out.extend(compare(catalog, upstream, listed))
    return out


def check(catalog: Catalog) -> list[Diagnostic]:
    """E099 diagnostics of every upstream the catalog forwards to (connects to each live)."""
    import anyio

    return anyio.run(_check, catalog)
