"""The compatibility gate: `toolc lock`, `toolc breaking` and the lock check in `toolc check`.

`tools.lock` holds every client's public contract (compat.contract). The breaking-change rules
(compat.rules, a registry with stable IDs) compare a locked contract with the current one
(compat.compare) and become located diagnostics (compat.report). Entry points:

    resolved(root)                    stages 1-4 only: the catalog and every client's build
    gate(root, catalog, builds, ...)  what `toolc check` adds: sunsets (W001) and the lock (E060)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error, has_errors
from ..ir import Catalog, ClientBuild, Span
from .compare import Change, compare
from .contract import FORMAT, lock_document, lock_text
from .report import LOCK_FILE, Verdict, bump, major, verdict
from .sunset import legacy_calls, sunset_warnings, today

__all__ = [
    "LOCK_FILE",
    "Change",
    "Gate",
    "compare",
    "gate",
    "lock_document",
    "lock_text",
    "read_lock",
    "resolved",
    "suggest",
    "today",
    "verdict",
]

MAX_LOCK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Gate:
    diagnostics: tuple[Diagnostic, ...]
    accepted: tuple[str, ...] = ()  # accepted changes, one line each
    bump: str = "none"  # major | minor | patch | none, against the lock
    locked_version: str | None = None  # server.version in tools.lock; None: no lock


def resolved(
    root: Path,
) -> tuple[Catalog | None, tuple[ClientBuild, ...], tuple[Diagnostic, ...]]:
    """Load, validate, lower and resolve (no emit): what the lock is made of."""
    from .. import lower, resolve, source, validate
    from ..diagnostics import normalize

    sources, found = source.load(root)
    diags = list(found)
    if not has_errors(diags):
        diags.extend(validate.validate(sources))
    if has_errors(diags):
        return None, (), normalize(diags)
    lowered, found = lower.lower(sources)
    diags.extend(found)
    if lowered is None or has_errors(diags):
        return None, (), normalize(diags)
    catalog, profiles = lowered
    builds: list[ClientBuild] = []
    for profile in sorted(profiles, key=lambda p: p.name):
        build, found = resolve.resolve(catalog, profile)
        diags.extend(found)
        if build is not None:
            builds.append(build)
    return catalog, tuple(builds), normalize(diags)


def read_lock(root: Path) -> tuple[dict[str, Any] | None, str, list[Diagnostic]]:
    """tools.lock of the project (None when there is none), its text, and E007/E061."""
    path = root / LOCK_FILE
    where = Span(LOCK_FILE, 1, 1)
    if not path.exists() and not path.is_symlink():
        return None, "", []
    if not path.resolve().is_relative_to(root.resolve()):
        return (
            None,
            "",
            [
                error(
                    where,
                    "E007",
                    f'"{LOCK_FILE}" resolves outside the project root',
                    "replace the link with the file",
                )
            ],
        )
    try:
        raw = path.read_bytes()[: MAX_LOCK_BYTES + 1]
        if len(raw) > MAX_LOCK_BYTES:
            raise ValueError("too large")
        text = raw.decode("utf-8")
        doc = json.loads(text)
    except (OSError, ValueError):
        return (
            None,
            "",
            [
                error(
                    where,
                    "E061",
                    f'"{LOCK_FILE}" is not a readable JSON lock',
                    "run `toolc lock` to write it again",
                )
            ],
        )
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or not isinstance(doc.get("clients"), dict)
    ):
        return (
            None,
            "",
            [
                error(
                    where,
                    "E061",
                    f'"{LOCK_FILE}" has an unknown format',
                    f"run `toolc lock` with this toolc (format {FORMAT})",
                )
            ],
        )
    return doc, text, []


def suggest(version: str, part: str) -> str:
    """`version` bumped by `part` (semver); unparsable versions get a generic hint."""
    nums = [int(n) for n in re.findall(r"\d+", version)[:3]]
    if len(nums) < 3:
        return f"a {part} bump of {version}"
    m, n, p = nums
    return {"major": f"{m + 1}.0.0", "minor": f"{m}.{n + 1}.0", "patch": f"{m}.{n}.{p + 1}"}.get(
        part, version
    )


def gate(
    root: Path,
    catalog: Catalog,
    builds: tuple[ClientBuild, ...],
    day: str,
    trace: Path | None = None,
) -> Gate:
    """Sunset warnings, and the catalog compared with tools.lock when there is one."""
    calls: Counter[str] | None = legacy_calls(trace) if trace is not None else None
    diags = sunset_warnings(catalog, day, calls)
    before, text, problems = read_lock(Path(root))
    if before is None:
        return Gate(tuple(diags + problems))
    after = lock_document(catalog, builds)
    changes = compare(before, after, day)
    version = str((before.get("server") or {}).get("version", ""))
    found: Verdict = verdict(changes, catalog, text, version)
    part = bump(before, after, breaking=any(c.sunset is None for c in changes))
    return Gate(tuple(diags) + found.diagnostics, found.accepted, part, version)


def bump_line(result: Gate, current: str) -> str | None:
    """The summary `toolc check` prints: the bump the changes since the lock need."""
    if result.locked_version is None:
        return None
    if result.bump == "none":
        return f"toolc: {LOCK_FILE}: the contract is unchanged since {result.locked_version}"
    was, now = major(result.locked_version), major(current)
    target = suggest(result.locked_version, result.bump)
    done = current != result.locked_version and (
        result.bump != "major" or (was is not None and now is not None and now > was)
    )
    status = f"server.version {current} does that" if done else f"set server.version to {target}"
    return (
        f"toolc: {LOCK_FILE}: the changes since {result.locked_version} need a {result.bump} "
        f"version bump — {status}, then run `toolc lock`"
    )
