"""View objects for the templates: every name and import decided here, in Python.

Templates only loop and print. Identifiers reach templates as validated `PyIdent`s (or dotted
paths of them); every other YAML string goes through the `py` / `json` literal filters.
"""

from __future__ import annotations

import builtins
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..batch.table import batch_table
from ..ir import (
    Catalog,
    ClientBuild,
    ClientProfile,
    Operation,
    Param,
    PyIdent,
    RateLimit,
    Tool,
    Upstream,
    to_py_ident,
)
from ..upstreams.lang import spec as upstream_spec
from . import HEADER

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def py_literal(value: Any) -> str:
    """A Python literal for a JSON-like value; strings via repr, so nothing can escape."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot emit non-finite number {value!r}")
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    raise TypeError(f"cannot emit {type(value).__name__} as a literal")


def json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py"] = py_literal
    return env


def _fresh(name: str, taken: set[str]) -> PyIdent:
    while name in taken:
        name += "_"
    taken.add(name)
    return to_py_ident(name)


# --- dispatch/<tool_module>.py ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandlerImport:
    package: str | None  # dotted path of PyIdents, or None for a top-level module
    name: PyIdent
    alias: PyIdent


@dataclass(frozen=True, slots=True)
class ForwardCall:
    upstream: str  # printed through `py`
    tool: str  # the upstream tool's name, printed through `py`
    fixed: dict[str, Any]  # `set`, printed through `py`


@dataclass(frozen=True, slots=True)
class DispatchFunction:
    key: str  # operation name, printed through `py`
    name: PyIdent
    is_async: bool
    handler: PyIdent  # alias of the handler module
    function: PyIdent
    call_args: tuple[str, ...]  # "title=args.title", built only from PyIdents
    input_model: PyIdent
    output_model: PyIdent | None
    streams: bool  # the handler takes `ctx`, so it may send progress or logs mid-call
    # `additional_params: allow`: the keyword names an undeclared argument may not take
    keywords: tuple[str, ...] | None = None
    forward: ForwardCall | None = None  # forwards to an upstream tool instead of a handler


@dataclass(frozen=True, slots=True)
class DispatchView:
    header: str
    tool: str
    module: PyIdent
    models: PyIdent  # alias of the models module
    imports: tuple[HandlerImport, ...]
    functions: tuple[DispatchFunction, ...]
    missing: bool = False  # some operation passes MISSING for an omitted nullable argument
    # the upstreams this tool's forwarding operations use: name -> runtime table
    upstreams: dict[str, Any] | None = None


# Names a dispatch module uses or should not shadow; an operation named `list` becomes `list_`.
_RESERVED = frozenset({"OPERATIONS", "MISSING", "annotations", "Any", "Final", *dir(builtins)})


def _call_arg(p: Param) -> str:
    """`name=args.name`; MISSING instead of None when the caller omitted a nullable argument."""
    ident = to_py_ident(p.ident)
    if p.missing:
        return f"{ident}=args.{ident} if {ident!r} in args.model_fields_set else MISSING"
    return f"{ident}=args.{ident}"


def dispatch_view(tool: Tool, upstreams: tuple[Upstream, ...] = ()) -> DispatchView:
    taken: set[str] = set(_RESERVED)
    forwards = {op.forward.upstream for op in tool.operations if op.forward is not None}
    if forwards:  # names the forwarding code uses
        taken |= {"UPSTREAMS", "forward"}
    names = [_fresh(op.py_name, taken) for op in tool.operations]
    models = _fresh("models", taken)
    aliases: dict[str, PyIdent] = {}
    imports: list[HandlerImport] = []
    for op in tool.operations:
        if op.forward is not None or op.handler_module in aliases:
            continue
        parts = [to_py_ident(p) for p in op.handler_module.split(".")]
        alias = _fresh(f"h{len(imports)}", taken)
        aliases[op.handler_module] = alias
        package = ".".join(parts[:-1]) or None
        imports.append(HandlerImport(package=package, name=parts[-1], alias=alias))
    functions: list[DispatchFunction] = []
    for op, name in zip(tool.operations, names, strict=True):
        if op.forward is not None:
            functions.append(_forward_function(op, name))
            continue
        args = [_call_arg(p) for p in op.params]
        if op.handler_takes_context:
            args.append("ctx=ctx")
        keywords = None
        if op.additional_params:
            keywords = tuple(sorted({p.ident for p in op.params} | {"ctx"}))
            args.append("**(args.model_extra or {})")
        functions.append(
            DispatchFunction(
                key=op.name,
                name=name,
                is_async=op.handler_is_async,
                handler=aliases[op.handler_module],
                function=to_py_ident(op.handler_function),
                call_args=tuple(args),
                input_model=to_py_ident(op.input_model),
                output_model=to_py_ident(op.output_model) if op.output_model else None,
                streams=op.handler_takes_context,
                keywords=keywords,
            )
        )
    return DispatchView(
        header=HEADER,
        tool=tool.name,
        module=to_py_ident(tool.module),
        models=models,
        imports=tuple(imports),
        functions=tuple(functions),
        missing=any(p.missing for op in tool.operations if op.forward is None for p in op.params),
        upstreams={u.name: upstream_spec(u) for u in upstreams if u.name in forwards} or None,
    )


def _forward_function(op: Operation, name: PyIdent) -> DispatchFunction:
    """An operation an upstream tool serves: the generated function forwards its arguments."""
    assert op.forward is not None
    return DispatchFunction(
        key=op.name,
        name=name,
        is_async=True,
        handler=to_py_ident("forward"),
        function=to_py_ident("forward"),
        call_args=(),
        input_model=to_py_ident(op.input_model),
        output_model=to_py_ident(op.output_model) if op.output_model else None,
        streams=False,
        forward=ForwardCall(op.forward.upstream, op.forward.tool, dict(op.forward.fixed)),
    )


# --- clients/<client>/build.py ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildView:
    header: str
    tables: tuple[tuple[PyIdent, str, Any], ...]  # (NAME, annotation, value)


def _tool_concurrency(catalog: Catalog, tool: Tool) -> int:
    d = catalog.defaults
    limit = tool.max_concurrency or d.tool_max_concurrency or d.max_concurrency
    per_op = [op.max_concurrency for op in tool.operations if op.max_concurrency is not None]
    return min([limit, *per_op])


def _other_tool_invalidates(op: Operation, selected: set[str]) -> dict[str, Any]:
    """`invalidates_tools` for the build table: only tools this client has, omitted when empty."""
    others = {tool: list(ops) for tool, ops in op.invalidates_tools if tool in selected}
    return {"invalidates_tools": others} if others else {}


def _rate_limit(limit: RateLimit) -> dict[str, Any]:
    return {"calls_per_minute": float(limit.calls_per_minute), "burst": limit.burst}


def access_keys(scopes: tuple[str, ...], limit: RateLimit | None) -> dict[str, Any]:
    """`scopes` / `rate_limit` of an operation or tool table, only when declared (so builds that
    declare neither stay byte-identical)."""
    out: dict[str, Any] = {}
    if scopes:
        out["scopes"] = list(scopes)
    if limit is not None:
        out["rate_limit"] = _rate_limit(limit)
    return out


def access_tables(profile: ClientProfile) -> list[tuple[PyIdent, str, Any]]:
    """AUTH (names of variables and paths of files, never a secret) and RATE_LIMIT, when set."""
    tables: list[tuple[PyIdent, str, Any]] = []
    auth = profile.auth
    if auth is not None:
        table: dict[str, Any] = {}
        if auth.tokens:
            table["tokens"] = [
                {
                    "name": t.name,
                    **({"env": t.env} if t.env is not None else {}),
                    **({"file": t.file} if t.file is not None else {}),
                    "scopes": list(t.scopes),
                }
                for t in auth.tokens
            ]
        if auth.jwt is not None:
            j = auth.jwt
            table["jwt"] = {
                "issuer": j.issuer,
                "audience": j.audience,
                "jwks_url": j.jwks_url,
                "scopes": list(j.scopes),
            }
        tables.append((to_py_ident("AUTH"), "dict[str, Any]", table))
    if profile.rate_limit is not None:
        tables.append(
            (to_py_ident("RATE_LIMIT"), "dict[str, float]", _rate_limit(profile.rate_limit))
        )
    return tables


def _split_table(build: ClientBuild) -> dict[str, Any]:
    """Split tool name -> {"tool": declared tool, "operations": the operations it answers}."""
    return {
        e.name: {"tool": e.tool, "operations": list(e.operations)}
        for e in build.exposed
        if e.operations
    }


def _aliases_table(build: ClientBuild) -> list[tuple[PyIdent, str, Any]]:
    """ALIASES (old tool name -> tool, sunset, listed), only in builds whose tools have any."""
    listed = build.profile.legacy == "list"
    aliases = {
        a.name: {"tool": t.name, "sunset": a.sunset, "listed": listed}
        for t in build.tools
        for a in t.aliases
    }
    return [(to_py_ident("ALIASES"), "dict[str, dict[str, Any]]", aliases)] if aliases else []


def build_view(catalog: Catalog, build: ClientBuild) -> BuildView:
    profile = build.profile
    server = catalog.server
    tools: dict[str, Any] = {}
    names: dict[str, str] = {}
    legacy: dict[str, Any] = {}
    renames = dict(profile.rename)
    selected = {t.name for t in build.tools}
    # `param_rule` renames of what this client lists: {"param_keys": {client key: declared key}}
    keys = {
        (e.legacy.name if e.legacy else e.tool): {"param_keys": dict(e.param_keys)}
        for e in build.exposed
        if e.param_keys
    }
    for tool in build.tools:
        ops: dict[str, Any] = {}
        for op in tool.operations:
            ops[op.name] = {
                "effect": op.effect,
                "idempotent": op.idempotent,
                "cache": op.cache,
                "invalidates": list(op.invalidates),
                **_other_tool_invalidates(op, selected),
                "breaker": op.breaker,
                "timeout": float(op.timeout),
                "params": [p.name for p in op.params],
                "required": list(op.required),
                **access_keys(op.scopes, op.rate_limit),
            }
            for old in op.legacy:
                legacy[old.name] = {
                    "tool": tool.name,
                    "operation": op.name,
                    "rename": dict(old.rename),
                    "sunset": old.sunset,
                    "listed": profile.legacy == "list",
                    **({"set": dict(old.fixed)} if old.fixed else {}),
                    **keys.get(old.name, {}),
                }
        tools[tool.name] = {
            "kind": tool.kind,
            "module": tool.module,
            "max_concurrency": _tool_concurrency(catalog, tool),
            "operations": ops,
            **keys.get(tool.name, {}),
            **access_keys((), tool.rate_limit),
        }
        names[renames.get(tool.name, tool.name)] = tool.name
        names.setdefault(tool.name, tool.name)
    tables: list[tuple[PyIdent, str, Any]] = [
        (to_py_ident("FORMAT"), "int", 1),
        (to_py_ident("CLIENT"), "str", profile.name),
        (
            to_py_ident("SERVER"),
            "dict[str, str | None]",
            {
                "name": server.name,
                "version": server.version,
                "title": server.title,
                "instructions": profile.server_instructions(server.instructions),
            },
        ),
        (to_py_ident("DIALECT"), "str", profile.dialect),
        (to_py_ident("LEGACY_MODE"), "str", profile.legacy),
        (to_py_ident("MAX_CONCURRENCY"), "int", catalog.defaults.max_concurrency),
        (
            to_py_ident("CACHE_POLICIES"),
            "dict[str, dict[str, Any]]",
            {
                c.name: {
                    "ttl": float(c.ttl),
                    "max_entries": c.max_entries,
                    **({"shared": True} if c.shared else {}),
                }
                for c in catalog.cache_policies
            },
        ),
        (
            to_py_ident("BREAKER_POLICIES"),
            "dict[str, dict[str, Any]]",
            {
                b.name: {
                    "failure_threshold": b.failure_threshold,
                    "reset_timeout": float(b.reset_timeout),
                    "half_open_max_calls": b.half_open_max_calls,
                    **({"count": list(b.count)} if b.count is not None else {}),
                }
                for b in catalog.breaker_policies
            },
        ),
        (to_py_ident("TOOLS"), "dict[str, dict[str, Any]]", tools),
        (to_py_ident("NAMES"), "dict[str, str]", names),
        (to_py_ident("LEGACY"), "dict[str, dict[str, Any]]", legacy),
        *_aliases_table(build),
        *batch_table(build),
    ]
    split = _split_table(build)
    if split:  # only builds that split carry the table, so other builds stay byte-identical
        tables.append((to_py_ident("SPLIT"), "dict[str, dict[str, Any]]", split))
    if profile.state is not None:  # a URL with ${VAR} references or a variable's name, no secret
        tables.append((to_py_ident("STATE"), "dict[str, str]", dict([profile.state])))
    tables.extend(access_tables(profile))
    return BuildView(header=HEADER, tables=tuple(tables))
