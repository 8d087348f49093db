"""Grouping: the 150-tool catalog's intended groups, verb-noun splits, conflicts, collisions."""

from __future__ import annotations

import sys

from tests.importer.catalog150 import INTENDED, tools
from toolc.generator.importer.grouping import Proposal, propose
from toolc.generator.importer.names import plural, read, singular


def _groups(p: Proposal) -> dict[frozenset[str], tuple[str, dict[str, str]]]:
    return {
        frozenset(m.original for m in g.members): (
            g.name,
            {m.original: m.operation for m in g.members},
        )
        for g in p.groups
    }


def _params(names: list[str], **schemas: dict[str, object]) -> dict[str, dict[str, object]]:
    return {n: dict(schemas.get(n, {})) for n in names}


def test_catalog_of_150_recovers_at_least_90_percent_of_its_groups() -> None:
    catalog = tools()
    assert len(catalog) == 150
    proposal = propose({t["name"]: t["inputSchema"]["properties"] for t in catalog})
    got = _groups(proposal)
    hits = [name for name, members in INTENDED if frozenset(members) in got]
    multi = [(n, m) for n, m in INTENDED if len(m) > 1]
    multi_hits = [n for n, m in multi if frozenset(m) in got]
    share = len(hits) / len(INTENDED)
    sys.stderr.write(
        f"\ncatalog150: {len(hits)}/{len(INTENDED)} intended groups recovered exactly "
        f"({share:.1%}); multi-tool groups {len(multi_hits)}/{len(multi)}; "
        f"{len(catalog)} tools -> {len(proposal.groups)} tools\n"
    )
    assert share >= 0.9
    # names of what was recovered: the plural of the entity, the verb as the operation
    assert got[
        frozenset(
            (
                "create_issue",
                "get_issue",
                "list_issues",
                "update_issue",
                "search_issues",
                "add_issue_comment",
            )
        )
    ] == (
        "issues",
        {
            "create_issue": "create",
            "get_issue": "get",
            "list_issues": "list",
            "update_issue": "update",
            "search_issues": "search",
            "add_issue_comment": "add_comment",
        },
    )
    pulls = next(v for k, v in got.items() if "get_pull_request_files" in k)
    assert pulls[0] == "pull_requests" and pulls[1]["get_pull_request_files"] == "get_files"
    assert (
        got[
            frozenset(
                ("jira_get_sprint", "jira_list_sprints", "jira_create_sprint", "jira_start_sprint")
            )
        ][0]
        == "jira_sprints"
    )
    assert (
        got[frozenset(("list_categories", "get_category", "create_category", "delete_category"))][0]
        == "categories"
    )
    assert next(v for k, v in got.items() if "channel_create" in k)[1]["channel_create"] == "create"
    assert next(v for k, v in got.items() if "create-dns-record" in k)[0] == "dns_records"
    assert next(v for k, v in got.items() if "createFolder" in k)[0] == "folders"
    for odd in ("ping", "whoami", "sampleLLM", "get_current_time"):
        assert got[frozenset({odd})] == (odd, {odd: ""})


def test_words_and_plurals() -> None:
    assert read("createOrUpdateFile").verb == ("create", "or", "update")
    assert read("issue_create").nouns == ("issue",)
    assert read("jira_create_issue").namespace == ("jira",)
    assert [
        singular(w) for w in ("issues", "entities", "addresses", "boxes", "statuses", "status")
    ] == ["issue", "entity", "address", "box", "status", "status"]
    assert [plural(w) for w in ("issue", "entity", "address", "box", "day")] == [
        "issues",
        "entities",
        "addresses",
        "boxes",
        "days",
    ]


def test_conflicting_parameters_never_share_a_group() -> None:
    names = ["get_issue", "list_issues", "update_issue", "delete_issue"]
    params = _params(
        names,
        get_issue={"id": {"type": "integer", "description": "Issue number."}},
        update_issue={"id": {"type": "integer", "description": "Another description."}},
        delete_issue={"id": {"type": "string"}},
    )
    proposal = propose(params)
    got = _groups(proposal)
    assert got[frozenset(("get_issue", "list_issues", "update_issue"))][0] == "issues"
    assert got[frozenset({"delete_issue"})] == ("delete_issue", {"delete_issue": ""})
    assert any(code == "W092" and "'id'" in msg for code, msg in proposal.notes)


def test_operation_parameter_keeps_a_tool_plain() -> None:
    proposal = propose(_params(["get_job", "list_jobs", "run_job"], run_job={"operation": {}}))
    got = _groups(proposal)
    assert frozenset({"run_job"}) in got and got[frozenset({"get_job", "list_jobs"})][0] == "jobs"
    assert any(code == "W092" for code, _ in proposal.notes)


def test_operation_name_collisions_and_group_name_taken() -> None:
    proposal = propose(_params(["get_issue", "get_issues", "issues", "list_issues"]))
    group = next(g for g in proposal.groups if len(g.members) > 1)
    assert group.name == "issues_tools"  # "issues" is an original name of its own
    ops = {m.original: m.operation for m in group.members}
    assert len(set(ops.values())) == len(ops) and ops["get_issue"] == "get"
    codes = [c for c, _ in proposal.notes]
    assert codes.count("W093") == 2  # the taken group name, and get_issue/get_issues
    assert ops == {
        "get_issue": "get",
        "get_issues": "get_issues",
        "issues": "run",
        "list_issues": "list",
    }


def test_group_map_and_no_group_override() -> None:
    names = ["create_issue", "list_issues", "ping"]
    mapped = propose(
        _params(names), group_map={"create_issue": "tracker", "list_issues": "tracker"}
    )
    assert _groups(mapped)[frozenset(("create_issue", "list_issues"))] == (
        "tracker",
        {"create_issue": "create_issue", "list_issues": "list_issues"},
    )
    flat = propose(_params(names), no_group=True)
    assert all(g.plain for g in flat.groups) and len(flat.groups) == 3


def test_same_input_same_proposal() -> None:
    catalog = tools()
    params = {t["name"]: t["inputSchema"]["properties"] for t in catalog}
    assert propose(params) == propose(dict(reversed(list(params.items()))))
