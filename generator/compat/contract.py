"""The public contract each client's build exposes, as the plain JSON that `tools.lock` holds.

Built from the resolved `ClientBuild`s, so it says exactly what a client can call: every name
that answers (its tools under their visible and declared names, tool aliases, legacy names with
their argument renames and sunsets, unless the client refuses legacy names), and per operation the
input schema a call is checked against, the output schema and the annotations. An operation's
contract is taken from the operation as a stand-alone tool (`listing.contract_entry`), so it is what
the runtime validates whatever the client's dialect or listing economy.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..batch.listing import batch_contract
from ..ir import Catalog, ClientBuild, Tool
from ..listing import contract_entry

FORMAT = 1
Contract = dict[str, Any]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _tool_contract(catalog: Catalog, tool: Tool, visible: str) -> Contract:
    defs = {d.name: d.schema for d in catalog.defs}
    ops: dict[str, Any] = {}
    for op in tool.operations:
        entry = contract_entry(tool, op, defs)
        ops[op.name] = {
            "input": entry["inputSchema"],
            "output": entry.get("outputSchema"),
            "annotations": entry.get("annotations", {}),
        }
    batch = batch_contract(tool)
    if batch is not None:
        ops["batch"] = batch
    return {"kind": tool.kind, "operations": ops}


def client_contract(catalog: Catalog, build: ClientBuild) -> Contract:
    """One client's contract: `tools` (declared name -> operations) and `names` (every name
    that answers -> what it calls)."""
    profile = build.profile
    renames = dict(profile.rename)
    listed = {e.name: _digest(e.definition) for e in build.exposed}
    tools: dict[str, Any] = {}
    names: dict[str, Any] = {}

    def name(key: str, **fields: Any) -> None:
        names[key] = {**fields, **({"listing": listed[key]} if key in listed else {})}

    accept = profile.legacy != "refuse"
    for tool in build.tools:
        visible = renames.get(tool.name, tool.name)
        tools[tool.name] = _tool_contract(catalog, tool, visible)
        name(visible, tool=tool.name, via="tool")
        if visible != tool.name:
            name(tool.name, tool=tool.name, via="rename")
        for alias in tool.aliases:  # `legacy: refuse` is about flat legacy names only
            name(alias.name, tool=tool.name, via="alias", sunset=alias.sunset)
        for op in tool.operations:
            for old in op.legacy if accept else ():
                name(
                    old.name,
                    tool=tool.name,
                    operation=op.name,
                    rename=dict(old.rename),
                    sunset=old.sunset,
                    via="legacy",
                )
    return {"legacy": profile.legacy, "names": names, "tools": tools}


def lock_document(catalog: Catalog, builds: tuple[ClientBuild, ...]) -> Contract:
    """The whole lock: format, server identity and version, and every client's contract."""
    return {
        "format": FORMAT,
        "server": {"name": catalog.server.name, "version": catalog.server.version},
        "clients": {b.profile.name: client_contract(catalog, b) for b in builds},
    }


def lock_text(document: Contract) -> str:
    """Canonical JSON: sorted keys, 2-space indent, one trailing newline; no dates."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
