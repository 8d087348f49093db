"""The listing bench's catalog: 51 master tools, written for the bench, not taken from the example.

The shape issue 15 measured: one master tool per kind of record, an `operation` enum, typed
parameters, and every operation of a tool taking the same (optional) parameters. `TOOLS` is the
spec both listings are written from: `project()` declares it to toolc (tools.yaml, a client
profile, handlers), bench/handwritten51.py writes the listing a careful engineer would by hand,
and bench/fastmcp51.py gives the same functions to FastMCP.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Schema = dict[str, Any]

# Operation sets and what each operation does to the record (effect).
CRUD = ("add", "get", "update", "remove", "list")
BROWSE = ("get", "list", "search")
JOBS = ("start", "status", "cancel", "list")
REVIEW = ("submit", "get", "approve", "reject", "list")
EFFECT = {
    "add": "write",
    "update": "write",
    "start": "write",
    "submit": "write",
    "approve": "write",
    "reject": "write",
    "remove": "destructive",
    "cancel": "destructive",
    "get": "read",
    "list": "read",
    "search": "read",
    "status": "read",
}
VERB = {
    "add": "Add",
    "get": "Get",
    "update": "Update",
    "remove": "Remove",
    "list": "List",
    "search": "Search",
    "start": "Start",
    "status": "Check",
    "cancel": "Cancel",
    "submit": "Submit",
    "approve": "Approve",
    "reject": "Reject",
}


def text(description: str, max_length: int = 200) -> Schema:
    return {"type": "string", "maxLength": max_length, "description": description}


def ident(prefix: str, what: str) -> Schema:
    return {
        "type": "string",
        "pattern": f"^{prefix}[0-9]{{1,12}}$",
        "description": f"{what} id, e.g. {prefix}1.",
    }


def number(description: str, lo: int, hi: int) -> Schema:
    return {"type": "integer", "minimum": lo, "maximum": hi, "description": description}


def flag(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def choice(description: str, *values: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def labels(description: str) -> Schema:
    return {
        "type": "array",
        "items": {"type": "string", "maxLength": 50},
        "description": description,
    }


SHARED = {
    "PRIORITY": choice("How urgent it is.", "low", "normal", "high"),
    "LIMIT": number("Most results to return.", 1, 100),
    "TAGS": labels("Free-form labels."),
    "NOTE": text("Free text.", 2000),
}
OPERATION_SETS = {"CRUD": CRUD, "BROWSE": BROWSE, "JOBS": JOBS, "REVIEW": REVIEW}


@dataclass(frozen=True)
class ToolSpec:
    name: str
    record: str  # what one record is called, for descriptions
    description: str
    operations: tuple[str, ...]
    params: dict[str, Schema]


# bench/catalog51.txt: one tool a line (`name | record | description | operation set`), then its
# parameters (`name = kind arguments | description`; a SHARED name alone; `id PREFIX What`).
SPEC = (Path(__file__).resolve().parent / "catalog51.txt").read_text(encoding="utf-8")


def _param(text_: str) -> Schema:
    kind, _, description = (part.strip() for part in text_.partition("|"))
    word, *args = kind.split()
    if word in SHARED:
        return SHARED[word]
    if word == "id":
        return ident(args[0], " ".join(args[1:]))
    if word == "text":
        return text(description, int(args[0]))
    if word == "int":
        return number(description, int(args[0]), int(args[1]))
    if word == "enum":
        return choice(description, *args[0].split(","))
    if word == "flag":
        return flag(description)
    if word == "labels":
        return labels(description)
    raise ValueError(f"unknown parameter kind {word!r}")


def _tools(spec: str) -> tuple[ToolSpec, ...]:
    tools: list[ToolSpec] = []
    for line in spec.strip().splitlines():
        if not line.startswith(" "):
            name, record, description, ops = (part.strip() for part in line.split("|"))
            tools.append(ToolSpec(name, record, description, OPERATION_SETS[ops], {}))
        else:
            param, _, rest = line.strip().partition(" = ")
            tools[-1].params[param] = _param(rest)
    return tuple(tools)


TOOLS = _tools(SPEC)
assert len(TOOLS) == 51


def effect(ops: tuple[str, ...]) -> str:
    return "read" if all(EFFECT[o] == "read" for o in ops) else "mixed"


def op_description(spec: ToolSpec, op: str) -> str:
    """What an operation does, as a careful author states it (one short sentence)."""
    if op == "list":
        return f"List {spec.record}s."
    if op == "search":
        return f"Search {spec.record}s by words."
    if op == "status":
        return f"Check a {spec.record}'s progress."
    return f"{VERB[op]} a {spec.record}."


def catalog() -> dict[str, Any]:
    """tools.yaml for toolc: each tool's operations take its whole parameter set."""
    tools: dict[str, Any] = {}
    for spec in TOOLS:
        ops: dict[str, Any] = {}
        for op in spec.operations:
            ops[op] = {
                "description": op_description(spec, op),
                "effect": EFFECT[op],
                "params": spec.params,
                "handler": f"bench51_handlers:{spec.name}__{op}",
            }
        tools[spec.name] = {
            "description": spec.description,
            "handler": "bench51_handlers",
            "operations": ops,
        }
    return {"version": 1, "server": {"name": "bench51", "version": "1.0.0"}, "tools": tools}


def handlers_source() -> str:
    """The handler module: one function per operation, taking the tool's parameters."""
    lines = ['"""Bench handlers: every operation answers {} (the listing bench calls none)."""', ""]
    for spec in TOOLS:
        args = ", ".join(f"{p}: object = None" for p in spec.params)
        for op in spec.operations:
            lines += [
                "",
                f"def {spec.name}__{op}(*, {args}) -> dict[str, object]:",
                "    return {}",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def project(out: Path) -> Path:
    """A toolc project with this catalog and one flat client (`describe` left at its default)."""
    (out / "clients").mkdir(parents=True, exist_ok=True)
    (out / "tools.yaml").write_text(yaml.safe_dump(catalog(), sort_keys=False, width=100))
    client = {"version": 1, "client": "bench", "max_tools": 60, "dialect": "flat"}
    (out / "clients" / "bench.yaml").write_text(yaml.safe_dump(client, sort_keys=False))
    (out / "bench51_handlers.py").write_text(handlers_source())
    return out


if __name__ == "__main__":
    print(json.dumps(catalog(), indent=1))
