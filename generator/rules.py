"""Semantic rules: one registry row (code, slug, summary, function) per rule.

Rules run on Documents that passed the JSON Schema, so they may rely on its shapes. Each rule
returns diagnostics and never raises for bad input.
"""

from __future__ import annotations

import functools
import inspect
import json
import keyword
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from generator import ir
from generator.diagnostics import Diagnostic, Note, did_you_mean, error
from generator.ir import Span
from generator.lower import (
    HandlerImports,
    HandlerRef,
    OpEntry,
    ToolEntry,
    handler_ref,
    safe_module_ident,
    signature,
    tool_entries,
    usable_function_name,
)
from generator.source import Document, KeyPath

MCP_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
RESERVED_PARAMS = frozenset({"operation", "ctx"}) | frozenset(dir(pydantic.BaseModel))
# Names the generated model modules use in annotations: a field named like one of them would
# shadow it for the fields declared after it in the same class.
SHADOWING_PARAMS = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "set", "frozenset", "tuple"}
    | {"object", "annotations", "Any", "Annotated", "Literal", "Optional", "Union"}
    | {"Field", "BaseModel", "ConfigDict", "RootModel", "TypeAliasType", "AwareDatetime"}
)


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    root: Path
    catalog: Document | None  # None when tools.yaml is missing or failed the schema
    clients: tuple[Document, ...]  # only the client documents that passed the schema
    tools: tuple[ToolEntry, ...]
    imports: HandlerImports

    def at(self, path: KeyPath) -> Span:
        assert self.catalog is not None
        return self.catalog.source_map.span(path)

    def key_at(self, path: KeyPath) -> Span:
        assert self.catalog is not None
        return self.catalog.source_map.key_span(path)

    def ops(self) -> Iterator[tuple[ToolEntry, OpEntry]]:
        for tool in self.tools:
            for op in tool.operations:
                yield tool, op


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    slug: str
    summary: str
    check: Callable[[Context], Iterable[Diagnostic]]


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _hint(word: str, candidates: Iterable[str], otherwise: str) -> str:
    found = did_you_mean(word, candidates)
    return f'did you mean "{found}"' if found else otherwise


def _op_label(op: OpEntry) -> str:
    return f'operation "{op.name}" of tool "{op.tool}"' if op.master else f'tool "{op.tool}"'


def unique_tool_modules(ctx: Context) -> Iterator[Diagnostic]:
    seen: dict[str, ToolEntry] = {}
    for tool in ctx.tools:
        try:
            module = ir.module_ident(tool.name)
        except ValueError:
            continue  # an empty or unusable name is E030's
        first = seen.setdefault(module, tool)
        if first is not tool:
            yield error(
                ctx.key_at(tool.path),
                "E010",
                f'tools "{first.name}" and "{tool.name}" both become the Python module "{module}"',
                "rename one of them",
                Note(ctx.key_at(first.path), "first definition."),
            )


def unique_operation_idents(ctx: Context) -> Iterator[Diagnostic]:
    for tool in ctx.tools:
        seen: dict[str, OpEntry] = {}
        for op in tool.operations if tool.master else ():
            try:
                idents = (ir.module_ident(op.name), ir.class_ident(tool.name, op.name, "Input"))
            except ValueError:
                yield error(
                    ctx.key_at(op.path),
                    "E011",
                    f'operation name "{op.name}" of tool "{tool.name}" has no letters or digits',
                    "rename it",
                )
                continue
            for ident in idents:
                first = seen.setdefault(ident, op)
                if first is not op:
                    yield error(
                        ctx.key_at(op.path),
                        "E011",
                        f'operations "{first.name}" and '
                        f'"{op.name}" of tool "{tool.name}" both become "{ident}"',
                        "rename one of them",
                        Note(ctx.key_at(first.path), "first definition."),
                    )
                    break


