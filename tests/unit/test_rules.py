"""Stage 2, semantic rules: each rule on real YAML, with the exact rendered diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_validate import CLIENT, catalog, check, project
from toolc.generator.diagnostics import CODES
from toolc.generator.ir import param_py_name, py_name_problem
from toolc.generator.rules import RULES


def run(tmp_path: Path, edits: list[tuple[str, str]], client: str = CLIENT) -> str:
    """Validate the example catalog after applying textual edits (MOD is the handler module)."""
    root, module = project(tmp_path, {"clients/mobile.yaml": client})
    text = catalog(module)
    for old, new in edits:
        old, new = old.replace("MOD", module), new.replace("MOD", module)
        assert old in text, old
        text = text.replace(old, new, 1)
    (root / "tools.yaml").write_text(text, encoding="utf-8")
    return check(root).replace(module, "MOD")


def test_registry_has_one_row_per_rule_with_registered_codes() -> None:
    slugs = [rule.slug for rule in RULES]
    assert len(slugs) == len(set(slugs))
    assert all(rule.code in CODES and rule.summary for rule in RULES)
    checks = [rule.check for rule in RULES]
    assert len(checks) == len(set(checks))


PLAIN_TWIN = """\
  memory.search:
    handler: MOD:search
    effect: read
    params: {query: {type: string}}
