"""Parameter rules (E024, E025): required names, valid JSON Schemas."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..diagnostics import Diagnostic, error
from ..schema_refs import def_name, refs, with_defs
from .context import Context, hint, op_label, quoted
from .defs import catalog_defs, declared_schemas

_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


def required_are_params(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        for i, name in enumerate(op.data.get("required") or ()):
            if name not in op.params:
                yield error(
                    ctx.at((*op.path, "required", i)),
                    "E024",
                    f'{op_label(op)} requires "{name}", which is not one of its params',
                    hint(name, op.params, f'declare "{name}" under "params"'),
                )


# Exactly what Draft202012Validator.check_schema builds, made once.
_META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


@functools.lru_cache(maxsize=4096)
def _schema_error_of(canonical: str) -> SchemaError | None:
    first = next(iter(_META.iter_errors(json.loads(canonical))), None)
    return None if first is None else SchemaError.create_from(first)


def _schema_error(schema: Any) -> SchemaError | None:
    """Draft202012Validator.check_schema's verdict, checked once per distinct schema.

    Catalogs repeat parameter shapes ({type: string}, ids, limits) across operations; checking
    each distinct one once makes validation of a 1,000-operation catalog several times faster.
    """
    return _schema_error_of(json.dumps(schema, sort_keys=True))


def _resolvable(schema: Any, defs: dict[str, Any]) -> dict[str, Any] | None:
    """`schema` with the defs it reaches attached, or None when one of its refs is broken (E028)."""
    if any(def_name(ref) not in defs for _, ref in refs(schema)):
        return None
    return with_defs(schema, defs)


def schemas_are_valid(ctx: Context) -> Iterator[Diagnostic]:
    defs = catalog_defs(ctx)
    for path, label, schema in declared_schemas(ctx):
        exc = _schema_error(schema)
        if exc is not None:
            where = (*path, *exc.absolute_path)
            message = " ".join(exc.message.split())
            if where[-1:] == ("type",) and isinstance(exc.instance, str):
                fix = hint(exc.instance, _JSON_TYPES, "use one of " + quoted(_JSON_TYPES))
                yield error(
                    ctx.at(where), "E025", f'{label} has the unknown type "{exc.instance}"', fix
                )
                continue
            yield error(
                ctx.at(where),
                "E025",
                f"{label} is not valid JSON Schema ({message})",
                "correct the schema",
            )
            continue
        if label.startswith('"returns"') and schema.get("type") != "object":
            yield error(
                ctx.at(path),
                "E025",
                f"{label} is not an object schema",
                'set "type: object" and describe the result\'s properties',
            )
        elif "default" in schema:
            full = _resolvable(schema, defs)
            if full is None:
                continue
            problem = next(iter(Draft202012Validator(full).iter_errors(schema["default"])), None)
            if problem is not None:
                yield error(
                    ctx.at((*path, "default")),
                    "E025",
                    f"the default of {label} does not match its own schema",
                    "change the default or the schema",
                )
