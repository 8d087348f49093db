"""Changes as diagnostics (located, one per subject, naming the clients hit and the fix), the
version bump a change needs, and accepted changes (major bump, `allow_breaking`, past sunset)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic, Note, error
from ..ir import Catalog, Span
from .compare import Change
from .rules import BY_ID

LOCK_FILE = "tools.lock"


@dataclass(frozen=True, slots=True)
class Verdict:
    diagnostics: tuple[Diagnostic, ...]  # the breaking changes nobody accepted (E060)
    accepted: tuple[str, ...]  # one line per accepted change: why it is allowed
    bump: str  # "major" | "minor" | "patch" | "none": what the changes need


def major(version: str) -> int | None:
    found = re.match(r"^v?(\d+)", version.strip())
    return int(found.group(1)) if found else None


def lock_span(text: str, path: Iterable[str], name: str = LOCK_FILE) -> Span:
    """Where the key `path` sits in canonical lock JSON (2-space indent); the file's start if
    it cannot be found."""
    lines = text.splitlines()
    at, depth = 0, 0
    for key in path:
        depth += 1
        head = " " * (2 * depth) + json.dumps(key, ensure_ascii=False) + ":"
        found = next((i for i in range(at, len(lines)) if lines[i].startswith(head)), None)
        if found is None:
            break
        at = found
    return Span(name, at + 1, 2 * depth + 1 if lines else 1)


class _Spans:
    """Current-catalog positions of tools, operations, parameters and old names."""

    def __init__(self, catalog: Catalog) -> None:
        self.spans: dict[tuple[str, ...], Span] = {}
        for tool in catalog.tools:
            self.spans[("tool", tool.name)] = tool.span
            for alias in tool.aliases:
                self.spans[("name", alias.name)] = alias.span
            for op in tool.operations:
                self.spans[("op", tool.name, op.name)] = op.span
                for p in op.params:
                    self.spans[("param", tool.name, op.name, p.name)] = p.span
                for old in op.legacy:
                    self.spans[("name", old.name)] = old.span

    def find(self, target: tuple[str, ...]) -> Span | None:
        """The most precise span known: the parameter, else its operation, else its tool."""
        tries = [target]
        if target[0] in ("param", "op"):
            tries += [("op", *target[1:3]), ("tool", target[1])]
        return next((self.spans[t] for t in tries if t in self.spans), None)


def _allowed(change: Change, catalog: Catalog) -> str | None:
    for entry in catalog.allow_breaking:
        if entry.rule == change.rule and entry.name in (
            change.subject,
            change.subject.split(".")[0],
        ):
            return entry.reason
    return None


def verdict(
    changes: list[Change],
    catalog: Catalog,
    lock_text: str,
    before_version: str,
    lock_name: str = LOCK_FILE,
) -> Verdict:
    spans = _Spans(catalog)
    now, was = major(catalog.server.version), major(before_version)
    bumped = now is not None and was is not None and now > was
    groups: dict[tuple[str, str, str], list[Change]] = {}
    accepted: list[str] = []
    breaking = False
    for change in changes:
        if change.sunset is not None:
            accepted.append(
                f"{change.rule} {change.subject}: removed after its sunset ({change.client})"
            )
            continue
        breaking = True
        reason = _allowed(change, catalog)
        if reason is not None:
            accepted.append(f"{change.rule} {change.subject}: allowed ({reason}) ({change.client})")
        elif bumped:
            accepted.append(
                f"{change.rule} {change.subject}: accepted by the major version "
                f"{before_version} -> {catalog.server.version} ({change.client})"
            )
        else:
            groups.setdefault((change.rule, change.subject, change.message), []).append(change)
    diags: list[Diagnostic] = []
    for (rule_id, subject, message), hit in sorted(groups.items()):
        first = hit[0]
        rule = BY_ID[rule_id]
        current = (
            None
            if first.removed and first.rule != "TOOL_NAME_CHANGED"
            else spans.find(first.target)
        )
        span = current or lock_span(lock_text, first.lock_path, lock_name)
        clients = ", ".join(f'"{c.client}"' for c in sorted(hit, key=lambda c: c.client))
        fix = first.fix or rule.fix
        notes = []
        if current is not None and first.removed:
            notes.append(Note(lock_span(lock_text, first.lock_path, lock_name), "locked here."))
        diags.append(
            error(
                span,
                "E060",
                f"{rule_id}: {message} (clients {clients})",
                f"{fix}, bump the major version of server.version, or add "
                f"{{rule: {rule_id}, name: {subject}, reason: ...}} to allow_breaking",
                *notes,
            )
        )
    return Verdict(tuple(diags), tuple(sorted(set(accepted))), "major" if breaking else "none")


def bump(before: dict[str, Any], after: dict[str, Any], breaking: bool) -> str:
    """The semver part a release with these changes bumps: major (breaking), minor (anything
    added or deprecated), patch (only listed texts changed), none (same contract)."""
    if breaking:
        return "major"
    strip = _without_listing
    if strip(before.get("clients")) != strip(after.get("clients")):
        return "minor"
    return "patch" if before.get("clients") != after.get("clients") else "none"


def _without_listing(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_listing(v) for k, v in value.items() if k != "listing"}
    if isinstance(value, list):
        return [_without_listing(v) for v in value]
    return value