"""

CASES: list[tuple[str, list[tuple[str, str]], str]] = [
    (
        "E010 module collision",
        [("  memory_search:\n", PLAIN_TWIN + "  memory_search:\n")],
        'tools.yaml:32:3: error[E010]: tools "memory.search" and "memory_search" both become '
        'the Python module "memory_search" — rename one of them.\n'
        "  tools.yaml:28:3: note: first definition.\n",
    ),
    (
        "E011 class collision",
        [
            (
                "      get:\n",
                "      getX:\n        effect: read\n        handler: MOD:get\n"
                "        params: {task_id: {type: string}}\n      get_x:\n        effect: read\n"
                "        handler: MOD:get\n        params: {task_id: {type: string}}\n      get:\n",
            )
        ],
        'tools.yaml:26:7: error[E011]: operations "getX" and "get_x" of tool "bmad_task" both '
        'become "BmadTaskGetXInput" — rename one of them.\n'
        "  tools.yaml:22:7: note: first definition.\n",
    ),
    (
        "E012 shadowing a tool and twice",
        [("legacy: [task_add]", "legacy: [memory_search, task_add, task_add]")],
        'tools.yaml:21:18: error[E012]: legacy name "memory_search" of operation "add" of tool '
        '"bmad_task" shadows tool "memory_search" — choose another legacy name.\n'
        "  tools.yaml:28:3: note: tool defined here.\n"
        'tools.yaml:21:43: error[E012]: legacy name "task_add" is declared twice — keep one of '
        "them.\n"
        "  tools.yaml:21:33: note: first definition.\n",
    ),
    (
        "E020 policies",
        [("breaker: standard, max", "breaker: standrd, max"), ("cache: short", "cache: long")],
        'tools.yaml:6:34: error[E020]: breaker policy "standrd" does not exist — did you mean '
        '"standard".\n'
        'tools.yaml:24:16: error[E020]: cache policy "long" does not exist — declare it under '
        '"policies.cache" (declared: "short").\n',
    ),
    (
        "E021 invalidates",
        [("invalidates: [get]", "invalidates: [get, lst]")],
        'tools.yaml:20:28: error[E021]: operation "add" of tool "bmad_task" invalidates "lst", '
        'which is not an operation of tool "bmad_task" — use one of "add", "get".\n',
    ),
    (
        "E021 invalidates another tool that does not exist",
        [("invalidates: [get]", "invalidates: [get, {tool: memory_serch}]")],
        'tools.yaml:20:35: error[E021]: operation "add" of tool "bmad_task" invalidates tool '
        '"memory_serch", which does not exist — did you mean "memory_search".\n',
    ),
    (
        "E021 invalidates an unknown operation of another tool",
        [("invalidates: [get]", "invalidates: [get, {tool: memory_search, operations: [find]}]")],
        'tools.yaml:20:63: error[E021]: operation "add" of tool "bmad_task" invalidates "find", '
        'which is not an operation of tool "memory_search" — use one of "memory_search".\n',
    ),
    (
        "E023 cache on write",
        [("        effect: write\n", "        effect: write\n        cache: short\n")],
        'tools.yaml:15:16: error[E023]: operation "add" of tool "bmad_task" is cached but its '
        'effect is "write" — remove "cache" or set "effect: read".\n',
    ),
    (
        "E024 required",
        [("required: [query]", "required: [query, limt]")],
        'tools.yaml:32:23: error[E024]: tool "memory_search" requires "limt", which is not one '
        'of its params — did you mean "limit".\n',
    ),
    (
        "E025 returns and defaults",
        [
            ("returns: {type: object,", "returns: {type: array,"),
            ("default: 10}", "default: ten}"),
        ],
        'tools.yaml:19:18: error[E025]: "returns" of operation "add" of tool "bmad_task" is not '
        'an object schema — set "type: object" and describe the result\'s properties.\n'
        'tools.yaml:31:69: error[E025]: the default of parameter "limit" of tool '
        '"memory_search" does not match its own schema — change the default or the schema.\n',
    ),
    (
        "E026 names",
        [
            (
                "{query: {type: string},",
                '{query: {type: string}, "filter[id]": {}, filter_id: {}, x: {py_name: class},',
            )
        ],
        'tools.yaml:31:37: error[E042]: handler "MOD:search" does not accept parameter '
        '"filter[id]" of tool "memory_search" — add a keyword parameter "filter_id" (the '
        'Python name of "filter[id]") or **kwargs to the handler.\n'
        'tools.yaml:31:55: error[E026]: parameters "filter[id]" and "filter_id" of tool '
        '"memory_search" both become the Python name "filter_id" — give one of them its '
        'own "py_name".\n'
        '  tools.yaml:31:37: note: "filter[id]" is declared here.\n'
        'tools.yaml:31:55: error[E042]: handler "MOD:search" does not accept parameter '
        '"filter_id" of tool "memory_search" — add a keyword parameter "filter_id" or '
        "**kwargs to the handler.\n"
        'tools.yaml:31:83: error[E026]: py_name "class" of parameter "x" of tool '
        '"memory_search" is a Python keyword — choose another py_name, or drop it to use '
        '"x".\n',
    ),
    (
        "E027 legacy rename",
        [("rename: {id: task_id}", "rename: {id: task, tid: task_id, task_id: x}")],
        'tools.yaml:27:48: error[E027]: legacy name "get_task" renames "id" to "task", which '
        'is not a parameter of operation "get" of tool "bmad_task" — did you mean "task_id".\n'
        'tools.yaml:27:77: error[E027]: legacy name "get_task" renames "task_id" to "x", which '
        'is not a parameter of operation "get" of tool "bmad_task" — rename to a declared '
        "parameter.\n",
    ),
    (
        "E030 and W003",
        [("legacy: [task_add]", "legacy: [task add, -task_add]")],
        'tools.yaml:21:18: error[E030]: legacy name "task add" breaks the MCP tool-name rule — '
        'use 1 to 128 letters, digits, "_", "-" or ".".\n'
        'tools.yaml:21:28: warning[W003]: legacy name "-task_add" starts or ends with "-" — '
        'start and end it with a letter, digit or "_", since some clients reject it.\n',
    ),
    (
        "E025 default checked against the def it refers to",
        [
            ("tools:\n", "defs:\n  page: {type: integer, minimum: 1}\ntools:\n"),
            ("limit: {type: integer, default: 10}", 'limit: {$ref: "#/$defs/page", default: 0}'),
        ],
        'tools.yaml:33:76: error[E025]: the default of parameter "limit" of tool "memory_search" '
        "does not match its own schema — change the default or the schema.\n",
    ),
    (
        "E025 a default that fits the def is fine",
        [
            ("tools:\n", "defs:\n  page: {type: integer, minimum: 1}\ntools:\n"),
            ("limit: {type: integer, default: 10}", 'limit: {$ref: "#/$defs/page", default: 5}'),
        ],
        "",
    ),
    (
        "E003 def name",
        [
            ("tools:\n", "defs:\n  9lives: {type: string}\n  ok: {type: string}\ntools:\n"),
            ("limit: {type: integer, default: 10}", 'limit: {$ref: "#/$defs/ok"}'),
        ],
        'tools.yaml:8:3: error[E003]: the name "9lives" in "defs" is not allowed — start with a '
        'letter; use letters, digits, "_" and "-".\n',
    ),
    (
        "E040 missing module and missing handler",
        [("handler: MOD\n", "handler: nowhere.tasks\n")],
        'tools.yaml:11:14: error[E040]: handler module "nowhere.tasks" cannot be imported '
        "(ModuleNotFoundError: No module named 'nowhere') — check the module path and its "
        "imports.\n",
    ),
    (
        "E041 missing function",
        [("    handler: MOD:search\n", "    handler: MOD:serch\n")],
        'tools.yaml:29:14: error[E041]: module "MOD" has no function "serch" for tool '
        '"memory_search" — did you mean "search".\n',
    ),
    (
        "E041 keyword operation name",
        [("      get:\n", "      import:\n        effect: read\n      get:\n")],
        'tools.yaml:22:7: error[E041]: operation "import" of tool "bmad_task" names no handler '
        'function and "import" is not a Python function name — add "handler: module:function" '
        "to the operation.\n",
    ),
    (
        "E042 signature",
        [("{query: {type: string},", "{query: {type: string}, page: {type: integer},")],
        'tools.yaml:31:37: error[E042]: handler "MOD:search" does not accept parameter "page" '
        'of tool "memory_search" — add a keyword parameter "page" or **kwargs to the handler.\n',
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_catalog_rules(tmp_path: Path, edits: list[tuple[str, str]], expected: str) -> None:
    assert run(tmp_path, edits) == expected


def test_handler_requiring_an_undeclared_parameter_and_no_handler_at_all(tmp_path: Path) -> None:
    root, module = project(tmp_path, {})
    (root / f"{module}.py").write_text(
        "def get(task_id: str, user: str, ctx: object) -> str:\n    return ''\nVALUE = 3\n",
        encoding="utf-8",
    )
    text = f"""\
