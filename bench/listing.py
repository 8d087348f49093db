"""`make bench`, bytes part: toolc's tools/list against listings it did not write.

    python bench/listing.py [--project DIR]   # the figures alone, as JSON (cheap)

- Bench catalog (the 13 tools `claude-code` lists): toolc's compact listing against the
  hand-written one (bench/handwritten.py) and, when `make bench` ran it, FastMCP's listing as
  served over the wire; whole listings and listings without `outputSchema` (what a model reads
  when its host passes only name, description and input schema).
- Example catalog: each client's listing in `generated/` against the same client's listing
  before the compact listing (commit 861afe2, measured with the same payload rule).

Bytes are the compact JSON of the `tools` array (sorted keys, UTF-8; `max_list_bytes` counts the
same plus the 10 bytes of `{"tools":}`), as the bench's wire figures do; tokens are o200k_base
estimates (toolc.generator.tokens).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

# The example catalog's listings before this change (861afe2's generated/), measured like the
# rest of this module (the compact `tools` array): bytes, o200k_base tokens.
BEFORE = {
    "claude-code": (40360, 9917),
    "cursor": (31325, 7762),
    "mobile": (12654, 3159),
    "windsurf": (145850, 36276),
}
BENCH_RATIO = 1.05  # toolc's compact listing ≤ this × the hand-written listing's bytes
EXAMPLE_CUT = 0.25  # every example client's listing at least this much smaller than before


def _compact(tools: list[Any]) -> str:
    return json.dumps(tools, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _inputs_only(tools: list[Any]) -> list[Any]:
    return [{k: v for k, v in t.items() if k != "outputSchema"} for t in tools]


def size(tools: list[Any]) -> dict[str, int]:
    from toolc.generator.tokens import count_tokens

    text, inputs = _compact(tools), _compact(_inputs_only(tools))
    return {
        "bytes": len(text.encode()),
        "tokens": count_tokens(text),
        "bytes_no_output": len(inputs.encode()),
        "tokens_no_output": count_tokens(inputs),
    }


def figures(project: Path, client: str = "claude-code") -> dict[str, Any]:
    """Sizes of the bench catalog's listings and of the example catalog's clients."""
    sys.path.insert(0, str(HERE))
    import handwritten

    built = json.loads((project / "generated/clients" / client / "tools_list.json").read_text())
    bench = {"toolc": size(built["tools"]), "handwritten": size(handwritten.listing()["tools"])}
    example: dict[str, Any] = {}
    for folder in sorted((ROOT / "generated/clients").iterdir()):
        tools = json.loads((folder / "tools_list.json").read_text())["tools"]
        now = size(tools)
        before = BEFORE.get(folder.name)
        example[folder.name] = {
            "bytes": now["bytes"],
            "tokens": now["tokens"],
            "bytes_before": before[0] if before else None,
            "tokens_before": before[1] if before else None,
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


def markdown(fig: dict[str, Any], wire: dict[str, dict[str, int]]) -> list[str]:
    """The report's "tools/list size" section; `wire`: bytes each server listed, if measured."""
    bench = fig["bench"]
    hand = bench["handwritten"]

    def cells(key: str, value: float) -> str:
        return f"{value:,.0f} ({value / hand[key]:.2f}×)" if hand[key] else f"{value:,.0f}"

    lines = [
        "## tools/list size",
        "",
        "Bench catalog (13 tools): toolc's compact listing against a listing written by hand for",
        "the same tools (bench/handwritten.py: shared parameter constants, an operation enum,",
        "a sentence per operation, the hints a host acts on; results declared from the catalog's",
        "`returns`, repeated where used). Ratio to the hand-written listing in parentheses. Tokens",
        "are o200k_base estimates. *Without outputSchema* is what a model reads when its host",
        "passes only name, description and input schema to the model.",
        "",
        "| listing | bytes | tokens | bytes without outputSchema | tokens without outputSchema |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in bench.items():
        lines.append(
            f"| {name} | {cells('bytes', row['bytes'])} | {cells('tokens', row['tokens'])} | "
            f"{cells('bytes_no_output', row['bytes_no_output'])} | "
            f"{cells('tokens_no_output', row['tokens_no_output'])} |"
        )
    if "fastmcp" in wire:
        fast = wire["fastmcp"]["tools"]
        lines.append(f"| fastmcp (as served) | {cells('bytes', fast)} | - | - | - |")
    lines += [
        "",
        "Example catalog, each client's listing (`toolc generate`'s table) against the same",
        "client's listing before the compact listing (commit 861afe2):",
        "",
        "| client | bytes | before | smaller by | tokens | before |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in fig["example"].items():
        before = row["bytes_before"]
        cut = f"{1 - row['bytes'] / before:.0%}" if before else "-"
        lines.append(
            f"| {name} | {row['bytes']:,} | {before or 0:,} | {cut} | {row['tokens']:,} | "
            f"{row['tokens_before'] or 0:,} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="a bench project (default: write one)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(HERE)]
    project = args.project
    if project is None:
        import tempfile

        import measure
        import project as bench_project

        project = bench_project.write_project(Path(tempfile.mkdtemp(prefix="toolc-list-")) / "b")
        measure.run_generate(project)
    fig = figures(project)
    print(json.dumps(fig, indent=2))
    for name, value, limit, op in targets(fig):
        met = value <= limit if op == "le" else value >= limit
        print(f"{'met    ' if met else 'NOT MET'} {name}: {value:.3g}", file=sys.stderr)


if __name__ == "__main__":
    main()
