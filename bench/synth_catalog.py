"""Write a synthetic toolc project with N operations, for timing `generate`.

    python bench/synth_catalog.py --ops 1000 --out /tmp/synth1000
    .venv/bin/toolc generate --root /tmp/synth1000

Operations are spread over master tools of --per-tool operations each; every operation has a
few typed parameters (enum, constrained string, integer with default, a nested object, an array
of constrained strings) and `returns`. Handlers live in the package `synth_handlers/` inside the
output folder, one module per tool, with a function per operation.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

PARAMS = {
    "query": {"type": "string", "minLength": 1, "description": "What to look for."},
    "mode": {"type": "string", "enum": ["fast", "full", "exact"], "default": "fast"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20},
    "labels": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 10},
    "filter": {
        "type": "object",
        "properties": {"owner": {"type": "string"}, "since": {"type": "string"}},
        "description": "Optional filter.",
    },
}
RETURNS = {
    "type": "object",
    "required": ["items", "total"],
    "properties": {
        "items": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "string"}}},
        },
        "total": {"type": "integer"},
    },
}


def _yaml(value: object) -> str:
    return json.dumps(value, sort_keys=False)  # JSON is YAML


def write_project(out: Path, ops: int, per_tool: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "clients").mkdir(parents=True)
    pkg = out / "synth_handlers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    lines = [
        "version: 1",
        "server: {name: synth, version: 1.0.0}",
        "policies:",
        "  cache: {short: {ttl: 30, max_entries: 1024}}",
        "  breaker: {standard: {failure_threshold: 5, reset_timeout: 30, half_open_max_calls: 1}}",
        "defaults: {timeout: 30, breaker: standard, max_concurrency: 32}",
        "tools:",
    ]
    tools = (ops + per_tool - 1) // per_tool
    made = 0
    for t in range(tools):
        name = f"synth_t{t:03d}"
        count = min(per_tool, ops - made)
        made += count
        lines += [
            f"  {name}:",
            f"    description: Synthetic tool {t}.",
            f"    tags: [{'even' if t % 2 == 0 else 'odd'}]",
            f"    handler: synth_handlers.{name}",
            "    operations:",
        ]
        funcs = ["from __future__ import annotations", "", "from typing import Any", ""]
        for o in range(count):
            op = f"op{o:02d}"
            effect = "read" if o % 3 else "write"
            lines += [
                f"      {op}:",
                f"        description: Operation {o} of tool {t}.",
                f"        effect: {effect}",
                f"        params: {_yaml(PARAMS)}",
                "        required: [query]",
                f"        returns: {_yaml(RETURNS)}",
                f"        legacy: [{name}_{op}]",
            ]
            if effect == "read":
                lines.append("        cache: short")
            funcs += [
                "",
                f"def {op}(",
                "    query: str,",
                "    mode: str = 'fast',",
                "    limit: int = 20,",
                "    labels: list[str] | None = None,",
                "    filter: Any = None,",
                ") -> dict[str, Any]:",
                "    return {'items': [{'id': query}], 'total': limit}",
                "",
            ]
        (pkg / f"{name}.py").write_text("\n".join(funcs))
    (out / "tools.yaml").write_text("\n".join(lines) + "\n")
    (out / "clients" / "full.yaml").write_text(
        "version: 1\nclient: full\nmax_tools: 500\ndialect: flat\nlegacy: accept\n"
    )
    (out / "clients" / "half.yaml").write_text(
        "version: 1\nclient: half\nmax_tools: 500\ndialect: union\nlegacy: accept\n"
        "select: {tags: [even]}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--per-tool", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_project(args.out, args.ops, args.per_tool)


if __name__ == "__main__":
    main()
