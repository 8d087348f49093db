"""Plan and workflow templates: the core set plus those of enabled expansion packs.

Expansion packs are data. A pack is a JSON-shaped dict:
`{"name", "version", "description", "plan_templates": {name: [step, ...]},
"workflow_templates": {name: [step, ...]}}`. The built-in packs below can be installed by name;
other packs are installed from a JSON file (see `handlers.bmad.expansion.install`). Installed
packs live in the `packs` table; only enabled ones contribute templates.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Final

from toolc import ToolError

CORE_PLAN_TEMPLATES: Final[dict[str, list[str]]] = {
    "feature": [
        "Write the project brief",
        "Draft the PRD",
        "Design the architecture",
        "Shard the PRD into stories",
        "Implement the stories",
        "Test and review",
        "Release",
    ],
    "bugfix": ["Reproduce the bug", "Write a failing test", "Fix", "Review", "Release"],
}

CORE_WORKFLOW_TEMPLATES: Final[dict[str, list[str]]] = {
    "greenfield": ["analyst", "pm", "architect", "po", "sm", "dev", "qa"],
    "brownfield": ["analyst", "architect", "pm", "po", "sm", "dev", "qa"],
    "story": ["draft", "approve", "implement", "review", "done"],
}

BUILTIN_PACKS: Final[dict[str, dict[str, Any]]] = {
    "game-dev": {
        "name": "game-dev",
        "version": "1.0.0",
        "description": "2D game development: game design document, prototype and playtest loops.",
        "plan_templates": {
            "game-prototype": [
                "Write the game design document",
                "Build the core loop",
                "Playtest",
                "Polish",
            ],
        },
        "workflow_templates": {
            "game-jam": ["game-designer", "game-developer", "playtester", "release"],
        },
    },
    "infrastructure-devops": {
        "name": "infrastructure-devops",
        "version": "1.0.0",
        "description": "Infrastructure changes: review, staged rollout, verification.",
        "plan_templates": {
            "infra-rollout": [
                "Write the change proposal",
                "Review the platform architecture",
                "Apply to staging",
                "Verify staging",
                "Apply to production",
                "Verify production",
            ],
        },
        "workflow_templates": {
            "infra-change": ["platform-engineer", "reviewer", "staging", "production"],
        },
    },
}


def check_pack(data: Any, origin: str) -> dict[str, Any]:
    """A pack definition, checked field by field; raises ToolError naming what is wrong."""
    if not isinstance(data, dict):
        raise ToolError(f"{origin} is not a pack — a pack is a JSON object")
    for key in ("name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ToolError(f'{origin}: "{key}" must be a non-empty string — add it to the pack')
    for key in ("plan_templates", "workflow_templates"):
        templates = data.get(key, {})
        if not isinstance(templates, dict):
            raise ToolError(f'{origin}: "{key}" must be an object of name -> list of steps')
        for name, steps in templates.items():
            if (
                not isinstance(steps, list)
                or not steps
                or not all(isinstance(s, str) and s.strip() for s in steps)
            ):
                raise ToolError(
                    f'{origin}: template "{name}" in "{key}" must be a non-empty list of '
                    "non-empty strings — fix the pack file"
                )
    return {
        "name": data["name"].strip(),
        "version": data["version"].strip(),
        "description": str(data.get("description", "")),
        "plan_templates": dict(data.get("plan_templates", {})),
        "workflow_templates": dict(data.get("workflow_templates", {})),
    }


def enabled_packs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT definition FROM packs WHERE enabled = 1 ORDER BY name").fetchall()
    return [json.loads(r["definition"]) for r in rows]


def _templates(conn: sqlite3.Connection, key: str, core: dict[str, list[str]]) -> dict[str, Any]:
    found: dict[str, list[str]] = dict(core)
    for pack in enabled_packs(conn):
        for name, steps in pack.get(key, {}).items():
            found.setdefault(name, list(steps))
    return found


def plan_template(conn: sqlite3.Connection, name: str) -> list[str]:
    found = _templates(conn, "plan_templates", CORE_PLAN_TEMPLATES)
    if name not in found:
        raise ToolError(
            f'plan template "{name}" does not exist — use one of {", ".join(sorted(found))} '
            "or enable an expansion pack that provides it"
        )
    return list(found[name])


def workflow_template(conn: sqlite3.Connection, name: str) -> list[str]:
    found = _templates(conn, "workflow_templates", CORE_WORKFLOW_TEMPLATES)
    if name not in found:
        raise ToolError(
            f'workflow template "{name}" does not exist — use one of {", ".join(sorted(found))} '
            "or enable an expansion pack that provides it"
        )
    return list(found[name])
