"""Write the draft project, prove it compiles with the real compiler, then fit the clients."""

from __future__ import annotations

import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from ..diagnostics import normalize, render_text
from .draft import Draft
from .fit import FitSpec, Fitted, compile_stages, fit
from .render import CLIENT_SCHEMA_LINE, TOOLS_SCHEMA_LINE, comment, dump
from .stubs import stub_files

FIT_RULE = (
    "Kept: the tools serving the most original tools first, then the smallest tools/list entries, "
    "then by name, each while the client stays inside its limits"
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _tools_yaml(draft: Draft, *, source: str, count: int, server_label: str, handlers: str) -> str:
    head = comment(
        [
            f"Drafted by `toolc import {source} --handlers {handlers}` from the {count} tools of "
            f"{server_label}. Every original tool name stays callable: a plain tool keeps it, an "
            "operation of a master tool lists it under `legacy`. Groups, operation names and "
            "effects are the importer's proposal: review them, then run `toolc generate`.",
        ]
    )
    return TOOLS_SCHEMA_LINE + head + dump(draft.catalog)


def _client_yaml(name: str, lines: list[str], body: dict[str, object]) -> str:
    return CLIENT_SCHEMA_LINE + comment(lines) + dump({"version": 1, "client": name, **body})


def write_project(
    out: Path,
    draft: Draft,
    specs: list[FitSpec],
    *,
    source: str,
    count: int,
    server_label: str,
    handlers: str,
) -> int:
    files: dict[str, str] = {
        "tools.yaml": _tools_yaml(
            draft, source=source, count=count, server_label=server_label, handlers=handlers
        ),
        "clients/all.yaml": _client_yaml(
            "all",
            ["Every imported tool, no limits. Drafted by `toolc import`."],
            {"legacy": "accept", "dialect": "flat"},
        ),
    }
    files.update(stub_files(draft.stubs) if handlers == "stub" else {})
    package = resources.files("toolc.generator")
    for name in ("tools.schema.json", "client.schema.json"):
        files[f".toolc/schemas/{name}"] = (package / "schemas" / name).read_text(encoding="utf-8")
    for rel, text in sorted(files.items()):
        _write(out / rel, text)
    lowered, diags = compile_stages(out)
    if lowered is None:
        sys.stderr.write(render_text(normalize(diags)))
        sys.stderr.write(
            "toolc import: error[E093]: the draft does not compile — the diagnostics above name "
            "what the config language cannot carry; please report it with the source\n"
        )
        return 1
    catalog, profiles = lowered
    base = next(p for p in profiles if p.name == "all")
    for fitted in fit(catalog, base, specs):
        _write(out / f"clients/{fitted.spec.client}.yaml", _fitted_yaml(fitted, draft))
        _report(fitted, draft)
    sys.stderr.write(
        f"toolc import: wrote {out}/tools.yaml with {len(catalog.tools)} tools "
        f"(clients: all{''.join(', ' + s.client for s in specs)}) — run `toolc generate` there\n"
    )
    return 0


def _fitted_yaml(fitted: Fitted, draft: Draft) -> str:
    spec = fitted.spec
    limits = f"max_tools {spec.max_tools}" + (
        f", max_list_bytes {spec.max_bytes}" if spec.max_bytes else ""
    )
    lines = [f"Fitted by `toolc import --fit` to {limits}.", f"{FIT_RULE}."]
    if fitted.lost:
        lines.append("Not selected: " + ", ".join(fitted.lost) + ".")
    body: dict[str, object] = {"max_tools": spec.max_tools}
    if fitted.lost:
        body["select"] = {"tools": list(fitted.tools)}
    body.update({"legacy": "accept", "dialect": "flat"})
    if spec.max_bytes is not None:
        body["max_list_bytes"] = spec.max_bytes
    return _client_yaml(spec.client, lines, body)


def _report(fitted: Fitted, draft: Draft) -> None:
    spec = fitted.spec
    total = len(fitted.tools) + len(fitted.lost)
    sys.stderr.write(
        f"toolc import: client {spec.client}: keeps {len(fitted.tools)} of {total} tools, "
        f"{fitted.count} counted, {fitted.list_bytes} tools/list bytes\n"
    )
    if not fitted.lost:
        return
    served = draft.served
    lost_names = [orig for tool in fitted.lost for _, orig in served.get(tool, [])]
    detail = "; ".join(
        f"{tool} ({', '.join(o for _, o in served.get(tool, []))})" for tool in fitted.lost
    )
    from . import say

    say(
        "W094",
        f"client {spec.client} loses {len(fitted.lost)} tools serving {len(lost_names)} "
        f"original names: {detail}",
    )
