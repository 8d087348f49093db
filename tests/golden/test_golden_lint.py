"""Golden output passes the project's ruff rules and mypy --strict (with the pydantic plugin)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = ("ok_basic", "ok_union", "ok_wire")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both cases' expected trees side by side, as `<case>/generated/...`."""
    base = tmp_path_factory.mktemp("golden-lint")
    for case in CASES:
        shutil.copytree(
            REPO / "tests/golden" / case / "expected/generated", base / case / "generated"
        )
    return base


@pytest.mark.parametrize("case", CASES)
def test_ruff_clean(tree: Path, case: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--config",
            str(REPO / "pyproject.toml"),
            # in the repo, `tests` is a folder at the root, hence first-party
            "--config",
            'lint.isort.known-first-party = ["generated", "tests"]',
            "--no-cache",
            "generated",
        ],
        cwd=tree / case,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--check",
            "--config",
            str(REPO / "pyproject.toml"),
            "--no-cache",
            "generated",
        ],
        cwd=tree / case,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("case", CASES)
def test_mypy_strict(tree: Path, case: str) -> None:
    root = tree / case
    builds = sorted(str(p.relative_to(root)) for p in root.glob("generated/clients/*/build.py"))
    env = {**os.environ, "MYPYPATH": str(REPO)}
    config = root / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nplugins = pydantic.mypy\npython_version = 3.11\n")
    for targets in (["-p", "generated.models", "-p", "generated.dispatch"], *([b] for b in builds)):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(config),
                "--no-incremental",
                *targets,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
