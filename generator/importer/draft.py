"""The draft catalog: `tools.yaml` data (and handler stubs) from a grouping proposal.

Per operation: the original description, title (the tool's `title`, else `annotations.title`),
params / required / returns (see `schemas`), the effect from the annotations (`readOnlyHint:
true` -> read; else `destructiveHint: false` -> write; else destructive, which is what MCP
assumes of a tool that says nothing), `idempotent` and `open_world` when the original sets
them, and the original name as a legacy name. A plain tool keeps its original name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ir import module_ident, param_py_name, py_name_problem
from .grouping import Group, Proposal
from .schemas import Defs, convert

MCP_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


@dataclass(frozen=True, slots=True)
class Upstream:
    """How the draft reaches the original server (`--handlers proxy`)."""

    name: str
    spec: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Stub:
    """One handler function `--handlers stub` writes."""

    function: str
    label: str  # `tool operation (was "original")`
    params: dict[str, Any]
    required: list[str]
    extra: bool  # takes **kwargs (additional_params: allow)


@dataclass(slots=True)
class Draft:
    catalog: dict[str, Any]
    stubs: dict[str, list[Stub]] = field(default_factory=dict)  # module -> functions
    notes: list[tuple[str, str]] = field(default_factory=list)
    # tool name in the draft -> (operation or "", original name), declaration order
    served: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def mcp_name(name: str) -> str:
    """The original name made MCP-valid (other characters become `_`, at most 128)."""
    return (re.sub(r"[^A-Za-z0-9._-]", "_", name) or "tool")[:128]


def _annotations(tool: Mapping[str, Any]) -> dict[str, Any]:
    ann = tool.get("annotations")
    return ann if isinstance(ann, dict) else {}


def effect_keys(tool: Mapping[str, Any]) -> dict[str, Any]:
    ann = _annotations(tool)
    out: dict[str, Any] = {}
    if ann.get("readOnlyHint") is True:
        out["effect"] = "read"
    elif ann.get("destructiveHint") is False:
        out["effect"] = "write"
    else:
        out["effect"] = "destructive"
    if ann.get("idempotentHint") is True:
        out["idempotent"] = True
    if isinstance(ann.get("openWorldHint"), bool):
        out["open_world"] = ann["openWorldHint"]
    return out


def _py_names(params: dict[str, Any]) -> None:
    """Give a parameter whose derived Python name another one has a `py_name` of its own."""
    used: set[str] = set()
    for wire, schema in params.items():
        py = param_py_name(wire)
        if py in used:
            k = 2
            while f"{py}_{k}" in used or py_name_problem(f"{py}_{k}"):
                k += 1
            py = f"{py}_{k}"
            params[wire] = {**schema, "py_name": py}
        used.add(py)


def _func_name(op: str) -> str:
    """The handler function of an operation (its name, made a usable identifier)."""
    text = re.sub(r"[^A-Za-z0-9_]", "_", op) or "run"
    if text[0].isdigit():
        text = "op_" + text
    return str(module_ident(text))


class _Builder:
    def __init__(self, tools: Mapping[str, Mapping[str, Any]], upstream: Upstream | None):
        self.tools = tools
        self.upstream = upstream
        self.defs = Defs()
        self.modules: set[str] = set()
        self.draft = Draft(catalog={})

    def module_for(self, tool: str) -> str:
        base = str(module_ident(tool))
        name, k = base, 2
        while name in self.modules:
            name = f"{base}_{k}"
            k += 1
        self.modules.add(name)
        return name

    def operation(
        self, draft_tool: str, op: str, original: str, plain: bool, module: str
    ) -> dict[str, Any]:
        src = self.tools[original]
        shapes = convert(draft_tool, src.get("inputSchema"), src.get("outputSchema"), self.defs)
        for note in shapes.notes:
            self.draft.notes.append(("W091", f'"{original}": {note}'))
        _py_names(shapes.params)
        entry: dict[str, Any] = {}
        ann = _annotations(src)
        title = src.get("title") or ann.get("title")
        if isinstance(title, str) and title:
            entry["title"] = title
        if isinstance(src.get("description"), str):
            entry["description"] = src["description"]
        entry["params"] = shapes.params
        if shapes.required:
            entry["required"] = shapes.required
        if shapes.allow_extra:
            entry["additional_params"] = "allow"
        if shapes.returns is not None:
            entry["returns"] = shapes.returns
        entry.update(effect_keys(src))
        func = _func_name(op or draft_tool)
        if self.upstream is not None:
            entry["upstream"] = self.upstream.name
            entry["tool"] = original
        elif plain or func != op:
            entry["handler"] = f"handlers.{module}:{func}"
        if self.upstream is None:
            label = f"{draft_tool} {op}".strip() + f' (was "{original}")'
            stub = Stub(func, label, shapes.params, shapes.required, shapes.allow_extra)
            self.draft.stubs.setdefault(module, []).append(stub)
        if not plain or draft_tool != original:
            if MCP_NAME.match(original):
                entry["legacy"] = [original]
            else:
                self.draft.notes.append(
                    (
                        "W090",
                        f'"{original[:60]}" is no valid MCP tool name, so it cannot stay '
                        "callable — "
                        f'callers use "{draft_tool}"' + (f' operation "{op}"' if op else ""),
                    )
                )
        return entry

    def group(self, group: Group) -> None:
        if group.plain:
            original = group.members[0].original
            name = mcp_name(original)
            module = self.module_for(name)
            if module != module_ident(name):
                name = f"{name}_{module.rsplit('_', 1)[-1]}"
                self.draft.notes.append(
                    (
                        "W093",
                        f'"{original}" has a Python module name another tool has — '
                        f'it is tool "{name}" now',
                    )
                )
            entry = self.operation(name, "", original, True, module)
            self.draft.catalog[name] = entry
            self.draft.served[name] = [("", original)]
            return
        module = self.module_for(group.name)
        ops = [m.operation for m in group.members]
        tool: dict[str, Any] = {
            "description": f"{group.name.replace('_', ' ').capitalize()}: {', '.join(ops)}.",
        }
        if self.upstream is None:
            tool["handler"] = f"handlers.{module}"
        tool["operations"] = {
            m.operation: self.operation(group.name, m.operation, m.original, False, module)
            for m in group.members
        }
        self.draft.catalog[group.name] = tool
        self.draft.served[group.name] = [(m.operation, m.original) for m in group.members]


def build_draft(
    tools: Mapping[str, Mapping[str, Any]],
    proposal: Proposal,
    *,
    server: dict[str, Any],
    upstream: Upstream | None,
) -> Draft:
    """The draft's `tools.yaml` mapping (key order is the file's order)."""
    builder = _Builder(tools, upstream)
    for group in proposal.groups:
        builder.group(group)
    draft = builder.draft
    catalog: dict[str, Any] = {"version": 1, "server": server}
    if upstream is not None:
        catalog["upstreams"] = {upstream.name: upstream.spec}
    if builder.defs.schemas:
        catalog["defs"] = builder.defs.schemas
    catalog["tools"] = draft.catalog
    draft.catalog = catalog
    draft.notes[:0] = list(proposal.notes)
    return draft
