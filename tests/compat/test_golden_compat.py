"""Golden cases of the breaking-change rules: tests/compat/cases/<case>/ holds `after.yaml`
(the catalog after the change; before is always `cases/base.yaml`), optionally its own
`clients/` (else `cases/clients/`) and `lock_edit.json` (an edit of one side's contract, for
what the config language cannot declare yet), and `expected.txt`: the diagnostics and accepted
lines `toolc check` reports against the lock of the base catalog. Cases named `ok_*` expect no
error. `UPDATE_GOLDEN=1` rewrites expected.txt; review that diff like code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from toolc.generator.compat import compare, lock_document, lock_text, resolved, verdict
from toolc.generator.compat.rules import RULES
from toolc.generator.diagnostics import render_text

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "after.yaml").exists())
TODAY = "2026-11-30"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _project(tmp: Path, catalog: Path, clients: Path) -> Path:
    tmp.mkdir()
    shutil.copy(catalog, tmp / "tools.yaml")
    shutil.copytree(clients, tmp / "clients")
    return tmp


def _lock(root: Path) -> tuple[Any, dict[str, Any]]:
    catalog, builds, diags = resolved(root)
    assert catalog is not None, render_text(diags)
    assert not [d for d in diags if d.is_error], render_text(diags)
    return catalog, lock_document(catalog, builds)


def _edit(doc: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    doc[path[-1]] = value


def report(case: Path, tmp_path: Path) -> str:
    clients = case / "clients" if (case / "clients").is_dir() else CASES_DIR / "clients"
    _, before = _lock(_project(tmp_path / "before", CASES_DIR / "base.yaml", CASES_DIR / "clients"))
    catalog, after = _lock(_project(tmp_path / "after", case / "after.yaml", clients))
    if (case / "lock_edit.json").exists():
        edit = json.loads((case / "lock_edit.json").read_text("utf-8"))
        _edit(before if edit["side"] == "before" else after, edit["path"], edit["value"])
    text = lock_text(before)
    found = verdict(compare(before, after, TODAY), catalog, text, before["server"]["version"])
    return render_text(found.diagnostics) + "".join(f"accepted: {a}\n" for a in found.accepted)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_compat_golden(case: Path, tmp_path: Path) -> None:
    got = report(case, tmp_path)
    expected = case / "expected.txt"
    if UPDATE:
        expected.write_text(got, encoding="utf-8")
        return
    assert got == expected.read_text(encoding="utf-8")
    errors = re.findall(r"error\[E060\]: ([A-Z_]+):", got)
    if case.name.startswith("ok_"):
        assert errors == []
    else:
        assert case.name.upper() in errors, "the case is named after the rule it shows"


def test_every_rule_has_a_golden_case() -> None:
    shown = {c.name.upper() for c in CASES}
    assert sorted(r.id for r in RULES if r.id not in shown) == []
