"""test_analyze: read JUnit XML reports (pytest, JUnit, Jest...) and summarise the failures.

Reads only under `$TOOLC_WORKSPACE` (see `handlers.workspace`); `report_path` is relative to it.
A folder is walked with the workspace's bounds (files, entries, time) and at most `MAX_REPORTS`
reports are read; `truncated` / `truncated_reason` say when the answer covers only part of it.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from pathlib import Path
from time import monotonic
from typing import Any

from toolc import ToolError

from .. import workspace

MAX_DETAIL = 2000
MAX_REPORT_BYTES = 50 * 1024 * 1024
MAX_REPORTS = 1000
SCAN_SECONDS = 30.0  # inside the operation's 60 s timeout


def _reports(path: Path, deadline: float) -> workspace.Walk:
    base = workspace.root(workspace.ENV_WORKSPACE)
    if path.is_dir():
        found = workspace.walk(path, base, ".xml", max_files=MAX_REPORTS, deadline=deadline)
        if not found.files:
            raise ToolError(f"{path} holds no .xml files — pass a JUnit XML report or its folder")
        return found
    if not workspace.is_regular(path):
        raise ToolError(f"{path} is not a regular file — pass the path of a JUnit XML report")
    return workspace.Walk((path,), None)


def _parse(report: Path) -> ET.Element:
    if report.stat().st_size > MAX_REPORT_BYTES:
        raise ToolError(f"{report} is larger than {MAX_REPORT_BYTES} bytes — split the report")
    try:
        root = ET.parse(report).getroot()
    except (ET.ParseError, OSError) as exc:
        raise ToolError(f"{report} is not readable XML ({exc}) — pass a JUnit XML report") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise ToolError(
            f"{report} is XML but not JUnit (root <{root.tag}>) — pass a report whose root is "
            "<testsuites> or <testsuite>"
        )
    return root


def test_analyze(report_path: str, max_failures: int = 50) -> dict[str, Any]:
    """Totals and the failing tests of one report, or of every .xml report under a folder."""
    totals = {"tests": 0, "passed": 0, "failures": 0, "errors": 0, "skipped": 0}
    time = 0.0
    suites = 0
    failed: list[dict[str, Any]] = []
    by_class: dict[str, int] = {}
    deadline = monotonic() + SCAN_SECONDS
    listing = _reports(
        workspace.confine(report_path, workspace.ENV_WORKSPACE, "report_path"), deadline
    )
    truncated = listing.truncated
    read = 0
    for report in listing.files:
        if monotonic() > deadline:
            truncated = f"stopped after reading {read} reports when its time budget ran out"
            break
        read += 1
        root = _parse(report)
        suites += sum(1 for _ in root.iter("testsuite"))
        for case in root.iter("testcase"):
            totals["tests"] += 1
            with contextlib.suppress(ValueError):
                time += float(case.get("time") or 0)
            outcome = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
            if outcome is None:
                totals["passed"] += 1
                continue
            kind = outcome.tag
            totals["failures" if kind == "failure" else "errors" if kind == "error" else kind] += 1
            if kind == "skipped":
                continue
            classname = case.get("classname") or ""
            by_class[classname] = by_class.get(classname, 0) + 1
            detail = (outcome.text or "").strip()
            failed.append(
                {
                    "name": case.get("name") or "",
                    "classname": classname,
                    "kind": kind,
                    "message": outcome.get("message") or (detail.splitlines() or [""])[-1],
                    "detail": detail[-MAX_DETAIL:],
                    "report": str(report),
                }
            )
    return {
        **totals,
        "suites": suites,
        "reports": read,
        "time": round(time, 3),
        "success": totals["failures"] == 0 and totals["errors"] == 0,
        "failing_classes": dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        "failed_tests": failed[:max_failures],
        "truncated": truncated is not None,
        "truncated_reason": truncated,
    }
