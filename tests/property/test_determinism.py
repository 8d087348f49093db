"""Properties of the back end over random catalogs (IR by hand; modest example counts)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.unit.ir_samples import catalog, master, op, param, plain, profile
from toolc.generator.emit import OutputFile, emit
from toolc.generator.format import format
from toolc.generator.ir import Catalog, ClientBuild
from toolc.generator.resolve import resolve

REPO = Path(__file__).resolve().parents[2]
TEXT = st.text(max_size=40)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def catalogs(draw: st.DrawFn) -> tuple[Catalog, str, list[str], str]:
    description = draw(TEXT)
    values = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    default = draw(st.sampled_from(values))
    title = draw(TEXT)
    schema = {
        "type": "string",
        "enum": values,
        "default": default,
        "description": description,
        "title": title,
    }
    nested = {
        "type": "object",
        "description": description,
        "properties": {"v": {"type": "string", "default": default}},
    }
    m = master(
        "alpha",
        op(
            "alpha",
            "one",
            (param("choice", schema), param("cfg", nested)),
            description=description,
            returns={"type": "object", "properties": {"x": schema}},
        ),
        op("alpha", "two", (param("choice", {"type": "integer"}),)),
    )
    p = plain(
        "beta",
        op(
            "beta",
            "beta",
            (param("q", {"type": "string", "description": description}, True),),
            description=description,
            plain=True,
        ),
    )
    dialect = draw(st.sampled_from(["flat", "union"]))
    return catalog(m, p), description, values, dialect


def _render(cat: Catalog, dialect: str) -> tuple[tuple[OutputFile, ...], tuple[ClientBuild, ...]]:
    built, _ = resolve(cat, profile(dialect=dialect, legacy="list"))
    assert built is not None
    builds = (built,)
    return format(emit(cat, builds), first_party=["tests"]), builds


@SETTINGS
@given(catalogs())
def test_hostile_text_compiles_passes_ruff_and_round_trips(
    case: tuple[Catalog, str, list[str], str],
) -> None:
    cat, description, values, dialect = case
    files, _ = _render(cat, dialect)
    again, _ = _render(cat, dialect)
    assert files == again  # deterministic within a process
    by_path = {f.path: f.text for f in files}
    for path, text in by_path.items():
        assert text.endswith("\n") and not text.endswith("\n\n") and "\r\n" not in text
        if path.endswith(".py"):
            compile(text, path, "exec")
    listed = json.loads(by_path["generated/clients/cursor/tools_list.json"])
    for entry in listed["tools"]:
        Draft202012Validator.check_schema(entry["inputSchema"])
        if "outputSchema" in entry:
            Draft202012Validator.check_schema(entry["outputSchema"])
    beta = next(e for e in listed["tools"] if e["name"] == "beta")
    assert beta["inputSchema"]["properties"]["q"].get("description") == description
    model = ast.parse(by_path["generated/models/alpha.py"])
    literals = {
        n.value for n in ast.walk(model) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    assert set(values) <= literals
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in by_path.items():
            target = Path(tmp) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                "check",
                "--config",
                str(REPO / "pyproject.toml"),
                "--config",
                'lint.isort.known-first-party = ["generated", "tests"]',
                "--no-cache",
                "generated",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout


def _build_in_subprocess(project: Path, seed: str) -> dict[str, str]:
    code = (
        "import json, sys; from pathlib import Path; from toolc.generator import build; "
        "r = build(Path(sys.argv[1]), check=True); "
        "print(json.dumps({f.path: f.text for f in r.files}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )
    files: dict[str, str] = json.loads(proc.stdout)
    return files


def test_identical_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(
        REPO / "tests/golden/ok_union", project, ignore=shutil.ignore_patterns("expected")
    )
    first = _build_in_subprocess(project, "1")
    second = _build_in_subprocess(project, "4242")
    assert first and first == second


def test_client_file_order_does_not_matter(tmp_path: Path) -> None:
    cat = catalog(master("alpha", op("alpha", "one")))
    a, _ = resolve(cat, profile("a"))
    b, _ = resolve(cat, profile("b"))
    assert a is not None and b is not None
    assert emit(cat, (a, b)) == emit(cat, (b, a))
