"""The exact `tools/list` entries of one client: the shortest listing that still says everything.

Every listed byte is paid in tokens on every request, so an entry states nothing the protocol
already implies and nothing twice:

- **Annotations** equal to the protocol's defaults are left out (`readOnlyHint: false`,
  `destructiveHint: true`, `idempotentHint: false`, `openWorldHint: true`); a read-only tool
  states `readOnlyHint: true` and no destructive or idempotent hint (they mean nothing then).
  `openWorldHint: false` is listed when every operation declares `open_world: false`. No hint
  left: no `annotations` key.
- **`additionalProperties: false`** is listed only for clients with `strict_schema: true`; the
  runtime refuses unknown arguments either way, naming them. A union-dialect schema closes all
  its branches with one `unevaluatedProperties: false` at its root instead.
- **Flat dialect**: the properties are the union of the operations' parameters; a name whose
  schemas differ in more than annotations becomes an `anyOf` of its structurally distinct schemas
  (the first declaration's annotations kept). What that union cannot say per operation goes into
  the description as an operation guide, as much as the client's `describe` asks for
  (`operation_guide`).
- **Union dialect**: one `oneOf` branch per operation carries its own parameters and required
  ones (`operation` is required once, at the root), so it needs no guide; a branch's description
  follows `describe` like a guide line. Its clients validate with a full JSON Schema validator,
  so the parameter schemas that several branches repeat are written once under `$defs` too.
- **outputSchema**: repeated subschemas are written once under `$defs` (schema_share), and a
  result schema another one already accepts is left out of the `anyOf` (`_widest`). None with
  `output_schema: false`. Listed legacy aliases carry none under `describe: compact` or `names`:
  their description names the master operation, whose result they return and whose entry
  lists it.
- **Keywords stated twice** (lengths an anchored pattern implies, a description that repeats
  its property's name) are left out of every listed schema (schema_trim); `tools.lock`'s
  contract (`contract_entry`) keeps every keyword.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from . import split
from .batch.listing import with_batch
from .guide import operation_guide, says_more
from .ir import (
    ClientProfile,
    ExposedTool,
    JsonSchema,
    JsonValue,
    LegacyName,
    Operation,
    Span,
    Tool,
)
from .portable import portable
from .schema_refs import with_defs
from .schema_share import share
from .schema_trim import trim

_ANNOTATION_KEYS = frozenset({"description", "title", "examples", "$comment"})


def hints(operations: Iterable[Operation]) -> dict[str, bool]:
    """The tool annotations that differ from MCP's defaults (see module doc); they hold for
    every one of `operations` (the merged reading of `split.hints`, which W005 checks)."""
    ops = tuple(operations)
    out: dict[str, bool] = {}
    if all(op.effect == "read" for op in ops):
        out["readOnlyHint"] = True
    else:
        if not any(op.effect == "destructive" for op in ops):
            out["destructiveHint"] = False
        if all(op.idempotent for op in ops):
            out["idempotentHint"] = True
    if ops and all(op.open_world is False for op in ops):
        out["openWorldHint"] = False
    return out


def object_schema(
    properties: dict[str, JsonValue], required: Iterable[str], *, strict: bool, closed: bool = True
) -> JsonSchema:
    """An object schema; `additionalProperties: false` only when the client lists it (`strict`)
    and the operation refuses other keys (`closed`; `additional_params: allow` leaves it open)."""
    schema: JsonSchema = {"type": "object", "properties": properties}
    req = list(required)
    if req:
        schema["required"] = req
    if strict and closed:
        schema["additionalProperties"] = False
    return schema


def output_schema(ops: tuple[Operation, ...]) -> JsonSchema | None:
    """The entry's outputSchema: only when every operation declares `returns`."""
    if not ops or any(op.returns is None for op in ops):
        return None
    # a result another operation's schema already accepts adds nothing to the union (_widest)
    distinct = _widest(_distinct(op.returns for op in ops if op.returns is not None))
    if len(distinct) == 1:
        only: JsonSchema = distinct[0]
        return only
    # the outer "type": "object" already holds for every branch
    branches = [
        {k: v for k, v in r.items() if k != "type"} if r.get("type") == "object" else r
        for r in distinct
    ]
    return {"type": "object", "anyOf": branches}


