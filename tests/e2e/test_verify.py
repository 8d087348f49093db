"""`make verify` pieces that run without Node: the Inspector call plan, the conformance baseline,
the fixture build. The suite and the Inspector themselves run in `make verify` (about 2 minutes;
its own CI step); the conformance stage runs here too when .tools/ already holds the Node tools.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from verify import conformance, inspector, tools
from verify.env import ROOT

pytestmark = pytest.mark.slow

NOT_SERVED = {  # scenario prefixes toolc does not serve (see the baseline's comments)
    "completion-",
    "resources-",
    "prompts-",
    "tools-call-sampling",
    "tools-call-elicitation",
    "elicitation-",
    "server-sse-polling",  # served; the pinned suite's probe is wrong (see the baseline)
    "server-sse-multiple-streams",
    "json-schema-2020-12",  # the one marked compiler gap
}


def test_every_listed_tool_gets_one_call_with_schema_valid_arguments(tmp_path: Path) -> None:
    for client in inspector.clients():
        listed = json.loads(
            (ROOT / "generated" / "clients" / client / "tools_list.json").read_text()
        )
        schemas = {t["name"]: t["inputSchema"] for t in listed["tools"]}
        jobs = inspector.plan_calls(client, tmp_path)
        assert sorted(job.argv[3] for job in jobs) == sorted(schemas), client
        for job in jobs:
            args = json.loads(job.argv[5])
            jsonschema.validate(args, schemas[job.argv[3]])  # what the Inspector will send


def test_baseline_lists_only_what_toolc_does_not_serve() -> None:
    data = yaml.safe_load(conformance.BASELINE.read_text())
    entries = [*data["server"], *data.get("stateless", [])]
    assert len(entries) == len(set(entries))
    for entry in entries:
        assert entry.startswith(tuple(NOT_SERVED)), entry
    for must_pass in ("server-initialize", "ping", "logging-set-level", "tools-list"):
        assert must_pass not in entries


def test_fixture_build_is_up_to_date() -> None:
    assert conformance.check_fixture()


@pytest.mark.skipif(not tools._installed(), reason="Node tools not installed — run make verify")
def test_conformance_stage_passes() -> None:
    cmd = [sys.executable, str(ROOT / "verify" / "run.py"), "--stage", "conformance"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
