"""The driver and the CLI: stages in order, reuse of models, check, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import toolc.generator
from toolc.generator import build
from toolc.generator.__main__ import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(REPO / "tests/golden/ok_basic", root, ignore=shutil.ignore_patterns("expected"))
    return root


def test_generate_then_noop_reuses_models_and_check_is_clean(project: Path) -> None:
    first = build(project)
    assert first.ok and first.written is not None and not first.models_reused
    assert (project / "generated/clients/cursor/tools_list.json").exists()
    second = build(project)
    assert second.models_reused
    assert second.written is not None and second.written.changed == ()
    assert [f.text for f in second.files] == [f.text for f in first.files]
    assert not build(project, check=True).stale


def test_tampered_model_file_is_regenerated(project: Path) -> None:
    build(project)
    model = project / "generated/models/notes.py"
    original = model.read_text()
    model.write_text(original + "# edited\n")
    again = build(project)
    assert not again.models_reused
    assert model.read_text() == original


def test_check_reports_edits_and_stale_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(project)
    (project / "generated/dispatch/notes.py").write_text("# edited\n")
    (project / "generated/dispatch/old_tool.py").write_text("# stale\n")
    code = main(["check", "--root", str(project), "--quiet"])
    out = capsys.readouterr()
    assert code == 1
    assert "+++ b/generated/dispatch/notes.py" in out.out
    assert "--- a/generated/dispatch/old_tool.py" in out.out
    assert "stale" in out.err
    assert main(["generate", "--root", str(project), "--quiet"]) == 0
    assert not (project / "generated/dispatch/old_tool.py").exists()
    assert main(["check", "--root", str(project), "--quiet"]) == 0


def test_table_and_user_error_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--root", str(project), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "client",
        "tools",
        "exposed",
        "counted",
        "limit",
        "tools/list",
        "bytes",
        "budget",
        "tokens",
        "budget",
        "status",
    ]
    assert out.splitlines()[2].split()[:4] == ["cursor", "2", "2", "5"]
    row = out.splitlines()[2].split()
    assert int(row[6]) > 0 and int(row[6]) < int(row[4])  # tokens: fewer than bytes, never 0
    (project / "clients/cursor.yaml").write_text(
        (project / "clients/cursor.yaml").read_text().replace("max_tools: 5", "max_tools: 1")
    )
    assert main(["generate", "--root", str(project), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert 'error[E031]: client "cursor" exposes 2 tools, limit is 1' in captured.err
    assert "OVER" in captured.out


def test_internal_error_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(toolc.generator, "build", boom)
    # a root without the no-op cache: the pipeline (here, `boom`) must run
    assert main(["generate", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "internal error, please report" in err and "RuntimeError: bug" in err


def test_stops_after_front_end_errors(project: Path) -> None:
    (project / "tools.yaml").write_text("version: 1\ntools: [\n")
    result = build(project)
    assert not result.ok and result.files == () and result.written is None
    assert not (project / "generated").exists()


def test_cli_subprocess_json_format(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(project), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"client": "cursor"' in proc.stdout
