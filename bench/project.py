"""Write the bench project: a copy of the example catalog whose handlers are bench handlers.

    python bench/project.py --out /tmp/toolc-bench
    toolc generate --root /tmp/toolc-bench

The copy holds `tools.yaml` (every `handler:` rewritten to `bench_handlers:<tool>__<op>`), the one
client profile the benchmark serves, `bench_handlers.py` (a copy of bench/handlers_bench.py) and
`bench_handlers.json` (each function's `returns` schema and the tool/operation → function routes).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
MODULE = "bench_handlers"


def function_name(tool: str, op: str | None) -> str:
    ident = re.sub(r"\W", "_", tool)
    return f"{ident}__{op}" if op is not None else ident


def rewrite(catalog: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(catalog with bench handlers, spec for bench_handlers.json). `catalog` is not changed."""
    catalog = json.loads(json.dumps(catalog, default=str))  # deep copy; YAML dates become strings
    returns: dict[str, Any] = {}
    routes: dict[str, dict[str, str]] = {}
    for tool_name, tool in catalog["tools"].items():
        if "operations" in tool:
            tool["handler"] = MODULE
            routes[tool_name] = {}
            for op_name, op in tool["operations"].items():
                fn = function_name(tool_name, op_name)
                op["handler"] = f"{MODULE}:{fn}"
                returns[fn] = op.get("returns")
                routes[tool_name][op_name] = fn
        else:
            fn = function_name(tool_name, None)
            tool["handler"] = f"{MODULE}:{fn}"
            returns[fn] = tool.get("returns")
            routes[tool_name] = {"": fn}
    return catalog, {"returns": returns, "routes": routes}


def write_project(out: Path, client: str = "claude-code", source: Path = ROOT) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "clients").mkdir(parents=True)
    catalog = yaml.safe_load((source / "tools.yaml").read_text(encoding="utf-8"))
    catalog, spec = rewrite(catalog)
    text = yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True, width=100)
    (out / "tools.yaml").write_text(text, encoding="utf-8")
    profile = yaml.safe_load((source / "clients" / f"{client}.yaml").read_text(encoding="utf-8"))
    # the peers serve one tool per declared master tool, so the bench surface is never split
    profile.pop("split", None)
    # ... and lists the outputSchemas the peers list (a client validates results against them)
    profile.pop("output_schema", None)
    text = yaml.safe_dump(profile, sort_keys=False, allow_unicode=True, width=100)
    (out / "clients" / f"{client}.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(HERE / "handlers_bench.py", out / f"{MODULE}.py")
    (out / f"{MODULE}.json").write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--client", default="claude-code")
    args = parser.parse_args()
    write_project(args.out, args.client)


if __name__ == "__main__":
    main()
