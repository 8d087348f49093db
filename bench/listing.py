"""`make bench`, bytes part: toolc's tools/list against listings it did not write.

    python bench/listing.py   # the figures alone, as JSON (about 15 s: one toolc generate)

- Bench catalog: bench/catalog51.py, 51 master tools written for the bench (an `operation` enum,
  typed parameters, every operation taking the same parameters), compiled by `toolc generate`
  with a flat client at the default `describe: compact`, against the listing a careful engineer
  writes by hand for the same tools (bench/handwritten51.py) and FastMCP's listing of the same
  functions (bench/fastmcp51.py; when fastmcp is installed, as in make bench's environment).
  Whole listings, with hints, and inputs only (name, description, input schema: what a host
  passes to the model).
- Example catalog: each client's listing in `generated/` against the same client's listing at
  commit ccb79a7 (before the compact listing), measured by the same rule.

Bytes are the compact JSON of the `tools` array (sorted keys, UTF-8; `max_list_bytes` counts the
same plus the 10 bytes of `{"tools":}`); tokens are o200k_base estimates (toolc.generator.tokens).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

# The example catalog's listings at ccb79a7 (main before the compact listing), measured like the
# rest of this module (the compact `tools` array): bytes, o200k_base tokens, bytes inputs only.
BEFORE = {
    "claude-code": (46449, 11481, 20514),
    "cursor": (31325, 7762, 12620),
    "mobile": (12654, 3159, 6955),
    "reviewer": (25646, 6277, 9818),
    "windsurf": (145850, 36276, 63805),
}
BENCH_RATIO = 1.05  # toolc's compact listing ≤ this × the hand-written listing's bytes
EXAMPLE_CUT = 0.25  # every example client's listing at least this much smaller than before


def _compact(tools: list[Any]) -> str:
    return json.dumps(tools, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _inputs_only(tools: list[Any]) -> list[Any]:
    keep = ("name", "description", "inputSchema")
    return [{k: v for k, v in t.items() if k in keep} for t in tools]


def size(tools: list[Any]) -> dict[str, int]:
    from toolc.generator.tokens import count_tokens

    text, inputs = _compact(tools), _compact(_inputs_only(tools))
    return {
        "bytes": len(text.encode()),
        "tokens": count_tokens(text),
        "bytes_inputs": len(inputs.encode()),
        "tokens_inputs": count_tokens(inputs),
    }


def toolc_listing(out: Path) -> list[Any]:
    """The bench catalog compiled by `toolc generate` in `out` (a fresh project)."""
    import catalog51

    catalog51.project(out)
    toolc = [sys.executable, "-m", "toolc", "generate", "--root", str(out), "--quiet"]
    subprocess.run(toolc, check=True, capture_output=True, cwd=ROOT, timeout=300)
    listed = json.loads((out / "generated/clients/bench/tools_list.json").read_text())
    tools: list[Any] = listed["tools"]
    return tools


def figures(work: Path | None = None) -> dict[str, Any]:
    """Sizes of the bench catalog's listings and of the example catalog's clients."""
    sys.path.insert(0, str(HERE))
    import fastmcp51
    import handwritten51

    work = work or Path(tempfile.mkdtemp(prefix="toolc-list-"))
    bench = {
        "toolc": size(toolc_listing(work / "bench51")),
        "handwritten": size(handwritten51.listing()["tools"]),
    }
    fast = fastmcp51.listing()
    if fast is not None:
        bench["fastmcp"] = size(fast["tools"])
    example: dict[str, Any] = {}
    for folder in sorted((ROOT / "generated/clients").iterdir()):
        tools = json.loads((folder / "tools_list.json").read_text())["tools"]
        now = size(tools)
        before = BEFORE.get(folder.name)
        example[folder.name] = {
            "bytes": now["bytes"],
            "tokens": now["tokens"],
            "bytes_inputs": now["bytes_inputs"],
            "bytes_before": before[0] if before else None,
            "tokens_before": before[1] if before else None,
            "bytes_inputs_before": before[2] if before else None,
        }
    return {"bench": bench, "example": example}


def targets(fig: dict[str, Any]) -> list[tuple[str, float, float, str]]:
    """(target, value, limit, "le" | "ge") rows in report.summary's form."""
    bench = fig["bench"]
    rows = [
        (
            "tools/list bytes ≤ 1.05× hand-written (bench catalog)",
            bench["toolc"]["bytes"] / bench["handwritten"]["bytes"],
            BENCH_RATIO,
            "le",
        )
    ]
    for name, row in fig["example"].items():
        if row["bytes_before"]:
            cut = 1 - row["bytes"] / row["bytes_before"]
            rows.append((f"{name} listing ≥ 25% smaller than before", cut, EXAMPLE_CUT, "ge"))
    return rows


def markdown(fig: dict[str, Any]) -> list[str]:
    """The report's "tools/list size" section."""
    bench = fig["bench"]
    hand = bench["handwritten"]

    def cells(row: dict[str, int], key: str) -> str:
        return f"{row[key]:,} ({row[key] / hand[key]:.2f}×)"

    lines = [
        "## tools/list size",
        "",
        "Bench catalog (bench/catalog51.py: 51 master tools, an `operation` enum, typed",
        "parameters, every operation taking the same parameters): toolc's listing (flat client,",
        "default `describe: compact`) against the listing written by hand for the same tools",
        "(bench/handwritten51.py: names, descriptions, operation enum, typed parameters, the",
        "hints a host acts on) and FastMCP's listing of the same functions (bench/fastmcp51.py).",
        "Ratio to the hand-written listing in parentheses; tokens are o200k_base estimates.",
        "*Inputs only* keeps name, description and inputSchema (what a host passes to a model).",
        "",
        "| listing | bytes | tokens | bytes, inputs only | tokens, inputs only |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in bench.items():
        lines.append(
            f"| {name} | {cells(row, 'bytes')} | {cells(row, 'tokens')} | "
            f"{cells(row, 'bytes_inputs')} | {cells(row, 'tokens_inputs')} |"
        )
    lines += [
        "",
        "Example catalog, each client's listing (`toolc generate`'s table) against the same",
        "client's listing before the compact listing (commit ccb79a7). claude-code and reviewer",
        "set `output_schema: false` (Claude's tool definitions have no output schema); most of",
        "every client's cut is in outputSchemas and annotations, the inputs-only cut is smaller:",
        "",
        "| client | bytes | before | smaller by | tokens | before | inputs only | before | "
        "smaller by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in fig["example"].items():
        before, inputs = row["bytes_before"], row["bytes_inputs_before"]
        cut = f"{1 - row['bytes'] / before:.0%}" if before else "-"
        cut_inputs = f"{1 - row['bytes_inputs'] / inputs:.0%}" if inputs else "-"
        lines.append(
            f"| {name} | {row['bytes']:,} | {before or 0:,} | {cut} | {row['tokens']:,} | "
            f"{row['tokens_before'] or 0:,} | {row['bytes_inputs']:,} | {inputs or 0:,} | "
            f"{cut_inputs} |"
        )
    return [*lines, ""]


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.path[:0] = [str(ROOT), str(HERE)]
    fig = figures()
    print(json.dumps(fig, indent=2))
    for name, value, limit, op in targets(fig):
        met = value <= limit if op == "le" else value >= limit
        print(f"{'met    ' if met else 'NOT MET'} {name}: {value:.3g}", file=sys.stderr)


if __name__ == "__main__":
    main()
