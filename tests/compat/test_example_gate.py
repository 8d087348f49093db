"""End to end on the example catalog: `toolc check` (what `make check` runs) against the
committed tools.lock fails on each breaking edit with the rule named, located and the clients
hit listed; renaming the master tool with an alias passes, and the old name still answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp import Client

from tests.compat.example_copy import ROOT, copy_example, edit, toolc
from tests.e2e.runtime_support import stdio_params

pytestmark = pytest.mark.slow

ALL = '"claude-code", "cursor", "mobile", "windsurf"'
NOT_MOBILE = '"claude-code", "cursor", "windsurf"'
# the read_only client "reviewer" sees the read operations only
EVERY = '"claude-code", "cursor", "mobile", "reviewer", "windsurf"'
READS_NOT_MOBILE = '"claude-code", "cursor", "reviewer", "windsurf"'
READS_NOT_CURSOR = '"claude-code", "mobile", "reviewer", "windsurf"'
NOT_CURSOR = '"claude-code", "mobile", "windsurf"'

CATALOG = (ROOT / "tools.yaml").read_text(encoding="utf-8")
VALIDATE = CATALOG[
    CATALOG.index("      validate:\n") : CATALOG.index("      execute:\n        description: Turn")
]

# (edit of tools.yaml: old, new), the rule, where, the clients hit
BREAKING = [
    pytest.param(
        (VALIDATE, ""),
        "OPERATION_REMOVED",
        r"tools\.lock:\d+:\d+",
        NOT_MOBILE,
        id="operation-removed",
    ),
    pytest.param(
        (
            "    required: [query]\n    returns:\n      type: object\n"
            "      required: [query, results",
            "    required: [query, tag]\n    returns:\n      type: object\n"
            "      required: [query, results",
        ),
        "PARAM_REQUIRED_ADDED",
        r"tools\.yaml:949:7",
        READS_NOT_CURSOR,
        id="required-param-added",
    ),
    pytest.param(
        (', {name: get_task, rename: {id: task_id}, sunset: "2027-06-30"}', ""),
        "LEGACY_NAME_REMOVED",
        r"tools\.lock:\d+:\d+",
        READS_NOT_MOBILE,
        id="legacy-name-removed-before-sunset",
    ),
    pytest.param(
        (
            "enum: [low, normal, high, critical], default: normal, description: How urgent",
            "enum: [low, normal, high], default: normal, description: How urgent",
        ),
        "ENUM_VALUE_REMOVED",
        r"tools\.yaml:42:11",
        ALL,
        id="enum-narrowed",
    ),
    pytest.param(
        (
            "        description: One task by id.\n        effect: read\n"
            "        idempotent: true\n        cache: short\n",
            "        description: One task by id.\n        effect: write\n"
            "        idempotent: true\n",
        ),
        "READ_ONLY_LOST",
        r"tools\.yaml:69:7",
        ALL,
        id="read-becomes-write",
    ),
]


def test_the_committed_lock_matches_the_catalog(tmp_path: Path) -> None:
    run = toolc(ROOT, "lock", "--print")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (ROOT / "tools.lock").read_text(encoding="utf-8"), "run `toolc lock`"


@pytest.mark.parametrize(("change", "rule", "where", "clients"), BREAKING)
def test_a_breaking_edit_fails_check(
    tmp_path: Path, change: tuple[str, str], rule: str, where: str, clients: str
) -> None:
    root = copy_example(tmp_path / "ex")
    edit(root / "tools.yaml", *change)
    run = toolc(root, "check", "--quiet")
    assert run.returncode == 1
    found = [line for line in run.stderr.splitlines() if f"error[E060]: {rule}:" in line]
    assert found, run.stderr
    assert re.match(where + r": error\[E060\]: ", found[0]), found[0]
    assert f"(clients {clients})" in found[0]
    assert "bump the major version" in found[0]


def _rename_master_tool(root: Path, alias: bool) -> None:
    extra = "    aliases: [bmad_task]\n" if alias else ""
    edit(
        root / "tools.yaml",
        "  bmad_task:\n    title: Tasks\n",
        f"  bmad_tasks:\n{extra}    title: Tasks\n",
    )
    edit(root / "tools.yaml", "{tool: bmad_task, ", "{tool: bmad_tasks, ")
    for client in ("cursor", "mobile"):
        edit(root / "clients" / f"{client}.yaml", "tools: [bmad_task,", "tools: [bmad_tasks,")


def test_renaming_the_master_tool_without_an_alias_fails(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "ex")
    _rename_master_tool(root, alias=False)
    run = toolc(root, "check", "--quiet")
    assert run.returncode == 1
    assert re.search(
        r'tools\.yaml:28:3: error\[E060\]: TOOL_NAME_CHANGED: tool "bmad_task" now answers only '
        rf'as "bmad_tasks" \(clients {EVERY}\) — declare "bmad_task" in the aliases of tool '
        r'"bmad_tasks"',
        run.stderr,
    ), run.stderr


@pytest.mark.anyio
async def test_renaming_the_master_tool_with_an_alias_passes_and_answers(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "ex")
    _rename_master_tool(root, alias=True)
    generated = toolc(root, "generate", "--quiet")
    assert generated.returncode == 0, generated.stderr
    run = toolc(root, "check")
    assert run.returncode == 0, run.stderr
    assert "need a minor version bump" in run.stderr
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    async with Client(stdio_params("mobile", root / "generated", cwd=root, env=env)) as c:
        names = [t.name for t in (await c.list_tools()).tools]
        assert "bmad_tasks" in names and "bmad_task" not in names
        added = await c.call_tool("bmad_task", {"operation": "add", "title": "old name"})
        assert not added.is_error, added
        task_id = added.structured_content["task_id"]  # type: ignore[index]
        new = await c.call_tool("bmad_tasks", {"operation": "get", "task_id": task_id})
        old = await c.call_tool("bmad_task", {"operation": "get", "task_id": task_id})
        assert not new.is_error and old.model_dump() == new.model_dump()
