"""The breaking-change rules: one registry row each, with a stable ID that never changes meaning.

Categories: `wire` — a call that used to succeed now fails or means something else;
`behaviour` — the call still goes through, but what a client relies on (hints, defaults, the
shape of the result) changed. Every rule fails `toolc check` unless the change is accepted (a
major version bump or an `allow_breaking` entry). The README's rules table is this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["wire", "behaviour"]


@dataclass(frozen=True, slots=True)
class BreakingRule:
    id: str
    category: Category
    what: str  # what breaks, one line
    fix: str  # how to fix it, one line


RULES: tuple[BreakingRule, ...] = (
    BreakingRule(
        "CLIENT_REMOVED",
        "wire",
        "a client profile is gone, so its build no longer ships",
        "restore the client file",
    ),
    BreakingRule(
        "TOOL_REMOVED",
        "wire",
        "a tool name a client could call no longer answers",
        "restore the tool, or declare the name as an alias of the tool that replaces it",
    ),
    BreakingRule(
        "TOOL_NAME_CHANGED",
        "wire",
        "a tool answers under a new name only",
        "declare the old name in the tool's `aliases`",
    ),
    BreakingRule(
        "CALL_SHAPE_CHANGED",
        "wire",
        "a name now calls a plain tool where it called a master tool (or the reverse)",
        "keep the old shape under the old name (a legacy name or alias)",
    ),
    BreakingRule(
        "OPERATION_REMOVED",
        "wire",
        "an operation of a master tool is gone",
        "restore the operation",
    ),
    BreakingRule(
        "LEGACY_NAME_REMOVED",
        "wire",
        "a legacy name disappears before its sunset date",
        "declare it again as a legacy name of the operation that replaces it",
    ),
    BreakingRule(
        "ALIAS_REMOVED",
        "wire",
        "a tool alias disappears before its sunset date",
        "declare it again in the tool's `aliases`",
    ),
    BreakingRule(
        "LEGACY_TARGET_CHANGED",
        "wire",
        "a legacy name now calls a different operation",
        "point the legacy name back at its operation",
    ),
    BreakingRule(
        "PARAM_REMOVED",
        "wire",
        "a parameter (or a legacy argument name) is no longer accepted",
        "keep the parameter, or map the old name with a legacy `rename`",
    ),
    BreakingRule(
        "PARAM_REQUIRED_ADDED",
        "wire",
        "a call must now pass a parameter it could leave out",
        "make the parameter optional (give it a default)",
    ),
    BreakingRule(
        "PARAM_TYPE_CHANGED",
        "wire",
        "a parameter accepts fewer types or shapes than before",
        "accept the old type too (a type list or anyOf)",
    ),
    BreakingRule(
        "ENUM_VALUE_REMOVED",
        "wire",
        "a value a parameter accepted is no longer in its enum",
        "keep the value in the enum",
    ),
    BreakingRule(
        "BOUND_TIGHTENED",
        "wire",
        "a minimum, maximum, length, item count, pattern or format is stricter",
        "keep the old bound",
    ),
    BreakingRule(
        "DEFAULT_CHANGED",
        "behaviour",
        "an omitted parameter now means something else",
        "keep the old default",
    ),
    BreakingRule(
        "OUTPUT_SCHEMA_REMOVED",
        "behaviour",
        "a result no longer declares an output schema",
        "keep `returns`",
    ),
    BreakingRule(
        "OUTPUT_FIELD_REMOVED",
        "behaviour",
        "a result field is gone or no longer always present",
        "keep the field (and keep it required)",
    ),
    BreakingRule(
        "OUTPUT_TYPE_CHANGED",
        "behaviour",
        "a result field may now hold a type it never held",
        "keep the field's type; add a new field for the new shape",
    ),
    BreakingRule(
        "READ_ONLY_LOST",
        "behaviour",
        "a read-only operation now writes (readOnlyHint lost)",
        "keep the operation a read, or add a new operation for the write",
    ),
    BreakingRule(
        "DESTRUCTIVE_ADDED",
        "behaviour",
        "an operation became destructive (destructiveHint)",
        "keep the operation non-destructive, or add a new operation",
    ),
    BreakingRule(
        "IDEMPOTENT_LOST",
        "behaviour",
        "retrying an operation is no longer safe (idempotentHint)",
        "keep the operation idempotent",
    ),
    BreakingRule(
        "OPEN_WORLD_ADDED",
        "behaviour",
        "an operation now reaches outside systems (openWorldHint)",
        "keep the operation closed-world, or add a new operation",
    ),
    BreakingRule(
        "SUNSET_MOVED_EARLIER",
        "behaviour",
        "a legacy name or alias goes away sooner than promised",
        "keep the sunset date (or a later one)",
    ),
)

BY_ID: dict[str, BreakingRule] = {r.id: r for r in RULES}


def rules_table() -> str:
    """The README's rules table, generated from the registry."""
    lines = ["| rule | category | what breaks | how to fix |", "| --- | --- | --- | --- |"]
    lines.extend(f"| `{r.id}` | {r.category} | {r.what} | {r.fix} |" for r in RULES)
    return "\n".join(lines) + "\n"