def unique_legacy_names(ctx: Context) -> Iterator[Diagnostic]:
    tools: dict[str, ToolEntry] = {}
    for tool in ctx.tools:
        tools.setdefault(tool.name, tool)
        tools.setdefault(safe_module_ident(tool.name) or tool.name, tool)
    seen: dict[str, KeyPath] = {}
    for _, op in ctx.ops():
        for entry in op.legacy:
            span = ctx.at(entry.name_path)
            if entry.name in tools:
                shadowed = tools[entry.name]
                yield error(
                    span,
                    "E012",
                    f'legacy name "{entry.name}" of {_op_label(op)} shadows tool "{shadowed.name}"',
                    "choose another legacy name",
                    Note(ctx.key_at(shadowed.path), "tool defined here."),
                )
            elif entry.name in seen:
                yield error(
                    span,
                    "E012",
                    f'legacy name "{entry.name}" is declared twice',
                    "keep one of them",
                    Note(ctx.at(seen[entry.name]), "first definition."),
                )
            else:
                seen[entry.name] = entry.name_path


def unique_client_names(ctx: Context) -> Iterator[Diagnostic]:
    seen: dict[str, Document] = {}
    for doc in ctx.clients:
        name = doc.data["client"]
        first = seen.setdefault(name, doc)
        if first is not doc:
            yield error(
                doc.source_map.span(("client",)),
                "E013",
                f'client "{name}" is also declared in "{first.path}"',
                "give each client file its own name",
                Note(first.source_map.span(("client",)), "first definition."),
            )


def policies_resolve(ctx: Context) -> Iterator[Diagnostic]:
    if ctx.catalog is None:
        return
    policies = ctx.catalog.data.get("policies") or {}
    names = {kind: list(policies.get(kind) or {}) for kind in ("cache", "breaker")}
    refs: list[tuple[str, KeyPath, Any]] = []
    defaults = ctx.catalog.data.get("defaults") or {}
    refs.append(("breaker", ("defaults", "breaker"), defaults.get("breaker")))
    for _, op in ctx.ops():
        refs.append(("cache", (*op.path, "cache"), op.data.get("cache")))
        refs.append(("breaker", (*op.path, "breaker"), op.data.get("breaker")))
    for kind, path, name in refs:
        if isinstance(name, str) and name not in names[kind]:
            declared = _quoted(names[kind]) if names[kind] else "none"
            fix = _hint(
                name, names[kind], f'declare it under "policies.{kind}" (declared: {declared})'
            )
            yield error(ctx.at(path), "E020", f'{kind} policy "{name}" does not exist', fix)


def invalidates_resolve(ctx: Context) -> Iterator[Diagnostic]:
    for tool, op in ctx.ops():
        names = [o.name for o in tool.operations]
        for i, target in enumerate(op.data.get("invalidates") or ()):
            if target not in names:
                yield error(
                    ctx.at((*op.path, "invalidates", i)),
                    "E021",
                    f"{_op_label(op)} "
                    f'invalidates "{target}", which is not an operation of tool '
                    f'"{tool.name}"',
                    _hint(target, names, f"use one of {_quoted(names)}"),
                )


def selections_resolve(ctx: Context) -> Iterator[Diagnostic]:
    if ctx.catalog is None:
        return
    tool_names = [t.name for t in ctx.tools]
    tags = sorted({tag for t in ctx.tools for tag in t.tags})
    for doc in ctx.clients:
        for part in ("select", "exclude"):
            for kind, known in (("tools", tool_names), ("tags", tags)):
                for i, name in enumerate((doc.data.get(part) or {}).get(kind) or ()):
                    if name not in known:
                        noun = "tool" if kind == "tools" else "tag"
                        yield error(
                            doc.source_map.span((part, kind, i)),
                            "E022",
                            f'{part}.{kind} names {noun} "{name}", which '
                            f'"{ctx.catalog.path}" does not declare',
                            _hint(name, known, f"remove it or declare the {noun}"),
                        )


