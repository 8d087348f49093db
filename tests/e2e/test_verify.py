"""`make verify` pieces that run without Node: the Inspector call plan, the conformance baseline,
the fixture build. The suite and the Inspector themselves run in `make verify`, which `make check`
(CI) runs after the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from verify import conformance, inspector
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
}


def test_every_listed_tool_gets_one_call_with_schema_valid_arguments(tmp_path: Path) -> None:
    for client in inspector.clients():
        listed = json.loads(
            (ROOT / "generated" / "clients" / client / "tools_list.json").read_text()
        )
        schemas = {t["name"]: t["inputSchema"] for t in listed["tools"]}
        # calls that must be refused (an operation the name does not answer) are not schema-valid
        jobs = [job for job in inspector.plan_calls(client, tmp_path) if not job.refusal]
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
    for must_pass in (
        "server-initialize",
        "ping",
        "logging-set-level",
        "tools-list",
        "json-schema-2020-12",
    ):
        assert must_pass not in entries


def test_fixture_build_is_up_to_date() -> None:
    assert conformance.check_fixture()
