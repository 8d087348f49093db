"""Rules for shared schemas (E028, W004): every `$ref` names a def; every def is used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean, error
from ..schema_refs import DEFS_PREFIX, SCOPE_KEYWORDS, def_name, reachable, walk
from ..source import KeyPath
from .context import Context, op_label


def catalog_defs(ctx: Context) -> dict[str, Any]:
    if ctx.catalog is None:
        return {}
    defs = ctx.catalog.data.get("defs") or {}
    return defs if isinstance(defs, dict) else {}


def declared_schemas(ctx: Context) -> Iterator[tuple[KeyPath, str, Any]]:
    """(path, label, schema) of every params, returns and defs schema of the catalog."""
    for name, schema in catalog_defs(ctx).items():
        yield ("defs", name), f'def "{name}"', schema
    for _, op in ctx.ops():
        for name, schema in op.params.items():
            yield (*op.path, "params", name), f'parameter "{name}" of {op_label(op)}', schema
        if "returns" in op.data:
            yield (*op.path, "returns"), f'"returns" of {op_label(op)}', op.data["returns"]


def refs_resolve(ctx: Context) -> Iterator[Diagnostic]:
    defs = catalog_defs(ctx)
    for path, label, schema in declared_schemas(ctx):
        for where, node in walk(schema, path):
            for key in SCOPE_KEYWORDS:
                if key in node:
                    yield error(
                        ctx.key_at((*where, key)),
                        "E028",
                        f'{label} declares "{key}" inside a schema, where "#" means the root of '
                        "the tool's schema, not this one",
                        f'declare shared schemas under the top-level "defs" and use '
                        f'{{"$ref": "{DEFS_PREFIX}NAME"}}',
                    )
            ref = node.get("$ref")
            if isinstance(ref, str):
                problem = _unresolved(ref, defs)
                if problem is not None:
                    yield error(
                        ctx.at((*where, "$ref")),
                        "E028",
                        f'$ref "{ref}" in {label} does not resolve',
                        problem,
                    )


def _unresolved(ref: str, defs: dict[str, Any]) -> str | None:
    """How to fix `ref` when it names no def; None when it resolves."""
    name = def_name(ref)
    if name is None:
        return f'refer to a top-level def as "{DEFS_PREFIX}NAME"'
    if name in defs:
        return None
    close = did_you_mean(name, defs)
    if close is not None:
        return f'did you mean "{DEFS_PREFIX}{close}"'
    return f'declare "{name}" under the top-level "defs"'


def defs_used(ctx: Context) -> Iterator[Diagnostic]:
    defs = catalog_defs(ctx)
    if not defs:
        return
    roots = [schema for path, _, schema in declared_schemas(ctx) if path[0] != "defs"]
    used = set(reachable(roots, defs))
    for name in defs:
        if name not in used:
            yield error(
                ctx.key_at(("defs", name)),
                "W004",
                f'def "{name}" is not used by any params or returns',
                f'remove it, or use it as {{"$ref": "{DEFS_PREFIX}{name}"}}',
            )
