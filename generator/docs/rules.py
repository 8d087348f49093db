"""Rules of the reference pages: declared examples fit (E100); every operation has one (W100).

Run with the other semantic rules (generator/rules), on Documents that passed the JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, error, excerpt
from ..rules.context import Context, op_label
from ..rules.defs import catalog_defs
from ..schema_refs import def_name, refs
from .examples import choose, object_schema, problems


def _usable(params: dict[str, Any], defs: dict[str, Any]) -> bool:
    """Every schema is an object and every $ref resolves (else E025 / E028 report it)."""
    for schema in params.values():
        if not isinstance(schema, dict):
            return False
        if any(def_name(r) not in defs for _, r in refs(schema)):
            return False
    return True


def examples_fit(ctx: Context) -> Iterator[Diagnostic]:
    """E100 for a declared example the parameters refuse; W100 for an operation without any
    valid example (none declared, and none can be derived from its schemas)."""
    defs = catalog_defs(ctx)
    for _, op in ctx.ops():
        if not _usable(op.params, defs):
            continue
        required = [r for r in op.data.get("required") or () if isinstance(r, str)]
        closed = (op.data.get("additional_params") or "forbid") != "allow"
        schema = object_schema(op.params, required, closed=closed, defs=defs)
        declared = op.data.get("examples") or []
        for index, example in enumerate(declared):
            found = problems(example, schema)
            if found:
                yield error(
                    ctx.at((*op.path, "examples", index)),
                    "E100",
                    f"example {index + 1} of {op_label(op)} is not a valid call "
                    f"({excerpt(found[0], 100)})",
                    "correct it; examples use the parameters' wire names, without operation",
                )
        if any(r not in op.params for r in required):
            continue  # E024's
        if not declared and choose(op.params, required, (), schema, defs) is None:
            yield error(
                ctx.key_at(op.path),
                "W100",
                f"no valid example call can be derived for {op_label(op)}, so its reference "
                "page shows none",
                'add "examples: [{...}]" to the operation',
            )
