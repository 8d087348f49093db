"""The `toolc` command: dispatch to each subcommand, help, version, unknown commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import toolc
from toolc.cli import COMMANDS, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"toolc {command}" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: toolc COMMAND" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"toolc {toolc.__version__}\n"


def test_unknown_command_is_named_and_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x" * 5000]) == 2
    err = capsys.readouterr().err
    assert 'unknown command "' in err and len(err) < 300 and "init" in err


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine\n")
    assert main(["init", str(tmp_path)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert main(["init", str(tmp_path), "--force", "--name", "demo"]) == 0
    assert (tmp_path / "keep.txt").read_text() == "mine\n"
    assert "name: demo\n" in (tmp_path / "tools.yaml").read_text()


def test_init_rejects_a_name_that_makes_no_server_name(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "x"), "--name", "123!"]) == 1
    assert not (tmp_path / "x").exists()


def test_scaffold_generates_checks_and_lints(tmp_path: Path) -> None:
    """What `toolc init` writes compiles, is clean for `check`, and passes this repo's ruff."""
    project = tmp_path / "notes-server"
    assert main(["init", str(project)]) == 0
    # in a process of its own: this one has imported the example's own `handlers` package
    for command in ("generate", "check"):
        proc = subprocess.run(
            [sys.executable, "-m", "toolc", command, "--quiet"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
    first_line = (project / "tools.yaml").read_text().splitlines()[0]
    schema = first_line.split("$schema=")[1]
    assert (project / schema).is_file()  # the modeline resolves inside the project
    config = Path(__file__).resolve().parents[2] / "pyproject.toml"
    for args in (["check"], ["format", "--check"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--config", str(config), "handlers", "tests"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
