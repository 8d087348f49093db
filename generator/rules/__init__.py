"""Semantic rules: one registry row (code, slug, summary, function) per rule.

Rules run on Documents that passed the JSON Schema, so they may rely on its shapes. Each rule
returns diagnostics and never raises for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import ir
from ..batch.rules import batch_fits
from ..diagnostics import Diagnostic, Note, error
from ..docs.rules import examples_fit
from ..handler_imports import HandlerImports
from ..ir import Span
from ..lower import (
    OpEntry,
    ToolEntry,
    safe_module_ident,
    tool_entries,
)
from ..source import Document, KeyPath
from .access import auth_jwt_urls_trusted, auth_token_names_unique, auth_token_sources_named
from .compat import aliases_fit, allowed_breaks_known
from .context import Context, Rule, hint, op_label, quoted
from .defs import defs_used, refs_resolve
from .handlers import (
    handler_functions_exist,
    handler_modules_import,
    handler_modules_local,
    handler_signatures_fit,
)
from .params import required_are_params, schemas_are_valid
from .selection import operation_selections_resolve
from .state import state_is_safe
from .upstreams import (
    env_references_valid,
    forward_keys_fit,
    secrets_are_references,
    upstreams_resolve,
    upstreams_used,
    upstreams_well_formed,
)
from .wire import legacy_sets_fit, param_rules_valid, pattern_error, py_names_usable

__all__ = ["RULES", "Rule", "run"]

MCP_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


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
                    f'legacy name "{entry.name}" of {op_label(op)} shadows tool "{shadowed.name}"',
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
            declared = quoted(names[kind]) if names[kind] else "none"
            fix = hint(
                name, names[kind], f'declare it under "policies.{kind}" (declared: {declared})'
            )
            yield error(ctx.at(path), "E020", f'{kind} policy "{name}" does not exist', fix)


def invalidates_resolve(ctx: Context) -> Iterator[Diagnostic]:
    ops_of = {t.name: [o.name for o in t.operations] for t in ctx.tools}
    for tool, op in ctx.ops():
        for i, entry in enumerate(op.data.get("invalidates") or ()):
            path = (*op.path, "invalidates", i)
            if isinstance(entry, str):
                target_tool, targets = tool.name, [(entry, path)]
            else:
                target_tool = entry["tool"]
                if target_tool not in ops_of:
                    yield error(
                        ctx.at((*path, "tool")),
                        "E021",
                        f'{op_label(op)} invalidates tool "{target_tool}", which does not exist',
                        hint(target_tool, ops_of, f"use one of {quoted(ops_of)}"),
                    )
                    continue
                ops = entry.get("operations") or ()
                targets = [(t, (*path, "operations", j)) for j, t in enumerate(ops)]
            names = ops_of[tool.name] if target_tool == tool.name else ops_of[target_tool]
            for target, where in targets:
                if target not in names:
                    yield error(
                        ctx.at(where),
                        "E021",
                        f'{op_label(op)} invalidates "{target}", which is not an operation of '
                        f'tool "{target_tool}"',
                        hint(target, names, f"use one of {quoted(names)}"),
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
                            hint(name, known, f"remove it or declare the {noun}"),
                        )


def cache_only_on_reads(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        effect = op.data.get("effect", "write")
        if op.data.get("cache") is not None and effect != "read":
            yield error(
                ctx.at((*op.path, "cache")),
                "E023",
                f'{op_label(op)} is cached but its effect is "{effect}"',
                'remove "cache" or set "effect: read"',
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
                        f"a parameter of {op_label(op)}",
                        hint(new, op.params, "rename to a declared parameter"),
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
                        f"current parameter of {op_label(op)}",
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
                    hint(name, tools, "rename a declared tool"),
                )
                continue
            by_op = any(str(o).startswith(name + ".") for o in select.get("operations") or ())
            selected = by_op or ir.is_selected(
                name,
                tool.tags,
                select_tools=tuple(select.get("tools") or ())
                if "tools" in select or "operations" in select
                else None,
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
        problem = pattern_error(doc, "name_rule")
        if problem is not None:
            yield problem
        prefix = str(rule.get("prefix", ""))
        if "{" in prefix.replace("{server}", "") or "}" in prefix.replace("{server}", ""):
            yield error(
                doc.source_map.span(("name_rule", "prefix")),
                "E003",
                f'name_rule.prefix "{prefix}" has a placeholder other than "{{server}}"',
                'use "{server}" or remove the braces',
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
        "E080",
        "state-safe",
        "a client's shared-state URL is usable and holds no secret",
        state_is_safe,
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
        "invalidates entries name existing operations",
        invalidates_resolve,
    ),
    Rule(
        "E022",
        "selections-resolve",
        "client select/exclude name declared tools and tags",
        selections_resolve,
    ),
    Rule(
        "E022",
        "operation-selections-resolve",
        "client select/exclude operations name operations of master tools",
        operation_selections_resolve,
    ),
    Rule("E023", "cache-only-on-reads", "only read operations are cached", cache_only_on_reads),
    Rule("E024", "required-are-params", "required names declared parameters", required_are_params),
    Rule(
        "E025",
        "schemas-valid",
        "parameter and returns schemas are valid JSON Schema",
        schemas_are_valid,
    ),
    Rule("E028", "refs-resolve", "every $ref names a top-level def", refs_resolve),
    Rule("W004", "defs-used", "every def is used by some params or returns", defs_used),
    Rule(
        "E026",
        "py-names-usable",
        "parameters get distinct, usable Python names",
        py_names_usable,
    ),
    Rule("E029", "legacy-sets-fit", "legacy `set` values fit their parameters", legacy_sets_fit),
    Rule("E100", "examples-fit", "operation examples are valid calls", examples_fit),
    Rule(
        "E003",
        "param-rules-valid",
        "client param_rule patterns are well-formed",
        param_rules_valid,
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
    Rule("E012", "aliases-fit", "tool aliases are unique, MCP-valid and unshadowed", aliases_fit),
    Rule("E003", "allowed-breaks-known", "allow_breaking names known rules", allowed_breaks_known),
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
        "E043",
        "handler-modules-local",
        "handler modules live under the project root or are declared external",
        handler_modules_local,
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
    Rule(
        "E095",
        "upstreams-resolve",
        "forwarding operations name declared upstreams",
        upstreams_resolve,
    ),
    Rule(
        "E096", "forward-keys-fit", "upstream, handler, tool and set fit together", forward_keys_fit
    ),
    Rule("E097", "env-references", "${NAME} references are well-formed", env_references_valid),
    Rule("E098", "upstreams-well-formed", "each upstream is stdio or HTTP", upstreams_well_formed),
    Rule(
        "W095",
        "literal-secrets",
        "secrets in env and headers are ${NAME} references",
        secrets_are_references,
    ),
    Rule("W096", "upstreams-used", "every upstream serves some operation", upstreams_used),
    Rule(
        "E075",
        "auth-token-names",
        "a client's auth tokens have distinct names",
        auth_token_names_unique,
    ),
    Rule(
        "E076",
        "auth-jwt-urls",
        "a client's jwt URLs are URLs; jwks_url is https",
        auth_jwt_urls_trusted,
    ),
    Rule(
        "E077",
        "auth-token-sources",
        "each auth token is read from one env var (by name) or one file",
        auth_token_sources_named,
    ),
    Rule("E105", "batch-fits", "batching tools are master tools with free batch names", batch_fits),
)


def run(root: Path, catalog: Document | None, clients: tuple[Document, ...]) -> list[Diagnostic]:
    """Apply every rule; catalog rules need a schema-valid catalog, client rules valid clients."""
    tools = tool_entries(catalog) if catalog is not None else ()
    ctx = Context(root, catalog, clients, tools, HandlerImports.of(root, catalog))
    found: list[Diagnostic] = []
    for rule in RULES:
        found.extend(rule.check(ctx))
    return found
