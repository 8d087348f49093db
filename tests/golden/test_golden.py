"""Golden cases: every tests/golden/<case>/ is built in memory and compared with expected/.

A case's expected/ holds a `generated/` tree and the reference pages `docs/clients/` (compared
file by file: missing, extra, changed) and/or `stderr.txt` (the rendered diagnostics; a case
without it must build without any).
`UPDATE_GOLDEN=1 make test` rewrites expectations; review that diff like code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from toolc.generator import build
from toolc.generator.diagnostics import render_text

HERE = Path(__file__).resolve().parent
CASES = sorted(
    p
    for p in HERE.iterdir()
    if (p.is_dir() and (p / "tools.yaml").exists()) or (p.is_dir() and (p / "expected").exists())
)
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


TREES = ("generated", "docs")


def _expected_tree(expected: Path) -> dict[str, str]:
    return {
        p.relative_to(expected).as_posix(): p.read_text(encoding="utf-8")
        for tree in TREES
        if (expected / tree).is_dir()
        for p in sorted((expected / tree).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _update(expected: Path, stderr: str, files: dict[str, str]) -> None:
    for tree in TREES:
        shutil.rmtree(expected / tree, ignore_errors=True)
    (expected / "stderr.txt").unlink(missing_ok=True)
    expected.mkdir(parents=True, exist_ok=True)
    if stderr:
        (expected / "stderr.txt").write_text(stderr, encoding="utf-8")
    for rel, text in files.items():
        target = expected / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    result = build(case, check=True)
    stderr = render_text(result.diagnostics)
    files = {f.path: f.text for f in result.files}
    expected = case / "expected"
    if UPDATE:
        _update(expected, stderr, files)
        return
    want_stderr = (
        (expected / "stderr.txt").read_text(encoding="utf-8")
        if (expected / "stderr.txt").exists()
        else ""
    )
    assert stderr == want_stderr
    if case.name.startswith("err_"):
        assert not result.ok, "an err_ case must report an error"
        return
    want = _expected_tree(expected)
    missing = sorted(set(want) - set(files))
    extra = sorted(set(files) - set(want))
    changed = sorted(p for p in set(want) & set(files) if want[p] != files[p])
    assert (missing, extra, changed) == ([], [], []), "UPDATE_GOLDEN=1 rewrites expectations"