def cache_only_on_reads(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        effect = op.data.get("effect", "write")
        if op.data.get("cache") is not None and effect != "read":
            yield error(
                ctx.at((*op.path, "cache")),
                "E023",
                f'{_op_label(op)} is cached but its effect is "{effect}"',
                'remove "cache" or set "effect: read"',
            )


def required_are_params(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        for i, name in enumerate(op.data.get("required") or ()):
            if name not in op.params:
                yield error(
                    ctx.at((*op.path, "required", i)),
                    "E024",
                    f'{_op_label(op)} requires "{name}", which is not one of its params',
                    _hint(name, op.params, f'declare "{name}" under "params"'),
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


def schemas_are_valid(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        schemas: list[tuple[KeyPath, str, dict[str, Any]]] = [
            ((*op.path, "params", name), f'parameter "{name}"', schema)
            for name, schema in op.params.items()
        ]
        if "returns" in op.data:
            schemas.append(((*op.path, "returns"), '"returns"', op.data["returns"]))
        for path, label, schema in schemas:
            exc = _schema_error(schema)
            if exc is not None:
                where = (*path, *exc.absolute_path)
                message = " ".join(exc.message.split())
                if where[-1:] == ("type",) and isinstance(exc.instance, str):
                    hint = _hint(exc.instance, _JSON_TYPES, "use one of " + _quoted(_JSON_TYPES))
                    yield error(
                        ctx.at(where),
                        "E025",
                        f'{label} of {_op_label(op)} has the unknown type "{exc.instance}"',
                        hint,
                    )
                    continue
                yield error(
                    ctx.at(where),
                    "E025",
                    f"{label} of {_op_label(op)} is not valid JSON Schema ({message})",
                    "correct the schema",
                )
                continue
            if label == '"returns"' and schema.get("type") != "object":
                yield error(
                    ctx.at(path),
                    "E025",
                    f'"returns" of {_op_label(op)} is not an object schema',
                    'set "type: object" and describe the result\'s properties',
                )
            elif "default" in schema:
                problem = next(
                    iter(Draft202012Validator(schema).iter_errors(schema["default"])), None
                )
                if problem is not None:
                    yield error(
                        ctx.at((*path, "default")),
                        "E025",
                        f"the default of {label} of {_op_label(op)} does not match its own schema",
                        "change the default or the schema",
                    )


def param_name_problem(name: str) -> str | None:
    """Why `name` cannot be a parameter (a model field and a handler keyword), or None."""
    if not _PARAM_NAME.match(name):
        return "is not a Python identifier that starts with a letter"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name.startswith("model_") or name in RESERVED_PARAMS:
        return "is reserved (operation, ctx, model_*, pydantic.BaseModel attributes)"
    if name in SHADOWING_PARAMS:
        return "shadows a type name the generated model needs"
    return None


def param_names_usable(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        for name in op.params:
            why = param_name_problem(name)
            if why:
                yield error(
                    ctx.key_at((*op.path, "params", name)),
                    "E026",
                    f'parameter "{name}" of {_op_label(op)} {why}',
                    'rename it and use a legacy "rename" if old callers send the old name',
                )


def legacy_renames_fit(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        for entry in op.legacy:
            all_targets = {new for _, new in entry.rename}
            targets: dict[str, str] = {}
            for old, new in entry.rename:
                span = ctx.at((*entry.path, "rename", old))
                label = f'legacy name "{entry.name}"'
                if new not in op.params:
                    yield error(
                        span,
                        "E027",
                        f'{label} renames "{old}" to "{new}", which is not '
                        f"a parameter of {_op_label(op)}",
                        _hint(new, op.params, "rename to a declared parameter"),
                    )
                elif new in targets:
                    yield error(
                        span,
                        "E027",
                        f'{label} renames both "{targets[new]}" and "{old}" to "{new}"',
                        "keep one of them",
                    )
                elif old in op.params and old not in all_targets:
                    yield error(
                        span,
                        "E027",
                        f'{label} renames "{old}", which is also a '
                        f"current parameter of {_op_label(op)}",
                        "rename only names that the operation no longer has",
                    )
                targets.setdefault(new, old)


def client_renames_fit(ctx: Context) -> Iterator[Diagnostic]:
    if ctx.catalog is None:
        return
    tools = {t.name: t for t in ctx.tools}
    legacy = {entry.name for _, op in ctx.ops() for entry in op.legacy}
    for doc in ctx.clients:
        data = doc.data
        select, exclude = data.get("select") or {}, data.get("exclude") or {}
        seen: dict[str, str] = {}
        for name, new in (data.get("rename") or {}).items():
            span = doc.source_map.key_span(("rename", name))
            tool = tools.get(name)
            if tool is None:
                yield error(
                    span,
                    "E027",
                    f'rename names tool "{name}", which "tools.yaml" does not declare',
                    _hint(name, tools, "rename a declared tool"),
                )
                continue
            selected = ir.is_selected(
                name,
                tool.tags,
                select_tools=tuple(select["tools"]) if "tools" in select else None,
                select_tags=tuple(select["tags"]) if "tags" in select else None,
                exclude_tools=tuple(exclude.get("tools") or ()),
                exclude_tags=tuple(exclude.get("tags") or ()),
            )
            value_span = doc.source_map.span(("rename", name))
            if not selected:
                yield error(
                    span,
                    "E027",
                    f'rename names tool "{name}", which client "{data["client"]}" does not select',
                    "select it or drop the rename",
                )
            elif (new in tools and new != name) or new in legacy or new in seen:
                yield error(
                    value_span,
                    "E027",
                    f'rename gives tool "{name}" the name "{new}", '
                    "which another tool or legacy name already answers to",
                    "choose an unused name",
                )
            seen.setdefault(new, name)


def _name_problem(span: Span, name: str, what: str) -> Diagnostic | None:
    if not MCP_NAME.match(name):
        return error(
            span,
            "E030",
            f'{what} "{name}" breaks the MCP tool-name rule',
            'use 1 to 128 letters, digits, "_", "-" or "."',
        )
    if name[0] in "-." or name[-1] in "-.":
        edge = name[0] if name[0] in "-." else name[-1]
        return error(
            span,
            "W003",
            f'{what} "{name}" starts or ends with "{edge}"',
            'start and end it with a letter, digit or "_", since some clients reject it',
        )
    return None


def names_follow_mcp(ctx: Context) -> Iterator[Diagnostic]:
    found: list[Diagnostic | None] = []
    for tool in ctx.tools:
        found.append(_name_problem(ctx.key_at(tool.path), tool.name, "tool name"))
    for _, op in ctx.ops():
        found.extend(_name_problem(ctx.at(e.name_path), e.name, "legacy name") for e in op.legacy)
    for doc in ctx.clients:
        for name, new in (doc.data.get("rename") or {}).items():
            found.append(_name_problem(doc.source_map.span(("rename", name)), new, "client name"))
    yield from (d for d in found if d is not None)


def name_rules_valid(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.clients:
        rule = doc.data.get("name_rule") or {}
        if "pattern" in rule:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    re.compile(rule["pattern"])
            except re.error as exc:
                yield error(
                    doc.source_map.span(("name_rule", "pattern")),
                    "E003",
                    f"name_rule.pattern is not a valid regular expression ({exc})",
                    "correct the pattern",
                )
        prefix = str(rule.get("prefix", ""))
        if "{" in prefix.replace("{server}", "") or "}" in prefix.replace("{server}", ""):
            yield error(
                doc.source_map.span(("name_rule", "prefix")),
                "E003",
                f'name_rule.prefix "{prefix}" has a placeholder other than "{{server}}"',
                'use "{server}" or remove the braces',
            )


def _handlers(ctx: Context) -> Iterator[tuple[ToolEntry, OpEntry, HandlerRef | None]]:
    for tool, op in ctx.ops():
        yield tool, op, handler_ref(tool, op)


def handler_modules_import(ctx: Context) -> Iterator[Diagnostic]:
    for tool, op, ref in _handlers(ctx):
        if ref is None:
            yield error(
                ctx.key_at(op.path),
                "E040",
                f"{_op_label(op)} has no handler",
                f'add "handler" to tool "{tool.name}" or to the operation',
            )
            continue
        module = ctx.imports.module(ref.module)
        if isinstance(module, str):
            yield error(
                ctx.at(ref.path),
                "E040",
                f'handler module "{ref.module}" cannot be imported ({module})',
                "check the module path and its imports",
            )


def handler_functions_exist(ctx: Context) -> Iterator[Diagnostic]:
    for _, op, ref in _handlers(ctx):
        if ref is None or isinstance(ctx.imports.module(ref.module), str):
            continue
        span = ctx.key_at(op.path) if ref.derived and op.master else ctx.at(ref.path)
        if ref.derived and not usable_function_name(ref.function):
            yield error(
                span,
                "E041",
                f'{_op_label(op)} names no handler function and "{op.name}" is not a Python '
                "function name",
                'add "handler: module:function" to the operation',
            )
            continue
        module = ctx.imports.module(ref.module)
        obj = ctx.imports.function(ref)
        if obj is None:
            names = [n for n in dir(module) if not n.startswith("_")]
            yield error(
                span,
                "E041",
                f'module "{ref.module}" has no function "{ref.function}" for {_op_label(op)}',
                _hint(ref.function, names, f'define "{ref.function}" there'),
            )
        elif not callable(obj):
            yield error(
                span,
                "E041",
                f'"{ref.module}:{ref.function}" is not callable (it is {type(obj).__name__})',
                "point the handler at a function",
            )


def handler_signatures_fit(ctx: Context) -> Iterator[Diagnostic]:
    for _, op, ref in _handlers(ctx):
        obj = ctx.imports.function(ref) if ref is not None else None
        sig = signature(obj) if callable(obj) else None
        if ref is None or sig is None:
            continue
        target = f'"{ref.module}:{ref.function}"'
        params = sig.parameters
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        keywords = {
            n
            for n, p in params.items()
            if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        }
        for name in op.params:
            if name not in keywords and not var_kw and param_name_problem(name) is None:
                yield error(
                    ctx.key_at((*op.path, "params", name)),
                    "E042",
                    f'handler {target} does not accept parameter "{name}" of {_op_label(op)}',
                    f'add a keyword parameter "{name}" or **kwargs to the handler',
                )
        for name, p in params.items():
            needed = p.default is inspect.Parameter.empty and p.kind not in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            )
            if needed and name not in op.params and name != "ctx":
                yield error(
                    ctx.at(ref.path),
                    "E042",
                    f"handler {target} requires parameter "
                    f'"{name}", which {_op_label(op)} does not pass',
                    f'declare "{name}" under "params" or give it a default',
                )


RULES: tuple[Rule, ...] = (
    Rule("E010", "tool-modules-unique", "tool names map to distinct modules", unique_tool_modules),
    Rule(
        "E011",
        "operation-idents-unique",
        "operations map to distinct Python names",
        unique_operation_idents,
    ),
    Rule(
        "E012",
        "legacy-names-unique",
        "legacy names are unique and shadow no tool",
        unique_legacy_names,
    ),
    Rule(
        "E013", "client-names-unique", "client files declare distinct clients", unique_client_names
    ),
    Rule(
        "E020",
        "policies-resolve",
        "cache and breaker references name declared policies",
        policies_resolve,
    ),
    Rule(
        "E021",
        "invalidates-resolve",
        "invalidates entries name operations of the same tool",
        invalidates_resolve,
    ),
    Rule(
        "E022",
        "selections-resolve",
        "client select/exclude name declared tools and tags",
        selections_resolve,
    ),
    Rule("E023", "cache-only-on-reads", "only read operations are cached", cache_only_on_reads),
    Rule("E024", "required-are-params", "required names declared parameters", required_are_params),
    Rule(
        "E025",
        "schemas-valid",
        "parameter and returns schemas are valid JSON Schema",
        schemas_are_valid,
    ),
    Rule(
        "E026",
        "param-names-usable",
        "parameter names are usable keyword arguments",
        param_names_usable,
    ),
    Rule(
        "E027",
        "legacy-renames-fit",
        "legacy renames map onto declared parameters",
        legacy_renames_fit,
    ),
    Rule(
        "E027",
        "client-renames-fit",
        "client renames name selected tools and unused names",
        client_renames_fit,
    ),
    Rule(
        "E030",
        "mcp-tool-names",
        "tool, legacy and renamed names follow the MCP rule",
        names_follow_mcp,
    ),
    Rule(
        "E003",
        "name-rules-valid",
        "client name_rule patterns and prefixes are well-formed",
        name_rules_valid,
    ),
    Rule(
        "E040",
        "handler-modules-import",
        "every operation has an importable handler module",
        handler_modules_import,
    ),
    Rule(
        "E041",
        "handler-functions-exist",
        "handler functions exist and are callable",
        handler_functions_exist,
    ),
    Rule(
        "E042",
        "handler-signatures-fit",
        "handlers accept exactly the declared parameters",
        handler_signatures_fit,
    ),
)


def run(root: Path, catalog: Document | None, clients: tuple[Document, ...]) -> list[Diagnostic]:
    """Apply every rule; catalog rules need a schema-valid catalog, client rules valid clients."""
    tools = tool_entries(catalog) if catalog is not None else ()
    ctx = Context(root, catalog, clients, tools, HandlerImports(root))
    found: list[Diagnostic] = []
    for rule in RULES:
        found.extend(rule.check(ctx))
    return found
