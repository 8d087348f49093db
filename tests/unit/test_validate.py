"""Stage 2, JSON Schema part: readable, positioned diagnostics for every schema error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from toolc.generator.diagnostics import render_text
from toolc.generator.source import load
from toolc.generator.validate import validate

SCHEMAS = Path(__file__).resolve().parents[2] / "generator" / "schemas"

HANDLER = """
async def add(title: str, priority: str = "normal") -> dict[str, str]:
    return {"task_id": "t1"}


def get(task_id: str, ctx: object = None) -> dict[str, str]:
    return {"task_id": task_id}


def search(query: str, limit: int = 10) -> list[str]:
    return []
"""


def catalog(module: str) -> str:
    return f"""\
version: 1
server: {{name: bmad, version: 2.0.0}}
policies:
  cache: {{short: {{ttl: 60, max_entries: 1024}}}}
  breaker: {{standard: {{failure_threshold: 5, reset_timeout: 30, half_open_max_calls: 1}}}}
defaults: {{timeout: 30, breaker: standard, max_concurrency: 32}}
tools:
  bmad_task:
    description: Tasks.
    tags: [core]
    handler: {module}
    operations:
      add:
        effect: write
        params:
          title: {{type: string, minLength: 1}}
          priority: {{type: string, enum: [low, normal, high], default: normal}}
        required: [title]
        returns: {{type: object, properties: {{task_id: {{type: string}}}}}}
        invalidates: [get]
        legacy: [task_add]
      get:
        effect: read
        cache: short
        params: {{task_id: {{type: string}}}}
        required: [task_id]
        legacy: [{{name: get_task, rename: {{id: task_id}}, sunset: 2027-06-30}}]
  memory_search:
    handler: {module}:search
    effect: read
    params: {{query: {{type: string}}, limit: {{type: integer, default: 10}}}}
    required: [query]
