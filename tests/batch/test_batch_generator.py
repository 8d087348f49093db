"""The compiler half of batch calls: policy, listings per client, the BATCH table, the lock."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from toolc.generator import build
from toolc.generator.batch import policy
from toolc.generator.batch.listing import batch_output_schema, with_batch
from toolc.generator.ir import BatchPolicy, Span

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "project"
OK_BATCH = ROOT / "tests" / "golden" / "ok_batch"
SPAN = Span("tools.yaml", 1, 1)


def _files(case: Path) -> dict[str, str]:
    result = build(case, check=True)
    assert result.ok, result.diagnostics
    return {f.path: f.text for f in result.files}


def _listing(files: dict[str, str], client: str) -> dict[str, Any]:
    tools = json.loads(files[f"generated/clients/{client}/tools_list.json"])["tools"]
    return {t["name"]: t for t in tools}


def test_policy_applies_defaults_and_opt_outs() -> None:
    assert policy(None, None, SPAN) is None
    assert policy(False, {"max_items": 9}, SPAN) is None  # a tool's false beats the defaults
    assert policy(None, True, SPAN) == BatchPolicy(max_items=50, writes="ordered", span=SPAN)
    got = policy({"writes": "refuse"}, {"max_items": 9}, SPAN)  # the tool's own replaces it
    assert got == BatchPolicy(max_items=50, writes="refuse", span=SPAN)
    assert policy(None, {"max_items": 9}, SPAN) == BatchPolicy(
        max_items=9, writes="ordered", span=SPAN
    )


def test_client_batch_false_lists_and_answers_no_batch() -> None:
    files = _files(OK_BATCH)
    off = _listing(files, "nobatch")["notes"]
    assert off["inputSchema"]["properties"]["operation"]["enum"] == ["add", "get"]
    assert "calls" not in off["inputSchema"]["properties"]
    assert "BATCH" not in files["generated/clients/nobatch/build.py"]
    on = _listing(files, "flat")["notes"]
    assert on["inputSchema"]["properties"]["operation"]["enum"] == ["add", "get", "batch"]
    assert "- batch(calls, stop_on_error?)" in on["description"]
    assert on["annotations"] == off["annotations"]  # hints hold for every operation it can run
    assert "BATCH" in files["generated/clients/flat/build.py"]


def test_split_halves_batch_their_own_operations() -> None:
    listed = _listing(_files(OK_BATCH), "split")
    for name, ops in (("notes_read", ["get"]), ("notes_write", ["add"])):
        items = listed[name]["inputSchema"]["properties"]["calls"]["items"]
        assert items["properties"]["operation"]["enum"] == ops
    assert listed["notes_read"]["annotations"]["readOnlyHint"] is True


def test_output_schema_accepts_operation_and_batch_results() -> None:
    for client in ("flat", "union", "split"):
        for entry in _listing(_files(OK_BATCH), client).values():
            check = Draft202012Validator(entry["outputSchema"])
            assert check.is_valid({"note_id": "n1"})
            batch = {
                "results": [{"ok": True, "result": {"note_id": "n1"}}, {"ok": False, "error": "x"}],
                "summary": {"ran": 2, "failed": [1], "not_run": []},
            }
            assert check.is_valid(batch)
            assert not check.is_valid({"results": []})


def test_output_defs_stay_at_the_root() -> None:
    from toolc.generator.ir import Tool

    entry: dict[str, Any] = {
        "name": "t",
        "inputSchema": {"type": "object", "properties": {"operation": {"enum": ["a"]}}},
        "outputSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/X"}},
            "$defs": {"X": {"type": "string"}},
        },
    }
    tool = _one_op_tool()
    out = with_batch(entry, tool, "flat")
    assert isinstance(out, dict) and isinstance(tool, Tool)
    schema = out["outputSchema"]
    assert schema["$defs"] == {"X": {"type": "string"}}
    assert schema["anyOf"][1] == batch_output_schema()
    assert Draft202012Validator(schema).is_valid({"x": "s"})
    assert not Draft202012Validator(schema).is_valid({"x": 1})
    assert entry["inputSchema"]["properties"]["operation"]["enum"] == ["a"]  # not mutated


def _one_op_tool() -> Any:
    from toolc.generator.ir import Operation, PyIdent, Tool

    op = Operation(
        name="a",
        tool="t",
        description=None,
        params=(),
        returns={"type": "object"},
        effect="read",
        idempotent=True,
        cache=None,
        invalidates=(),
        breaker=None,
        timeout=1.0,
        max_concurrency=None,
        legacy=(),
        handler_module="m",
        handler_function=PyIdent("a"),
        handler_is_async=False,
        handler_takes_context=False,
        py_name=PyIdent("a"),
        input_model=PyIdent("TAInput"),
        output_model=None,
        span=SPAN,
    )
    return Tool(
        name="t",
        kind="master",
        title=None,
        description=None,
        tags=(),
        operations=(op,),
        module=PyIdent("t"),
        span=SPAN,
        batch=BatchPolicy(max_items=3, writes="ordered", span=SPAN),
    )


def _toolc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", *args, "--root", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_turning_batch_on_is_not_a_breaking_change(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    catalog = root / "tools.yaml"
    text = catalog.read_text()
    without = text.replace(", batch: {max_items: 20}", "").replace(
        "    batch: {max_items: 5, writes: refuse}\n", ""
    )
    assert "batch:" not in without
    catalog.write_text(without)
    assert _toolc(root, "lock").returncode == 0
    catalog.write_text(text)
    assert _toolc(root, "generate", "--quiet").returncode == 0
    checked = _toolc(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert "E060" not in checked.stderr
    locked = _toolc(root, "lock")
    assert locked.returncode == 0
    lock = json.loads((root / "tools.lock").read_text())
    ops = lock["clients"]["flat"]["tools"]["probe"]["operations"]
    assert ops["batch"]["input"]["properties"]["calls"]["maxItems"] == 20
