"""Exactly one import name per module: `toolc.runtime.*` / `toolc.generator.*`, never both.

If the runtime were importable as `runtime` too, a handler's `from toolc import ToolError` and
the runtime's own `except ToolError` could name two different classes, and the handler's
message would silently become a generic internal error. So: runtime/ and generator/ refuse to
be imported under their folder names, and no code of ours imports them that way.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("runtime", "generator", "toolc", "handlers", "tests", "bench", "verify")
GENERIC = ("runtime", "generator")


def _python_files() -> list[Path]:
    files: list[Path] = []
    for folder in OURS:
        base = ROOT / folder
        if folder == "toolc":  # its runtime/ and generator/ are the folders above, linked
            files += sorted(base.glob("*.py"))
            continue
        files += sorted(p for p in base.rglob("*.py") if "expected" not in p.parts)
    return files


def test_no_code_imports_runtime_or_generator_by_folder_name() -> None:
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {n}"
                for n in names
                if n.split(".")[0] in GENERIC
            ]
    assert offenders == []


@pytest.mark.parametrize("name", ["runtime", "runtime.errors", "generator", "generator.ir"])
def test_folder_names_refuse_to_import(name: str) -> None:
    code = f"import {name}"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert (
        "ImportError" in proc.stderr and f'imported as "toolc.{name.split(".")[0]}"' in proc.stderr
    )


PROBE = """
import json, sys
from types import SimpleNamespace

import anyio

import toolc
from toolc.runtime import errors
from toolc.runtime.server import create_app

app = create_app("cursor", sys.argv[1], trace=None)
ctx = SimpleNamespace(session=None, request_id=1, protocol_version="2025-11-25", meta=None)
args = {"operation": "get", "task_id": "t999999"}
result = anyio.run(app.engine.call, ctx, "bmad_task", args)
print(json.dumps({
    "same_class": toolc.ToolError is errors.ToolError,
    "is_error": bool(result.is_error),
    "text": result.content[0].text,
    "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("runtime", "generator")),
}))
"""


def test_a_handlers_tool_error_reaches_the_caller_word_for_word(tmp_path: Path) -> None:
    """The example's handlers raise `toolc.ToolError`; the runtime catches that very class."""
    env = {"TOOLC_BMAD_DB": str(tmp_path / "db.sqlite3"), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "generated")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**env, "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["same_class"] is True
    assert out["is_error"] is True
    assert "t999999" in out["text"] and "internal" not in out["text"].lower()
    assert out["modules"] == []
