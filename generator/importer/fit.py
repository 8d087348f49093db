"""`--fit NAME:TOOLS[:BYTES]`: client files whose selections fit each limit, measured with the
real compiler (load, validate, lower, resolve on the written draft).

The rule: tools are tried in order of the most original tools they serve (operations of a
master tool, 1 for a plain tool), then the fewest `tools/list` bytes, then by name; each is kept
when the client's tool count and exact `tools/list` bytes (the compiler's own measure, with
the tools kept so far) stay inside the limits, and skipped otherwise, so smaller tools after a
skipped one still get their chance.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import Diagnostic, has_errors
from ..ir import Catalog, ClientProfile

FIT = re.compile(r"^([a-z0-9][a-z0-9_-]*):([0-9]+)(?::([0-9]+))?$")


@dataclass(frozen=True, slots=True)
class FitSpec:
    client: str
    max_tools: int
    max_bytes: int | None


@dataclass(frozen=True, slots=True)
class Fitted:
    spec: FitSpec
    tools: tuple[str, ...]  # kept, catalog order
    lost: tuple[str, ...]  # not kept, catalog order
    count: int
    list_bytes: int


def parse_fit(text: str) -> FitSpec | None:
    m = FIT.match(text)
    if m is None:
        return None
    return FitSpec(m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None)


def compile_stages(
    root: Path,
) -> tuple[tuple[Catalog, tuple[ClientProfile, ...]] | None, tuple[Diagnostic, ...]]:
    """Stages 1-3 of the compiler on `root`: the catalog and profiles, or the diagnostics."""
    from .. import lower, source, validate

    sources, found = source.load(root)
    diags = list(found)
    if has_errors(diags):
        return None, tuple(diags)
    diags.extend(validate.validate(sources))
    if has_errors(diags):
        return None, tuple(diags)
    lowered, found = lower.lower(sources)
    diags.extend(found)
    return (None if has_errors(diags) else lowered), tuple(diags)


def fit(catalog: Catalog, base: ClientProfile, specs: list[FitSpec]) -> list[Fitted]:
    from ..resolve import resolve

    full, _ = resolve(catalog, base)
    if full is None:
        return []
    sizes: dict[str, int] = {}
    for entry in full.exposed:
        text = json.dumps(entry.definition, separators=(",", ":"), ensure_ascii=False)
        sizes[entry.tool] = sizes.get(entry.tool, 0) + len(text.encode())
    names = [t.name for t in catalog.tools]
    ops = {t.name: len(t.operations) for t in catalog.tools}
    order = sorted(names, key=lambda n: (-ops[n], sizes.get(n, 0), n))
    out: list[Fitted] = []
    for spec in specs:
        kept: list[str] = []
        count, used = 0, 0
        for name in order:
            if len(kept) >= spec.max_tools:
                break
            trial = [n for n in names if n in kept or n == name]
            profile = replace(
                base,
                name=spec.client,
                select_tools=tuple(trial),
                max_tools=None,
                max_list_bytes=None,
            )
            build, _ = resolve(catalog, profile)
            if build is None or build.count > spec.max_tools:
                continue
            if spec.max_bytes is not None and build.list_bytes > spec.max_bytes:
                continue
            kept, count, used = trial, build.count, build.list_bytes
        lost = tuple(n for n in names if n not in kept)
        out.append(Fitted(spec, tuple(kept), lost, count, used))
    return out