"""


CLIENT = """\
version: 1
client: mobile
max_tools: 30
select: {tools: [bmad_task, memory_search]}
legacy: accept
dialect: flat
name_rule: {max_length: 64, prefix: "mcp__{server}__", pattern: "^[A-Za-z0-9_-]+$"}
rename: {memory_search: mem_search}
max_list_bytes: 20000
"""


def project(tmp_path: Path, files: dict[str, str]) -> tuple[Path, str]:
    """A project under tmp_path with a handler module named uniquely for this test."""
    module = f"h_{tmp_path.name}"
    (tmp_path / f"{module}.py").write_text(HANDLER, encoding="utf-8")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("MOD", module), encoding="utf-8")
    return tmp_path, module


def check(root: Path) -> str:
    sources, diags = load(root)
    assert render_text(diags) == ""
    return render_text(validate(sources))


def test_the_design_example_is_valid(tmp_path: Path) -> None:
    root, module = project(tmp_path, {"clients/mobile.yaml": CLIENT})
    (root / "tools.yaml").write_text(catalog(module), encoding="utf-8")
    assert check(root) == ""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    description: Tasks.\n",
            "    descripton: Tasks.\n",
            'tools.yaml:9:5: error[E004]: unknown key "descripton" in tool "bmad_task" — did '
            'you mean "description".\n',
        ),
        (
            "version: 2.0.0}",
            "version: 2.0}",
            'tools.yaml:2:31: error[E003]: "version" of "server" is the number 2.0, expected a '
            "string — quote the version.\n",
        ),
        (
            "effect: read\n        cache",
            "effect: reed\n        cache",
            'tools.yaml:23:17: error[E003]: "effect" of operation "get" of tool "bmad_task" is '
            '"reed", which is not one of "read", "write", "destructive" — use read, write or '
            "destructive.\n",
        ),
        (
            "    tags: [core]\n",
            "    tags: [core]\n    params: {}\n",
            'tools.yaml:11:5: error[E004]: key "params" is not allowed on master tool "bmad_task" '
            '— move it under an operation in "operations".\n',
        ),
        (
            "    handler: MOD:search\n",
            "",
            'tools.yaml:28:3: error[E003]: tool "memory_search" has no "handler" — add "handler", '
            'or "operations" to make it a master tool.\n',
        ),
        (
            "{name: get_task, rename",
            "{nmae: get_task, rename",
            'tools.yaml:27:18: error[E003]: item 1 of "legacy" of operation "get" of tool '
            '"bmad_task" has no "name" — add "name".\n'
            'tools.yaml:27:19: error[E004]: unknown key "nmae" in item 1 of "legacy" of operation '
            '"get" of tool "bmad_task" — did you mean "name".\n',
        ),
        (
            "sunset: 2027-06-30",
            "sunset: June 2027",
            'tools.yaml:27:66: error[E003]: "sunset" of item 1 of "legacy" of operation "get" of '
            'tool "bmad_task" "June 2027" does not have the expected form — write the date as '
            "YYYY-MM-DD.\n",
        ),
        (
            "{timeout: 30,",
            "{timeout: 0,",
            'tools.yaml:6:21: error[E003]: "timeout" of "defaults" is 0, must be greater than 0 '
            "— use a larger value.\n",
        ),
        (
            "handler: MOD\n",
            "handler: MOD:add\n",
            'tools.yaml:11:14: error[E003]: "handler" of tool "bmad_task" "MOD:add" does not '
            "have the expected form — name only the module; operations name their own "
            "functions.\n",
        ),
    ],
)
def test_catalog_schema_errors(tmp_path: Path, old: str, new: str, expected: str) -> None:
    root, module = project(tmp_path, {})
    text = catalog(module)
    assert old.replace("MOD", module) in text
    (root / "tools.yaml").write_text(
        text.replace(old.replace("MOD", module), new.replace("MOD", module)), encoding="utf-8"
    )
    assert check(root) == expected.replace("MOD", module)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 'tools.yaml:1:1: error[E005]: the file is empty — start it with "version: 1".\n'),
        (
            "server: {name: a, version: '1'}\ntools: {a: {handler: m}}\n",
            'tools.yaml:1:1: error[E005]: the file has no "version" — add "version: 1" as the '
            "first line.\n",
        ),
        (
            "version: 2\nserver: 1\n",
            'tools.yaml:1:10: error[E005]: version 2 is not supported — set "version: 1".\n',
        ),
        (
            "- a\n",
            "tools.yaml:1:1: error[E003]: the file is a list, not a mapping — write it as a "
            'mapping that starts with "version: 1".\n',
        ),
        (
            "version: 1\nserver: {name: a, version: '1'}\ntools: {}\nextra: 1\n",
            'tools.yaml:3:8: error[E003]: "tools" is empty — give it at least one entry.\n'
            'tools.yaml:4:1: error[E004]: unknown key "extra" at the top level — remove it; '
            'allowed keys are "version", "server", "policies", "defaults", "defs", '
            '"external_handlers", "tools", "allow_breaking".\n',
        ),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "tools.yaml").write_text(text, encoding="utf-8")
    assert check(tmp_path) == expected


def test_client_schema_errors(tmp_path: Path) -> None:
    root, module = project(
        tmp_path,
        {
            "clients/bad.yaml": "version: 1\nclient: Mobile App\ndialect: flatt\nmax_tool: 3\n",
        },
    )
    (root / "tools.yaml").write_text(catalog(module), encoding="utf-8")
    assert check(root) == (
        'clients/bad.yaml:2:9: error[E003]: "client" "Mobile App" does not have the expected '
        'form — use lowercase letters, digits, "_" and "-".\n'
        'clients/bad.yaml:3:10: error[E003]: "dialect" is "flatt", which is not one of "flat", '
        '"union" — use flat or union.\n'
        'clients/bad.yaml:4:1: error[E004]: unknown key "max_tool" at the top level — did you '
        'mean "max_tools".\n'
    )


def test_rules_do_not_run_on_a_document_that_failed_the_schema(tmp_path: Path) -> None:
    root, module = project(tmp_path, {})
    text = (
        catalog(module).replace("cache: short", "cache: nope").replace("effect: write", "effect: 1")
    )
    (root / "tools.yaml").write_text(text, encoding="utf-8")
    out = check(root)
    assert "E003" in out
    assert "E020" not in out


def _walk(schema: Any, path: str) -> list[str]:
    """Paths of properties without a description."""
    missing: list[str] = []
    if isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if isinstance(sub, dict) and "description" not in sub and "not" not in sub:
                missing.append(f"{path}.{name}")
        for key, sub in schema.items():
            if isinstance(sub, dict | list):
                missing.extend(_walk(sub, f"{path}.{key}"))
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            missing.extend(_walk(sub, f"{path}[{i}]"))
    return missing


@pytest.mark.parametrize("name", ["tools", "client"])
def test_published_schemas_are_valid_and_documented(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["version"]["const"] == 1
    assert "version" in schema["required"]
    assert schema["additionalProperties"] is False
    # "then" only narrows keys that are documented at the tool level
    missing = [p for p in _walk(schema, "$") if ".then." not in p]
    assert missing == []
