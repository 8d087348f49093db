"""W001: legacy names and tool aliases past their sunset date, with how many calls still used
them when a span file is at hand. Only `toolc check` runs this, since it reads today's date."""

from __future__ import annotations

import datetime
import json
import os
from collections import Counter
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..ir import Catalog

ENV_TODAY = "TOOLC_TODAY"
MAX_TRACE_LINES = 5_000_000  # a span file is read at most this far


def today(flag: str | None = None) -> str:
    """Today as YYYY-MM-DD: `--today`, else $TOOLC_TODAY, else the system date (UTC)."""
    text = flag or os.environ.get(ENV_TODAY)
    if text:
        return datetime.date.fromisoformat(text).isoformat()
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def legacy_calls(trace: Path) -> Counter[str]:
    """Calls per legacy name or alias in a span file (JSONL, as `toolc serve` writes it)."""
    counts: Counter[str] = Counter()
    with trace.open(encoding="utf-8", errors="replace") as lines:
        for i, line in enumerate(lines):
            if i >= MAX_TRACE_LINES:
                break
            try:
                span = json.loads(line)
            except ValueError:
                continue
            name = span.get("legacy") if isinstance(span, dict) else None
            if isinstance(name, str):
                counts[name] += 1
    return counts


def sunset_warnings(catalog: Catalog, day: str, calls: Counter[str] | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for tool in catalog.tools:
        olds = [("alias", a, f'tool "{tool.name}"') for a in tool.aliases]
        for op in tool.operations:
            label = (
                f'tool "{tool.name}"'
                if tool.kind == "plain"
                else (f'operation "{op.name}" of tool "{tool.name}"')
            )
            olds.extend(("legacy name", old, label) for old in op.legacy)
        for what, old, of in olds:
            if not old.sunset or day <= old.sunset:
                continue
            if calls is None:
                usage = "pass --trace FILE to count its recent calls"
            elif calls[old.name]:
                usage = (
                    f"{calls[old.name]} calls in the trace still used it; tell those callers first"
                )
            else:
                usage = "no call in the trace used it, so removing it is safe"
            found.append(
                error(
                    old.span,
                    "W001",
                    f'{what} "{old.name}" of {of} is past its sunset {old.sunset}',
                    f"remove it and run `toolc lock` ({usage})",
                )
            )
    return found
