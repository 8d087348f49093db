"""Text the importer writes: YAML files with a header comment, and the proposal table."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from .grouping import Proposal

TOOLS_SCHEMA_LINE = "# yaml-language-server: $schema=.toolc/schemas/tools.schema.json\n"
CLIENT_SCHEMA_LINE = "# yaml-language-server: $schema=../.toolc/schemas/client.schema.json\n"


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line strings as literal blocks; keys in the order given."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )


def comment(lines: list[str]) -> str:
    """`# ` lines, each paragraph wrapped at 98 columns."""
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, 98, break_long_words=False, break_on_hyphens=False) or [""])
    return "".join(f"# {line}\n" if line else "#\n" for line in out)


def proposal_table(proposal: Proposal) -> str:
    """One row per draft tool: group, its operations, the original names they serve."""
    rows = [("group", "operations", "original names")]
    for g in proposal.groups:
        if g.plain:
            rows.append((g.name, "(plain tool)", g.members[0].original))
        else:
            rows.append(
                (
                    g.name,
                    ", ".join(m.operation for m in g.members),
                    ", ".join(m.original for m in g.members),
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  {r[2]}".rstrip() for r in rows]
    masters = sum(1 for g in proposal.groups if not g.plain)
    members = sum(len(g.members) for g in proposal.groups)
    lines.append(
        f"{members} tools -> {len(proposal.groups)} tools "
        f"({masters} master tools, {len(proposal.groups) - masters} plain)"
    )
    return "\n".join(lines) + "\n"
