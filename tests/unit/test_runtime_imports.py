"""The runtime never imports the compiler or its libraries, nor any tool code at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.runtime_fixture import compiled_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = compiled_fixture()
FORBIDDEN = ("generator", "jinja2", "yaml", "datamodel_code_generator")

PROBE = """
import json, sys
import importlib, pkgutil
import toolc, toolc.runtime
for info in pkgutil.walk_packages(toolc.runtime.__path__, "toolc.runtime."):
    importlib.import_module(info.name)
from toolc.runtime.server import create_app
app = create_app("test", sys.argv[1], trace=None)
app.engine.list_result()
print(json.dumps(sorted(sys.modules)))
"""


def _modules() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(FIXTURE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(out.stdout))


def test_runtime_imports_no_compiler_libraries() -> None:
    modules = _modules()
    leaked = [m for m in modules if m.split(".")[0] in FORBIDDEN or m.startswith("toolc.generator")]
    assert leaked == []


def test_start_up_imports_no_tool_code() -> None:
    modules = _modules()
    per_tool = [
        m for m in modules if m.startswith(("rtgen.dispatch.", "rtgen.models.", "rthandlers"))
    ]
    assert per_tool == []


def test_runtime_never_reads_tools_yaml() -> None:
    for path in (ROOT / "runtime").rglob("*.py"):
        assert "tools.yaml" not in path.read_text(encoding="utf-8").replace(
            "from tools.yaml — DO NOT EDIT", ""
        ), path
