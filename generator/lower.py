"""Stage 3, IR: turn schema-valid Documents into the frozen `Catalog` and `ClientProfile`s.

Defaults are applied and Python names are derived here, once. This module also holds the small
read-only views of a catalog Document (`tool_entries`, `handler_ref`) and the handler importer
that the semantic rules share, so both stages walk the YAML the same way.
"""

from __future__ import annotations

import inspect
import keyword
from dataclasses import dataclass
from typing import Any

from . import batch, ir
from .access import auth, rate_limit
from .diagnostics import Diagnostic, error
from .handler_imports import HandlerImports
from .schema_refs import with_defs
from .source import Document, KeyPath, Sources
from .upstreams import lang as upstream_lang

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class LegacyEntry:
    name: str
    rename: tuple[tuple[str, str], ...]
    sunset: str | None
    path: KeyPath  # the list item
    name_path: KeyPath  # the name's value
    fixed: tuple[tuple[str, Any], ...] = ()  # `set`: (param, value)


@dataclass(frozen=True, slots=True)
class OpEntry:
    tool: str
    name: str  # a plain tool's only operation has the tool's name
    path: KeyPath  # the operation's mapping; a plain tool's is the tool's
    data: dict[str, Any]
    master: bool

    @property
    def params(self) -> dict[str, Any]:
        params = self.data.get("params") or {}
        return params if isinstance(params, dict) else {}

    @property
    def legacy(self) -> tuple[LegacyEntry, ...]:
        out: list[LegacyEntry] = []
        for i, item in enumerate(self.data.get("legacy") or ()):
            path = (*self.path, "legacy", i)
            if isinstance(item, str):
                out.append(LegacyEntry(item, (), None, path, path))
            elif isinstance(item, dict):
                rename = tuple((str(k), str(v)) for k, v in (item.get("rename") or {}).items())
                fixed = tuple((str(k), v) for k, v in (item.get("set") or {}).items())
                out.append(
                    LegacyEntry(
                        str(item["name"]),
                        rename,
                        item.get("sunset"),
                        path,
                        (*path, "name"),
                        fixed,
                    )
                )
        return tuple(out)


@dataclass(frozen=True, slots=True)
class ToolEntry:
    name: str
    path: KeyPath
    data: dict[str, Any]
    master: bool
    operations: tuple[OpEntry, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.data.get("tags") or ())

    @property
    def aliases(self) -> tuple[LegacyEntry, ...]:
        """`aliases`: old names of the whole tool, as legacy entries without renames."""
        out: list[LegacyEntry] = []
        for i, item in enumerate(self.data.get("aliases") or ()):
            path = (*self.path, "aliases", i)
            if isinstance(item, str):
                out.append(LegacyEntry(item, (), None, path, path))
            elif isinstance(item, dict):
                out.append(
                    LegacyEntry(str(item["name"]), (), item.get("sunset"), path, (*path, "name"))
                )
        return tuple(out)