def _declared(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> JsonValue:
    """A schema self-contained (schema_refs) and portable (portable), every keyword kept."""
    return portable(with_defs(schema, defs))


def _listed(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> JsonValue:
    """A schema as it goes on the wire: `_declared`, without what it states twice (schema_trim)."""
    return trim(_declared(schema, defs))


def _with_hints(entry: dict[str, JsonValue], ops: Iterable[Operation]) -> None:
    annotations = hints(ops)
    if annotations:
        entry["annotations"] = annotations


def _extras(tool: Tool, entry: dict[str, JsonValue]) -> None:
    """The tool's `icons` and `meta` (as `_meta`), verbatim, on each entry it lists."""
    if tool.icons:
        entry["icons"] = list(tool.icons)
    if tool.meta is not None:
        entry["_meta"] = tool.meta


def tool_entry(
    tool: Tool, visible: str, profile: ClientProfile, defs: Mapping[str, JsonSchema]
) -> JsonValue:
    """The tool's tools/list entry; a schema that uses `defs` carries them (schema_refs)."""
    ops = tool.operations
    strict = profile.strict_schema
    entry: dict[str, JsonValue] = {"name": visible}
    if tool.title is not None:
        entry["title"] = tool.title
    if tool.kind == "plain":
        op = ops[0]
        description = tool.description or op.description
        props = {p.name: p.schema for p in op.params}
        schema = object_schema(props, op.required, strict=strict, closed=not op.additional_params)
    elif profile.dialect == "union":
        description = tool.description
        every_closed = not any(op.additional_params for op in ops)
        branches = [_union_branch(tool, op, profile, each=not every_closed) for op in ops]
        # "operation" is required once, at the root: a branch's `const` then decides
        schema = {"type": "object", "oneOf": branches, "required": ["operation"]}
        if strict and every_closed:
            # closes every branch at once: what the matching branch's `properties` evaluated
            # passes, anything else fails (draft 2020-12, MCP's default dialect)
            schema["unevaluatedProperties"] = False
    else:
        guide = operation_guide(tool, profile.describe)
        description = "\n".join(part for part in (tool.description, guide) if part)
        closed = not any(op.additional_params for op in ops)
        schema = object_schema(_flat_properties(ops), ["operation"], strict=strict, closed=closed)
    if description:
        entry["description"] = description
    listed = _listed(schema, defs)
    # a union-dialect client validates with a full JSON Schema validator: it resolves $ref
    entry["inputSchema"] = share(listed) if "oneOf" in schema else listed
    out = output_schema(ops)
    if out is not None and profile.output_schema:
        entry["outputSchema"] = share(_listed(out, defs))
    _with_hints(entry, ops)
    _extras(tool, entry)
    return with_batch(entry, tool, profile.dialect)


def legacy_keys(op: Operation, old: LegacyName) -> list[tuple[str, Span, str]]:
    """A listed legacy alias's keys: the parameters it does not fix, under their old names."""
    wire = {new: old_arg for old_arg, new in old.rename}
    fixed = {name for name, _ in old.fixed}
    of = f' (tool "{op.tool}" operation "{op.name}")'
    return [(wire.get(p.name, p.name), p.span, of) for p in op.params if p.name not in fixed]


def legacy_entry(
    tool: Tool,
    visible: str,
    op: Operation,
    old: LegacyName,
    profile: ClientProfile,
    defs: Mapping[str, JsonSchema],
    keys: Mapping[str, str] | None = None,
) -> JsonValue:
    """A listed legacy alias: the parameters it does not fix (`set`), under their old names
    (`rename`), then under this client's keys (`keys`, from `param_rule`)."""
    keys = keys or {}
    wire = {new: keys.get(old_arg, old_arg) for old_arg, new in old.rename}
    fixed = dict(old.fixed)
    target = f'"{visible}"' if tool.kind == "plain" else f'"{visible}" operation "{op.name}"'
    if fixed:
        values = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fixed.items())
        target += f" with {values}"
    description = f"Deprecated: use {target} instead"
    full = profile.describe == "full"
    same = not full and profile.output_schema and output_schema((op,)) is not None
    description += " (same result)." if same else "."
    if old.sunset:
        description += f" Removed after {old.sunset}."
    if op.description:
        description += " " + op.description
    props = {
        wire.get(p.name, keys.get(p.name, p.name)): p.schema
        for p in op.params
        if p.name not in fixed
    }
    schema = object_schema(
        props,
        (wire.get(r, keys.get(r, r)) for r in op.required if r not in fixed),
        strict=profile.strict_schema,
        closed=not op.additional_params,
    )
    entry: dict[str, JsonValue] = {"name": old.name}
    if op.title is not None:
        entry["title"] = op.title
    entry["description"] = description
    entry["inputSchema"] = _listed(schema, defs)
    out = output_schema((op,))
    if out is not None and full and profile.output_schema:
        entry["outputSchema"] = share(_listed(out, defs))
    _with_hints(entry, (op,))
    _extras(tool, entry)
    return entry


def contract_entry(tool: Tool, op: Operation, defs: Mapping[str, JsonSchema]) -> JsonValue:
    """One operation as a stand-alone entry with nothing left implicit, for `tools.lock`: the
    input schema closed (the runtime refuses unknown arguments), the output schema as declared,
    every hint (`split.hints`, openWorldHint when declared). Independent of any client's
    `describe` and `strict_schema`."""
    props = {p.name: p.schema for p in op.params}
    entry: dict[str, JsonValue] = {
        "name": op.name,
        "inputSchema": _declared(
            object_schema(props, op.required, strict=True, closed=not op.additional_params), defs
        ),
    }
    out = output_schema((op,))
    if out is not None:
        entry["outputSchema"] = _declared(out, defs)
    entry["annotations"] = split.hints((op,))
    return entry


def alias_entries(
    tool: Tool, visible: str, profile: ClientProfile, defs: Mapping[str, JsonSchema]
) -> list[ExposedTool]:
    """A tool's listed aliases: its own entry under each old name, marked deprecated."""
    out: list[ExposedTool] = []
    for alias in tool.aliases:
        entry = dict(tool_entry(tool, alias.name, profile, defs))
        note = f'Deprecated: use "{visible}" instead.'
        if alias.sunset:
            note += f" Removed after {alias.sunset}."
        entry["description"] = " ".join(x for x in (note, entry.get("description")) if x)
        out.append(
            ExposedTool(
                name=alias.name, tool=tool.name, operation=None, legacy=alias, definition=entry
            )
        )
    return out


def _union_branch(tool: Tool, op: Operation, profile: ClientProfile, *, each: bool) -> JsonSchema:
    """One operation's `oneOf` branch; its description as `describe` asks (see operation_guide).

    `each`: some branch stays open (`additional_params: allow`), so a strict client's closed
    branches each state `additionalProperties: false` instead of one at the root."""
    props: dict[str, JsonValue] = {"operation": {"const": op.name}}
    props.update({p.name: p.schema for p in op.params})
    branch: JsonSchema = {}
    describe = profile.describe
    if op.description and (describe == "full" or (describe == "compact" and says_more(op, tool))):
        branch["description"] = op.description
    branch["properties"] = props
    if op.required:
        branch["required"] = list(op.required)
    if each and profile.strict_schema and not op.additional_params:
        branch["additionalProperties"] = False
    return branch


def _flat_properties(ops: tuple[Operation, ...]) -> dict[str, JsonValue]:
    props: dict[str, JsonValue] = {"operation": {"type": "string", "enum": [op.name for op in ops]}}
    seen: dict[str, dict[str, JsonSchema]] = {}
    for op in ops:
        for p in op.params:
            shapes = seen.setdefault(p.name, {})
            shape = _text(_strip_annotations({k: v for k, v in p.schema.items() if k != "default"}))
            first = shapes.setdefault(shape, p.schema)
            if first is not p.schema and first.get("default") != p.schema.get("default"):
                # operations disagree on the default: the listing states none (each applies its own)
                shapes[shape] = {k: v for k, v in first.items() if k != "default"}
    for name, shapes in seen.items():
        distinct = _widest(list(shapes.values()))
        props[name] = distinct[0] if len(distinct) == 1 else {"anyOf": distinct}
    return props


# Keywords that each constrain an instance on their own (no keyword's meaning depends on
# another's presence), so a schema made of a subset of another's accepts at least as much.
_INDEPENDENT = frozenset(
    (
        "type",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "minProperties",
        "maxProperties",
        "required",
        "properties",  # only without additionalProperties / patternProperties (not listed here)
    )
)


def _accepts_all_of(wide: JsonSchema, narrow: JsonSchema) -> bool:
    """Whether `wide` provably accepts every instance `narrow` accepts (same keywords, fewer)."""
    w, n = _strip_annotations(wide), _strip_annotations(narrow)
    if not isinstance(w, dict) or not isinstance(n, dict):
        return False
    if not set(w) <= _INDEPENDENT or not set(n) <= _INDEPENDENT:
        return False
    return all(k in n and _looser(k, v, n[k]) for k, v in w.items())


def _looser(keyword: str, wide: JsonValue, narrow: JsonValue) -> bool:
    """Whether `keyword: wide` accepts whatever `keyword: narrow` does: the same value, fewer
    `required` names, or fewer `properties` with the same schemas (more only add conditions)."""
    if keyword == "required" and isinstance(wide, list) and isinstance(narrow, list):
        return set(map(_text, wide)) <= set(map(_text, narrow))
    if keyword == "properties" and isinstance(wide, dict) and isinstance(narrow, dict):
        return all(k in narrow and _text(narrow[k]) == _text(v) for k, v in wide.items())
    return _text(wide) == _text(narrow)


def _widest(schemas: list[JsonSchema]) -> list[JsonSchema]:
    """The structurally distinct schemas that no other one provably contains (declaration order).

    What the property accepts stays the union of what the operations accept."""
    return [
        s
        for i, s in enumerate(schemas)
        if not any(
            j != i and _accepts_all_of(o, s) and (j < i or not _accepts_all_of(s, o))
            for j, o in enumerate(schemas)
        )
    ]


def _strip_annotations(schema: JsonValue, *, names: bool = False) -> JsonValue:
    """`schema` without annotation keywords; `names`: a map of names to schemas (kept whole)."""
    if isinstance(schema, dict):
        return {
            k: _strip_annotations(v, names=k in ("properties", "$defs") and not names)
            for k, v in schema.items()
            if names or k not in _ANNOTATION_KEYS
        }
    if isinstance(schema, list):
        return [_strip_annotations(v) for v in schema]
    return schema


def _text(value: JsonValue) -> str:
    return json.dumps(value, sort_keys=True)


def _distinct(schemas: Iterable[JsonValue]) -> list[JsonValue]:
    seen: set[str] = set()
    out: list[JsonValue] = []
    for s in schemas:
        key = _text(s)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
