"""The bench catalog's tools/list as a careful engineer writes it by hand for a low-level server.

The 13 tools the `claude-code` profile lists (bench/project.py), written the way one would in a
low-level `mcp` server: shared parameter schemas as Python constants, one `operation` enum per
master tool with the union of its parameters, a description that says in a sentence per
operation what it needs, the annotations a host acts on (`readOnlyHint` for reads,
`destructiveHint: false` for writes that destroy nothing) and no `additionalProperties`.
Results: the operations' `returns` from tools.yaml as the handlers return them, combined per tool
into one `anyOf` the way a Python constant is serialized (a shared record repeated where used).

Only the descriptions, parameter schemas and annotations are written here; nothing is taken from
toolc's output. `listing()` gives the `{"tools": [...]}` result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
Schema = dict[str, Any]


def _s(description: str, max_length: int = 200, **more: Any) -> Schema:
    return {"type": "string", "description": description, "maxLength": max_length, **more}


def _id(prefix: str, what: str) -> Schema:
    return _s(f"{what} id, e.g. {prefix}1.", 20, pattern=f"^{prefix}[0-9]{{1,18}}$")


def _int(description: str, lo: int, hi: int, default: int | None = None) -> Schema:
    out: Schema = {"type": "integer", "description": description, "minimum": lo, "maximum": hi}
    if default is not None:
        out["default"] = default
    return out


def _enum(description: str, *values: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def _list(description: str, max_items: int, max_length: int = 100) -> Schema:
    items = {"type": "string", "minLength": 1, "maxLength": max_length}
    return {"type": "array", "items": items, "maxItems": max_items, "description": description}


TASK_STATUS = ("todo", "in_progress", "blocked", "done", "cancelled")
PRIORITY = ("low", "normal", "high", "critical")
LIMIT = _int("Most results to return.", 1, 200, 50)
REPO = _s("Repository under $TOOLC_GIT_REPO (default: that folder).", 1024)
WORKSPACE_PATH = _s("Path under $TOOLC_WORKSPACE.", 1024)
READ = {"readOnlyHint": True}
WRITE = {"destructiveHint": False}
DESTRUCTIVE: dict[str, bool] = {}  # destructiveHint defaults to true

# (name, title, description, operations, properties, required, annotations)
TOOLS: list[tuple[str, str, str, list[str], dict[str, Schema], list[str], dict[str, bool]]] = [
    (
        "bmad_task",
        "Tasks",
        "Create, read, update, delete and search tasks. add needs title; get, update, delete "
        "need task_id; search needs query; list filters by status, priority, assignee, tag, "
        "plan_id. Status moves: todo -> in_progress|blocked|done|cancelled, in_progress -> "
        "todo|blocked|done|cancelled, blocked -> todo|in_progress|cancelled, done|cancelled -> "
        "todo.",
        ["add", "get", "list", "update", "delete", "search"],
        {
            "task_id": _id("t", "Task"),
            "title": _s("Task title.", minLength=1),
            "description": _s("Details (Markdown).", 10000),
            "status": _enum("Status (update) or status filter.", *TASK_STATUS),
            "priority": _enum("Priority (add default normal) or filter.", *PRIORITY),
            "assignee": _s("Assignee; empty string unassigns (update).", 100),
            "tags": _list("Labels (update replaces all).", 20),
            "tag": _s("Only tasks with this tag.", 100, minLength=1),
            "plan_id": _id("p", "Plan"),
            "query": _s("Words that must all appear.", 500, minLength=1),
            "limit": LIMIT,
            "offset": _int("Tasks to skip.", 0, 1000000, 0),
        },
        ["operation"],
        DESTRUCTIVE,
    ),
    (
        "bmad_plan",
        "Plans",
        "Plans of ordered steps: create (name, steps and/or template) a draft, validate it, then "
        "execute it to turn every step into a task. get, update, validate, execute need "
        "plan_id; new steps send a plan back to draft.",
        ["create", "update", "get", "list", "validate", "execute"],
        {
            "plan_id": _id("p", "Plan"),
            "name": _s("Plan name.", minLength=1),
            "goal": _s("What the plan achieves.", 10000),
            "steps": _list("Ordered step titles (update replaces all).", 100, 200),
            "template": _s("Template: feature, bugfix or an enabled pack's.", 100),
            "status": _enum("Status filter.", "draft", "validated", "executing", "done"),
            "assignee": _s("Assignee of the tasks execute creates.", 100),
            "limit": LIMIT,
        },
        ["operation"],
        WRITE,
    ),
    (
        "bmad_doc",
        "Documents",
        "Project documents (brief, PRD, architecture, epic, story) with reviews. create needs "
        "title; get, update need doc_id; approve needs doc_id and reviewer; reject also needs "
        "reason. New content makes a new draft version.",
        ["create", "update", "get", "list", "approve", "reject"],
        {
            "doc_id": _id("d", "Doc"),
            "title": _s("Document title.", minLength=1),
            "kind": _enum(
                "Kind (create default other) or filter.",
                "brief",
                "prd",
                "architecture",
                "epic",
                "story",
                "other",
            ),
            "content": _s("Text (Markdown).", 200000),
            "author": _s("Author.", 100),
            "status": _enum("Status filter.", "draft", "approved", "rejected"),
            "reviewer": _s("Reviewer.", 100, minLength=1),
            "comment": _s("Approval remark.", 10000),
            "reason": _s("What must change.", 10000, minLength=1),
            "limit": LIMIT,
        },
        ["operation"],
        WRITE,
    ),
    (
        "bmad_workflow",
        "Workflows",
        "Workflows walk a template's steps (e.g. greenfield: analyst, pm, architect, po, sm, "
        "dev, qa). start needs template; next completes the current step, execute the rest "
        "(or up to until); next, get, execute, status need workflow_id.",
        ["start", "next", "get", "list", "execute", "status"],
        {
            "workflow_id": _id("w", "Workflow"),
            "template": _s("Template: greenfield, brownfield, story or a pack's.", 100),
            "name": _s("Run name (default the template)."),
            "note": _s("Note on the completed step(s).", 10000),
            "until": _s("Stop before this step."),
            "status": _enum("Status filter.", "running", "completed"),
            "limit": LIMIT,
        },
        ["operation"],
        WRITE,
    ),
    (
        "bmad_hil",
        "Human in the loop",
        "Sessions with a person: start_session (topic), continue_session (session_id, "
        "message), end_session (session_id, outcome); status lists open sessions or shows one.",
        ["start_session", "continue_session", "end_session", "status"],
        {
            "session_id": _id("h", "Session"),
            "topic": _s("What the person is asked.", 500, minLength=1),
            "context": _s("Background.", 20000),
            "message": _s("Message text.", 20000, minLength=1),
            "role": {**_enum("Who speaks.", "human", "agent"), "default": "human"},
            "outcome": _s("What was decided.", 20000),
        },
        ["operation"],
        WRITE,
    ),
    (
        "bmad_git",
        "Git",
        "Git on a repository under $TOOLC_GIT_REPO: commit_changes (message; add_all stages "
        "everything), push_changes, validate_changes (staged changes: whitespace, conflict "
        "markers, secrets, huge files), get_history. Repository hooks and filters never run.",
        ["commit_changes", "push_changes", "validate_changes", "get_history"],
        {
            "repo_path": REPO,
            "message": _s("Commit message.", 5000, minLength=1),
            "add_all": {"type": "boolean", "description": "Stage all first.", "default": False},
            "remote": _s("Remote.", 100, pattern="^[A-Za-z0-9][A-Za-z0-9._-]*$", default="origin"),
            "branch": _s("Branch (default current).", pattern="^[A-Za-z0-9_][A-Za-z0-9._/-]*$"),
            "path": _s("Only commits touching this path.", 1024),
            "limit": _int("Most commits.", 1, 500, 20),
        },
        ["operation"],
        WRITE,
    ),
    (
        "bmad_orchestrator",
        "Orchestrator",
        "The project at a glance: status (counts, open sessions, next steps) or checklist "
        "(readiness of a phase, with evidence).",
        ["status", "checklist"],
        {"scope": {**_enum("Phase.", "planning", "development", "release"), "default": "release"}},
        ["operation"],
        READ,
    ),
    (
        "bmad_expansion",
        "Expansion packs",
        "Packs add plan and workflow templates: list; install (pack; built-in game-dev or "
        "infrastructure-devops, or source: a JSON file under $TOOLC_WORKSPACE); enable (pack, "
        "enabled). Installed packs start disabled.",
        ["list", "install", "enable"],
        {
            "pack": _s("Pack name.", 64, pattern="^[a-z0-9][a-z0-9-]*$"),
            "source": WORKSPACE_PATH,
            "enabled": {"type": "boolean", "description": "On or off.", "default": True},
        },
        ["operation"],
        {"destructiveHint": False, "idempotentHint": True},
    ),
]

PLAIN: list[tuple[str, str, str, dict[str, Schema], list[str], dict[str, bool]]] = [
    (
        "code.search_functions",
        "Search functions",
        "Find Python functions by name or docstring (static analysis, nothing is run).",
        {
            "query": _s("Part of a name or docstring.", minLength=1),
            "path": {**WORKSPACE_PATH, "default": "."},
            "search_in": {**_enum("Where to look.", "name", "docstring", "any"), "default": "any"},
            "limit": _int("Most matches.", 1, 500, 50),
        },
        ["query"],
        READ,
    ),
    (
        "lint_full",
        "Lint",
        "Run ruff on a file or folder; findings with counts per rule.",
        {
            "path": WORKSPACE_PATH,
            "select": {
                "type": "array",
                "items": {"type": "string", "maxLength": 20, "pattern": "^[A-Z]+[0-9]*$"},
                "maxItems": 50,
                "description": "Rule codes (default: the project's config).",
            },
        },
        ["path"],
        READ,
    ),
    (
        "test_analyze",
        "Analyze test results",
        "Summarise a JUnit XML report (or a folder of them): totals and failures.",
        {"report_path": WORKSPACE_PATH, "max_failures": _int("Most failures listed.", 1, 500, 50)},
        ["report_path"],
        READ,
    ),
    (
        "memory_add",
        "Remember",
        "Store a note in long-term memory (full-text indexed).",
        {
            "content": _s("Text.", 20000, minLength=1),
            "tags": _list("Labels.", 20),
            "source": _s("Where it came from.", 1000),
        },
        ["content"],
        WRITE,
    ),
    (
        "memory_search",
        "Recall",
        "Full-text search over memories; any word matches, best first.",
        {
            "query": _s("Words.", 500, minLength=1),
            "limit": _int("Most results.", 1, 50, 10),
            "tag": _s("Only this tag.", 100),
        },
        ["query"],
        READ,
    ),
]


def _returns(catalog: dict[str, Any], tool: str) -> Schema | None:
    """The tool's result schema as a hand-written server declares it (see module doc)."""
    spec = catalog["tools"][tool]
    ops = list(spec["operations"].values()) if "operations" in spec else [spec]
    results = [op.get("returns") for op in ops]
    if any(r is None for r in results):
        return None
    distinct: list[Schema] = []
    for r in results:
        if r not in distinct:
            distinct.append(r)
    return distinct[0] if len(distinct) == 1 else {"type": "object", "anyOf": distinct}


def _nullable(schema: Any) -> Any:
    """`type: [T, "null"]` as `anyOf` of single types, as portable MCP hosts need."""
    if isinstance(schema, list):
        return [_nullable(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items()}
    kinds = out.get("type")
    if isinstance(kinds, list):
        del out["type"]
        out["anyOf"] = [{"type": k} for k in kinds]
    return out


def listing(root: Path = ROOT) -> dict[str, Any]:
    import yaml

    catalog = json.loads(
        json.dumps(yaml.safe_load((root / "tools.yaml").read_text("utf-8")), default=str)
    )
    tools: list[dict[str, Any]] = []
    entries = [
        (name, title, text, {"operation": _enum("What to do.", *ops), **props}, req, hints)
        for name, title, text, ops, props, req, hints in TOOLS
    ] + list(PLAIN)
    for name, title, text, props, required, hints in entries:
        tool: dict[str, Any] = {
            "name": name,
            "title": title,
            "description": text,
            "inputSchema": {"type": "object", "properties": props, "required": required},
        }
        out = _returns(catalog, name)
        if out is not None:
            tool["outputSchema"] = _nullable(out)
        if hints:
            tool["annotations"] = hints
        tools.append(tool)
    return {"tools": tools}