def tool_entries(catalog: Document) -> tuple[ToolEntry, ...]:
    """The tools of a schema-valid catalog with their operations, in declaration order."""
    out: list[ToolEntry] = []
    for name, data in (catalog.data.get("tools") or {}).items():
        path: KeyPath = ("tools", name)
        if "operations" in data:
            ops = tuple(
                OpEntry(name, op, (*path, "operations", op), op_data, True)
                for op, op_data in data["operations"].items()
            )
            out.append(ToolEntry(name, path, data, True, ops))
        else:
            only = OpEntry(name, name, path, data, False)
            out.append(ToolEntry(name, path, data, False, (only,)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class HandlerRef:
    module: str
    function: str
    path: KeyPath  # where the handler is written (the tool's or the operation's `handler`)
    derived: bool  # the function name comes from the operation's or tool's name


def handler_ref(tool: ToolEntry, op: OpEntry) -> HandlerRef | None:
    """Which function an operation calls; None when neither the tool nor the op names one."""
    own = op.data.get("handler") if op.master else None
    if isinstance(own, str):
        module, _, function = own.partition(":")
        return HandlerRef(module, function, (*op.path, "handler"), False)
    text = tool.data.get("handler")
    if not isinstance(text, str):
        return None
    module, colon, function = text.partition(":")
    if colon:
        return HandlerRef(module, function, (*tool.path, "handler"), False)
    derived = op.name if op.master else safe_module_ident(tool.name) or tool.name
    return HandlerRef(module, derived, (*tool.path, "handler"), True)


def safe_module_ident(name: str) -> str | None:
    try:
        return ir.module_ident(name)
    except ValueError:
        return None


def usable_function_name(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def signature(obj: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def wire_param(
    name: str, raw: dict[str, Any], required: bool, defs: dict[str, Any], span: ir.Span
) -> ir.Param:
    """One parameter: its schema without toolc's own `py_name` key, its Python name, and
    whether an omitted value reaches the handler as MISSING (optional, no default, null allowed)."""
    schema = {k: v for k, v in raw.items() if k != "py_name"}
    override = raw.get("py_name")
    py_name = ir.to_py_ident(override if isinstance(override, str) else ir.param_py_name(name))
    missing = not required and "default" not in schema and accepts_null(schema, defs)
    return ir.Param(
        name=name, schema=schema, required=required, span=span, py_name=py_name, missing=missing
    )


def accepts_null(schema: dict[str, Any], defs: dict[str, Any]) -> bool:
    """Whether `null` is a valid value of `schema` (with the catalog's defs)."""
    from jsonschema import Draft202012Validator

    return bool(Draft202012Validator(with_defs(schema, defs)).is_valid(None))


def _float(*values: Any) -> float:
    return float(next(v for v in values if v is not None))


def split_invalidates(
    tool: str, entries: Any, op_names: dict[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """`invalidates` entries as (same-tool operations, ((other tool, operations), ...)).

    A string names an operation of the same tool; `{tool, operations}` names another tool's
    operations (all of them when `operations` is omitted). Order is declaration order.
    """
    same: list[str] = []
    others: dict[str, list[str]] = {}
    for entry in entries:
        if isinstance(entry, str):
            targets, target_tool = [entry], tool
        else:
            target_tool = entry["tool"]
            targets = list(entry.get("operations") or op_names.get(target_tool, ()))
        bucket = same if target_tool == tool else others.setdefault(target_tool, [])
        bucket.extend(t for t in targets if t not in bucket)
    return tuple(same), tuple((t, tuple(ops)) for t, ops in others.items())


class _Lowering:
    def __init__(self, sources: Sources, catalog: Document) -> None:
        self.doc = catalog
        self.imports = HandlerImports.of(sources.root, catalog)
        self.diagnostics: list[Diagnostic] = []
        self.op_names = {t.name: tuple(o.name for o in t.operations) for t in tool_entries(catalog)}
        self.defs: dict[str, Any] = dict(catalog.data.get("defs") or {})

    def span(self, path: KeyPath) -> ir.Span:
        return self.doc.source_map.span(path)

    def key_span(self, path: KeyPath) -> ir.Span:
        return self.doc.source_map.key_span(path)

    def catalog(self, source_hash: str) -> ir.Catalog:
        data = self.doc.data
        server = data["server"]
        policies = data.get("policies") or {}
        raw_defaults = data.get("defaults") or {}
        defaults = ir.Defaults(
            timeout=_float(raw_defaults.get("timeout"), DEFAULT_TIMEOUT),
            breaker=raw_defaults.get("breaker"),
            max_concurrency=int(raw_defaults.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)),
            span=self.span(("defaults",)) if "defaults" in data else None,
        )
        caches = tuple(
            ir.CachePolicy(
                name=name,
                ttl=float(p["ttl"]),
                max_entries=int(p.get("max_entries", 1024)),
                span=self.key_span(("policies", "cache", name)),
                shared=bool(p.get("shared", False)),
            )
            for name, p in (policies.get("cache") or {}).items()
        )
        breakers = tuple(
            ir.BreakerPolicy(
                name=name,
                failure_threshold=int(p.get("failure_threshold", 5)),
                reset_timeout=_float(p.get("reset_timeout"), 30.0),
                half_open_max_calls=int(p.get("half_open_max_calls", 1)),
                count=tuple(str(n) for n in p["count"]) if p.get("count") is not None else None,
                span=self.key_span(("policies", "breaker", name)),
            )
            for name, p in (policies.get("breaker") or {}).items()
        )
        return ir.Catalog(
            server=ir.Server(
                name=server["name"],
                version=server["version"],
                title=server.get("title"),
                instructions=server.get("instructions"),
                span=self.span(("server",)),
            ),
            cache_policies=caches,
            breaker_policies=breakers,
            defaults=defaults,
            tools=tuple(self.tool(entry, defaults) for entry in tool_entries(self.doc)),
            defs=tuple(
                ir.SchemaDef(name=name, schema=schema, span=self.key_span(("defs", name)))
                for name, schema in (data.get("defs") or {}).items()
            ),
            source_hash=source_hash,
            allow_breaking=self.allow_breaking(),
            upstreams=upstream_lang.upstreams(self.doc),
        )

    def allow_breaking(self) -> tuple[ir.AllowedBreak, ...]:
        """`allow_breaking`: the breaking changes this release makes on purpose."""
        return tuple(
            ir.AllowedBreak(
                rule=str(e["rule"]),
                name=str(e["name"]),
                reason=str(e["reason"]),
                span=self.span(("allow_breaking", i)),
            )
            for i, e in enumerate(self.doc.data.get("allow_breaking") or ())
        )

    def tool(self, entry: ToolEntry, defaults: ir.Defaults) -> ir.Tool:
        data = entry.data
        max_concurrency = data.get("max_concurrency")
        if max_concurrency is None:
            max_concurrency = defaults.tool_max_concurrency or defaults.max_concurrency
        return ir.Tool(
            name=entry.name,
            kind="master" if entry.master else "plain",
            title=data.get("title"),
            description=data.get("description"),
            tags=entry.tags,
            operations=tuple(self.operation(entry, op, defaults) for op in entry.operations),
            module=ir.module_ident(entry.name),
            span=self.key_span(entry.path),
            max_concurrency=int(max_concurrency),
            icons=tuple(data.get("icons") or ()),
            meta=data.get("meta"),
            aliases=self.aliases(entry),
            rate_limit=rate_limit(self.doc, (*entry.path, "rate_limit")),
            batch=self.batch(entry),
        )

    def batch(self, entry: ToolEntry) -> ir.BatchPolicy | None:
        """The tool's `batch` after `defaults.batch` (master tools only; see generator/batch)."""
        default = (self.doc.data.get("defaults") or {}).get("batch") if entry.master else None
        where = (*entry.path, "batch") if "batch" in entry.data else entry.path
        return batch.policy(entry.data.get("batch"), default, self.key_span(where))

    def aliases(self, entry: ToolEntry) -> tuple[ir.LegacyName, ...]:
        """The tool-level `aliases`: old names of the whole tool, each with its own sunset."""
        return tuple(
            ir.LegacyName(name=a.name, sunset=a.sunset, span=self.span(a.path))
            for a in entry.aliases
        )

    def operation(self, tool: ToolEntry, op: OpEntry, defaults: ir.Defaults) -> ir.Operation:
        data = op.data
        required = set(data.get("required") or ())
        params = tuple(
            wire_param(
                name, schema, name in required, self.defs, self.key_span((*op.path, "params", name))
            )
            for name, schema in op.params.items()
        )
        legacy = tuple(
            ir.LegacyName(
                name=e.name,
                rename=e.rename,
                sunset=e.sunset,
                fixed=e.fixed,
                span=self.span(e.path),
            )
            for e in op.legacy
        )
        extra = data.get("additional_params", tool.data.get("additional_params", "forbid"))
        parts = (tool.name, op.name) if op.master else (tool.name,)
        forward = upstream_lang.forward(self.doc, tool, op)
        if forward is None:
            module, function, is_async, takes_ctx = self.handler(tool, op)
        else:  # an upstream tool serves it: the dispatch module forwards, no handler to import
            module, function, is_async, takes_ctx = "", ir.PyIdent("_"), True, False
        same_tool, other_tools = split_invalidates(
            tool.name, data.get("invalidates") or (), self.op_names
        )
        return ir.Operation(
            name=op.name,
            tool=tool.name,
            description=data.get("description"),
            params=params,
            returns=data.get("returns"),
            effect=data.get("effect", "write"),
            idempotent=bool(data.get("idempotent", False)),
            cache=data.get("cache"),
            invalidates=same_tool,
            invalidates_tools=other_tools,
            breaker=data.get("breaker", defaults.breaker),  # an explicit null turns it off
            timeout=_float(data.get("timeout"), tool.data.get("timeout"), defaults.timeout),
            max_concurrency=data.get("max_concurrency") if op.master else None,
            legacy=legacy,
            handler_module=module,
            handler_function=function,
            handler_is_async=is_async,
            handler_takes_context=takes_ctx,
            py_name=ir.module_ident(op.name),
            input_model=ir.class_ident(*parts, "Input"),
            output_model=ir.class_ident(*parts, "Output") if "returns" in data else None,
            span=self.key_span(op.path),
            additional_params=extra == "allow",
            title=data.get("title") if op.master else None,
            open_world=data.get("open_world"),
            forward=forward,
            scopes=tuple(
                dict.fromkeys([*(tool.data.get("scopes") or ()), *(data.get("scopes") or ())])
            ),
            rate_limit=(rate_limit(self.doc, (*op.path, "rate_limit")) if op.master else None),
            examples=tuple(data.get("examples") or ()),
        )

    def handler(self, tool: ToolEntry, op: OpEntry) -> tuple[str, ir.PyIdent, bool, bool]:
        ref = handler_ref(tool, op)
        obj = self.imports.function(ref) if ref is not None else None
        if ref is None or not usable_function_name(ref.function) or not callable(obj):
            self.diagnostics.append(
                error(
                    self.key_span(op.path),
                    "E041",
                    f'the handler of operation "{op.name}" of '
                    f'tool "{tool.name}" cannot be resolved',
                    'name it with "handler"',
                )
            )
            return "", ir.PyIdent("_"), False, False
        sig = signature(obj)
        takes_ctx = sig is not None and "ctx" in sig.parameters
        is_async = inspect.iscoroutinefunction(obj)
        return ref.module, ir.to_py_ident(ref.function), is_async, takes_ctx


def operation_ref(text: str, op_names: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """`tool.operation` as (tool, operation): the split at a dot where the tool is declared and
    has that operation (tool names may hold dots); None when no split names one."""
    for i, char in enumerate(text):
        if char == "." and text[i + 1 :] in op_names.get(text[:i], ()):
            return text[:i], text[i + 1 :]
    return None


def operation_refs(items: Any, op_names: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    """`tool.operation` strings as pairs (the rules have checked that each resolves)."""
    out: list[tuple[str, str]] = []
    for item in items:
        ref = operation_ref(str(item), op_names)
        if ref is None:
            tool, _, op = str(item).rpartition(".")
            ref = (tool, op)
        out.append(ref)
    return tuple(out)


def profile(
    document: Document, server_name: str, op_names: dict[str, tuple[str, ...]] | None = None
) -> ir.ClientProfile:
    """One client Document as a `ClientProfile`; `{server}` in the name-rule prefix expanded."""
    data = document.data
    smap = document.source_map
    select, exclude = data.get("select"), data.get("exclude") or {}
    rule = data.get("name_rule") or {}
    default = ir.NameRule()
    name_rule = ir.NameRule(
        max_length=int(rule.get("max_length", default.max_length)),
        prefix=str(rule.get("prefix", "")).replace("{server}", server_name),
        pattern=str(rule.get("pattern", default.pattern)),
        span=smap.span(("name_rule",)) if "name_rule" in data else None,
    )
    instructions = data.get("instructions")
    appended = isinstance(instructions, dict)
    return ir.ClientProfile(
        param_rule=param_rule(document),
        name=data["client"],
        path=document.path,
        max_tools=data.get("max_tools"),
        select_tools=tuple(select["tools"]) if select and "tools" in select else None,
        select_tags=tuple(select["tags"]) if select and "tags" in select else None,
        exclude_tools=tuple(exclude.get("tools") or ()),
        exclude_tags=tuple(exclude.get("tags") or ()),
        legacy=data.get("legacy", "accept"),
        dialect=data.get("dialect", "flat"),
        describe=data.get("describe", "compact"),
        strict_schema=bool(data.get("strict_schema", False)),
        output_schema=bool(data.get("output_schema", True)),
        name_rule=name_rule,
        rename=tuple((k, v) for k, v in (data.get("rename") or {}).items()),
        max_list_bytes=data.get("max_list_bytes"),
        max_list_tokens=data.get("max_list_tokens"),
        select_operations=(
            operation_refs(select["operations"], op_names or {})
            if select and "operations" in select
            else None
        ),
        exclude_operations=operation_refs(exclude.get("operations") or (), op_names or {}),
        read_only=bool(data.get("read_only", False)),
        split=data.get("split", "none"),
        batch=bool(data.get("batch", True)),
        instructions=instructions["append"] if appended else instructions,
        instructions_mode="append" if appended else "replace",
        state=next(((k, str(v)) for k, v in (data.get("state") or {}).items()), None),
        span=smap.span(("client",)),
        max_tools_span=smap.span(("max_tools",)) if "max_tools" in data else None,
        max_list_bytes_span=smap.span(("max_list_bytes",)) if "max_list_bytes" in data else None,
        auth=auth(document),
        rate_limit=rate_limit(document, ("rate_limit",)),
        max_list_tokens_span=(
            smap.span(("max_list_tokens",)) if "max_list_tokens" in data else None
        ),
    )


def param_rule(document: Document) -> ir.ParamRule | None:
    """The client's `param_rule`, or None when it sets none."""
    rule = document.data.get("param_rule")
    if not isinstance(rule, dict):
        return None
    rename = rule.get("rename")
    pairs = rename.items() if isinstance(rename, dict) else ()
    return ir.ParamRule(
        pattern=rule.get("pattern"),
        max_length=rule.get("max_length"),
        auto=rename == "auto",
        rename=tuple((str(k), str(v)) for k, v in pairs),
        span=document.source_map.span(("param_rule",)),
    )


def lower(
    sources: Sources,
) -> tuple[tuple[ir.Catalog, tuple[ir.ClientProfile, ...]] | None, tuple[Diagnostic, ...]]:
    """The IR of validated sources; None with diagnostics when something cannot be lowered."""
    if sources.catalog is None:
        return None, (
            error(
                ir.Span("tools.yaml", 1, 1),
                "E006",
                '"tools.yaml" was not loaded',
                "fix the load errors first",
            ),
        )
    lowering = _Lowering(sources, sources.catalog)
    catalog = lowering.catalog(sources.source_hash)
    if lowering.diagnostics:
        return None, tuple(lowering.diagnostics)
    ops = {t.name: tuple(o.name for o in t.operations) for t in catalog.tools}
    profiles = tuple(profile(doc, catalog.server.name, ops) for doc in sources.clients)
    return (catalog, profiles), ()
