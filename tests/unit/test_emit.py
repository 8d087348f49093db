"""emit: literals, dispatch modules, client builds, one datamodel-code-generator run."""

from __future__ import annotations

import ast
import json

import pytest

from tests.unit.ir_samples import catalog, master, op, param, plain, profile, task_tool
from toolc.generator.emit import HEADER, emit
from toolc.generator.emit.models import emit_models, models_document
from toolc.generator.emit.views import dispatch_view, py_literal
from toolc.generator.resolve import resolve

HOSTILE = [
    "quote \" and ' both",
    "\"\"\"triple\"\"\" and '''triple'''",
    "back\\slash \\n \\x00",
    "new\nline\r\n and \u2028 sep",
    "non-ASCII: ü 日本 🚀",
    "{{ jinja }} {% block %} {#",
    '"); import os; os.system("x") #',
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_py_literal_round_trips(text: str) -> None:
    value = {"k": [text, 1, 2.5, None, True], text: {"n": text}}
    assert ast.literal_eval(py_literal(value)) == value


def test_py_literal_rejects_non_finite() -> None:
    with pytest.raises(ValueError):
        py_literal(float("inf"))


def test_dispatch_calls_handlers_with_keywords_ctx_and_await() -> None:
    cat = catalog(task_tool())
    files = {f.path: f.text for f in emit(cat, ())}
    text = files["generated/dispatch/bmad_task.py"]
    assert text.startswith(HEADER + "\n")
    assert "return await h0.add(title=args.title, priority=args.priority)" in text
    assert "return h0.get(task_id=args.task_id, ctx=ctx)" in text
    assert "from tests.golden_handlers import sample as h0" in text
    ast.parse(text)


def test_dispatch_names_avoid_builtins_and_module_names() -> None:
    t = master("m", op("m", "list"), op("m", "models"), op("m", "h0"))
    view = dispatch_view(t)
    assert [f.name for f in view.functions] == ["list_", "models", "h0"]
    assert view.models == "models_"
    assert view.imports[0].alias == "h0_"


def test_models_split_per_tool_with_scoped_helpers() -> None:
    nested = {"type": "object", "properties": {"x": {"type": "integer"}}}
    items = {"type": "array", "items": {"type": "string", "minLength": 1}}
    a = master(
        "alpha",
        op("alpha", "one", (param("filter", nested), param("tags", items))),
        op(
            "alpha",
            "two",
            (param("filter", nested),),
            returns={"type": "object", "properties": {"filter": nested}},
        ),
    )
    b = plain("beta.tool", op("beta.tool", "beta.tool", (param("filter", nested),), plain=True))
    files = {f.path: f.text for f in emit_models(catalog(a, b))}
    assert set(files) == {"generated/models/alpha.py", "generated/models/beta_tool.py"}
    alpha = files["generated/models/alpha.py"]
    for cls in (
        "AlphaOneInput",
        "AlphaOneInputFilter",
        "AlphaTwoInputFilter",
        "AlphaTwoOutput",
        "AlphaTwoOutputFilter",
    ):
        assert f"class {cls}(BaseModel)" in alpha
    assert "AlphaOneInputTagsItem = TypeAliasType(" in alpha
    assert "class BetaToolInputFilter(BaseModel)" in files["generated/models/beta_tool.py"]
    assert "extra='forbid'" in alpha


def test_models_document_drops_annotations_but_keeps_property_names() -> None:
    t = master(
        "m",
        op("m", "a", (param("description", {"type": "string", "description": "d", "title": "T"}),)),
    )
    doc = models_document(catalog(t))
    assert doc["$defs"]["m.MAInput"]["properties"] == {"description": {"type": "string"}}


def test_client_build_tables_and_tools_list() -> None:
    cat = catalog(task_tool())
    build, _ = resolve(cat, profile("claude-code", legacy="list", rename=(("bmad_task", "t"),)))
    assert build is not None
    files = {f.path: f.text for f in emit(cat, (build,))}
    mod = ast.parse(files["generated/clients/claude-code/build.py"])
    tables = {
        node.target.id: ast.literal_eval(node.value)  # type: ignore[union-attr, arg-type]
        for node in mod.body
        if isinstance(node, ast.AnnAssign)
    }
    assert tables["FORMAT"] == 1
    assert tables["NAMES"] == {"t": "bmad_task", "bmad_task": "bmad_task"}
    assert tables["LEGACY"]["get_task"] == {
        "tool": "bmad_task",
        "operation": "get",
        "rename": {"id": "task_id"},
        "sunset": "2027-06-30",
        "listed": True,
    }
    assert tables["TOOLS"]["bmad_task"]["operations"]["add"]["invalidates"] == []
    listed = json.loads(files["generated/clients/claude-code/tools_list.json"])
    assert [t["name"] for t in listed["tools"]] == ["t", "task_add", "get_task"]
    raw = files["generated/clients/claude-code/tools_list.json"]
    assert raw.endswith("}\n") and not raw.endswith("\n\n")