version: 1
server: {{name: s, version: "1"}}
tools:
  t:
    operations:
      get:
        handler: {module}:get
        params: {{task_id: {{type: string}}}}
      put:
        handler: {module}:VALUE
      drop: {{}}
"""
    (root / "tools.yaml").write_text(text, encoding="utf-8")
    assert check(root).replace(module, "MOD") == (
        'tools.yaml:7:18: error[E042]: handler "MOD:get" requires parameter "user", which '
        'operation "get" of tool "t" does not pass — declare "user" under "params" or give it a '
        "default.\n"
        'tools.yaml:10:18: error[E041]: "MOD:VALUE" is not callable (it is int) — point the '
        "handler at a function.\n"
        'tools.yaml:11:7: error[E040]: operation "drop" of tool "t" has no handler — add '
        '"handler" to tool "t" or to the operation.\n'
    )


def test_client_rules(tmp_path: Path) -> None:
    client = """\
version: 1
client: mobile
select: {tools: [bmad_task, memory_serch], tags: [cor]}
exclude: {tags: [platform]}
name_rule: {pattern: "^[a-z", prefix: "mcp__{srv}__"}
rename: {bmad_task: task_add, memory_search: m, nothing: x, bmad_tsk: y}
"""
    root, module = project(tmp_path, {"clients/mobile.yaml": client, "clients/other.yaml": client})
    (root / "tools.yaml").write_text(catalog(module), encoding="utf-8")
    out = check(root)
    first = (
        'clients/mobile.yaml:3:29: error[E022]: select.tools names tool "memory_serch", which '
        '"tools.yaml" does not declare — did you mean "memory_search".\n'
        'clients/mobile.yaml:3:51: error[E022]: select.tags names tag "cor", which "tools.yaml" '
        'does not declare — did you mean "core".\n'
        'clients/mobile.yaml:4:18: error[E022]: exclude.tags names tag "platform", which '
        '"tools.yaml" does not declare — remove it or declare the tag.\n'
        "clients/mobile.yaml:5:22: error[E003]: name_rule.pattern is not a valid regular "
        "expression (unterminated character set at position 1) — correct the pattern.\n"
        'clients/mobile.yaml:5:39: error[E003]: name_rule.prefix "mcp__{srv}__" has a '
        'placeholder other than "{server}" — use "{server}" or remove the braces.\n'
        'clients/mobile.yaml:6:21: error[E027]: rename gives tool "bmad_task" the name '
        '"task_add", which another tool or legacy name already answers to — choose an unused '
        "name.\n"
        'clients/mobile.yaml:6:31: error[E027]: rename names tool "memory_search", which client '
        '"mobile" does not select — select it or drop the rename.\n'
        'clients/mobile.yaml:6:49: error[E027]: rename names tool "nothing", which "tools.yaml" '
        "does not declare — rename a declared tool.\n"
        'clients/mobile.yaml:6:61: error[E027]: rename names tool "bmad_tsk", which "tools.yaml" '
        'does not declare — did you mean "bmad_task".\n'
    )
    second = first.replace("clients/mobile.yaml", "clients/other.yaml")
    duplicate = (
        'clients/other.yaml:2:9: error[E013]: client "mobile" is also declared in '
        '"clients/mobile.yaml" — give each client file its own name.\n'
        "  clients/mobile.yaml:2:9: note: first definition.\n"
    )
    assert out == first + duplicate + second


def test_import_errors_name_project_files_relative_to_the_root(tmp_path: Path) -> None:
    pkg = tmp_path / f"p_{tmp_path.name}"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "m.py").write_text(f"from {pkg.name} import nothing\n", encoding="utf-8")
    (tmp_path / "tools.yaml").write_text(
        'version: 1\nserver: {name: s, version: "1"}\ntools:\n'
        f'  t: {{handler: "{pkg.name}.m"}}\n',
        encoding="utf-8",
    )
    out = check(tmp_path)
    assert str(tmp_path) not in out
    assert out.replace(pkg.name, "P") == (
        'tools.yaml:4:16: error[E040]: handler module "P.m" cannot be imported (ImportError: '
        "cannot import name 'nothing' from 'P' (P/__init__.py)) — check the module path and its "
        "imports.\n"
    )


@pytest.mark.parametrize("name", ["match", "case", "type", "id", "date", "query"])
def test_python_names_that_are_soft_keywords_or_plain_words_are_usable(name: str) -> None:
    assert py_name_problem(name) is None
    assert param_py_name(name) == name


@pytest.mark.parametrize("name", ["list", "str", "int", "Field", "Literal", "class", "model_x"])
def test_python_names_that_shadow_model_types_or_are_keywords_are_refused(name: str) -> None:
    assert py_name_problem(name) is not None


@pytest.mark.parametrize(
    ("wire", "py"),
    [
        ("from", "from_"),
        ("class", "class_"),
        ("type", "type"),
        ("x-request-id", "x_request_id"),
        ("user.name", "user_name"),
        ("filter[id]", "filter_id"),
        ("model_config", "p_model_config"),
        ("json", "json_"),
        ("ctx", "ctx_"),
        ("str", "str_"),
        ("2fa", "p_2fa"),
        ("_private", "private"),
        ("[]", "param"),
        ("naïve", "na_ve"),
    ],
)
def test_python_names_are_derived_from_any_wire_name(wire: str, py: str) -> None:
    assert param_py_name(wire) == py
    assert py_name_problem(py) is None


def test_handler_modules_outside_the_root_are_refused_unless_declared(tmp_path: Path) -> None:
    head = 'version: 1\nserver: {name: s, version: "1"}\n'
    tools = 'tools:\n  t: {handler: "json:dumps", params: {obj: {}}, required: [obj]}\n'
    (tmp_path / "tools.yaml").write_text(head + tools, encoding="utf-8")
    assert check(tmp_path) == (
        'tools.yaml:4:16: error[E043]: handler module "json" lies outside the project root (it '
        "is in the standard library), and checking it would run its code — move the handler "
        'into the project, or, if you trust it, add "json" to "external_handlers".\n'
    )
    (tmp_path / "tools.yaml").write_text(
        head + "external_handlers: [json]\n" + tools, encoding="utf-8"
    )
    assert check(tmp_path) == ""


def test_external_handlers_entries_are_module_names(tmp_path: Path) -> None:
    (tmp_path / "tools.yaml").write_text(
        'version: 1\nserver: {name: s, version: "1"}\nexternal_handlers: ["../x"]\n'
        'tools:\n  t: {handler: "json:dumps", params: {obj: {}}}\n',
        encoding="utf-8",
    )
    assert check(tmp_path) == (
        'tools.yaml:3:21: error[E003]: item 1 of "external_handlers" "../x" does not have the '
        'expected form — write a dotted module name such as "company_tools.handlers".\n'
    )
