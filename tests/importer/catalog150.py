"""Test data: a flat catalog of 150 tools with the groups a person would draw by hand.

The names mix the conventions real servers use: verb_noun (`create_issue`), noun_verb
(`channel_create`), product prefixes (`jira_create_issue`), camelCase (`createDocument`),
kebab-case (`create-dns-record`), irregular plurals (`categories`, `addresses`, `statuses`),
multi-word nouns (`pull_request`), adjectives in the way (`get_latest_release`), and odd
ones that belong to no group (`ping`, `whoami`, `sampleLLM`). `INTENDED` is the grouping a
person gives; a `None` group is a tool that stays on its own. Parameters are shared within a
group (`issue_id`, `limit`, `cursor`), so no intended group holds a parameter conflict.
"""

from __future__ import annotations

from typing import Any

# (intended group or None, tool names); a verb decides the effect (see _annotations)
INTENDED: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (
        "issues",
        (
            "create_issue",
            "get_issue",
            "list_issues",
            "update_issue",
            "search_issues",
            "add_issue_comment",
        ),
    ),
    (
        "pull_requests",
        (
            "create_pull_request",
            "get_pull_request",
            "list_pull_requests",
            "merge_pull_request",
            "get_pull_request_files",
            "get_pull_request_diff",
        ),
    ),
    (
        "repositories",
        (
            "create_repository",
            "get_repository",
            "list_repositories",
            "fork_repository",
            "delete_repository",
        ),
    ),
    ("branches", ("create_branch", "list_branches", "delete_branch", "get_branch")),
    ("files", ("get_file_contents", "create_or_update_file", "delete_file", "push_files")),
    ("releases", ("create_release", "list_releases", "get_latest_release")),
    (
        "channels",
        ("channel_create", "channel_list", "channel_archive", "channel_invite", "channel_rename"),
    ),
    (
        "messages",
        ("message_send", "message_update", "message_delete", "message_search", "message_react"),
    ),
    ("users", ("user_get", "user_list", "user_lookup_by_email", "user_set_status")),
    (
        "jira_issues",
        (
            "jira_create_issue",
            "jira_get_issue",
            "jira_search_issues",
            "jira_update_issue",
            "jira_delete_issue",
            "jira_transition_issue",
        ),
    ),
    ("jira_projects", ("jira_list_projects", "jira_get_project", "jira_create_project")),
    (
        "jira_sprints",
        ("jira_get_sprint", "jira_list_sprints", "jira_create_sprint", "jira_start_sprint"),
    ),
    (
        "confluence_pages",
        (
            "confluence_get_page",
            "confluence_create_page",
            "confluence_update_page",
            "confluence_delete_page",
        ),
    ),
    (
        "documents",
        ("createDocument", "getDocument", "listDocuments", "deleteDocument", "searchDocuments"),
    ),
    ("folders", ("createFolder", "listFolders", "moveFolder", "deleteFolder")),
    (
        "dns_records",
        ("create-dns-record", "list-dns-records", "delete-dns-record", "update-dns-record"),
    ),
    ("zones", ("create-zone", "list-zones", "get-zone", "delete-zone", "purge-zone-cache")),
    ("entities", ("create_entities", "delete_entities")),
    ("observations", ("add_observations", "delete_observations")),
    ("relations", ("create_relations", "delete_relations")),
    ("categories", ("list_categories", "get_category", "create_category", "delete_category")),
    ("addresses", ("add_address", "list_addresses", "delete_address", "update_address")),
    ("boxes", ("list_boxes", "get_box", "create_box")),
    ("policies", ("get_policy", "list_policies", "update_policy", "delete_policy")),
    ("statuses", ("get_status", "list_statuses", "update_status")),
    (
        "reports",
        ("generate_report", "get_report", "list_reports", "schedule_report", "export_report"),
    ),
    ("invoices", ("create_invoice", "get_invoice", "list_invoices", "void_invoice")),
    ("customers", ("create_customer", "get_customer", "list_customers")),
    (
        "calendar_events",
        (
            "calendar_create_event",
            "calendar_list_events",
            "calendar_delete_event",
            "calendar_update_event",
        ),
    ),
    ("tasks", ("taskCreate", "taskComplete", "taskList", "taskDelete")),
    ("notes", ("notes.add", "notes.search", "notes.get", "notes.delete")),
    ("secrets", ("get_secret", "set_secret", "delete_secret", "list_secrets")),
    ("logs", ("search_logs", "tail_logs", "export_logs")),
    ("alerts", ("list_alerts", "acknowledge_alert", "resolve_alert", "silence_alert")),
    (None, ("ping",)),
    (None, ("echo",)),
    (None, ("whoami",)),
    (None, ("sampleLLM",)),
    (None, ("longRunningOperation",)),
    (None, ("printEnv",)),
    (None, ("get_server_info",)),
    (None, ("health_check",)),
    (None, ("get_current_time",)),
    ("graph", ("read_graph", "search_nodes", "open_nodes")),
    (None, ("summarize",)),
    (None, ("batch_operation",)),
)

READS = ("get", "list", "search", "describe", "explain", "query", "read", "tail", "lookup", "info")
DESTRUCTIVE = ("delete", "drop", "void", "purge", "cancel", "rollback", "rotate")
# the GitHub-like issues number their ids
INTEGER_IDS = frozenset({"get_issue", "update_issue", "close_issue", "add_issue_comment"})


def _annotations(name: str) -> dict[str, Any]:
    lowered = name.lower()
    if any(v in lowered for v in READS):
        return {"readOnlyHint": True}
    if any(v in lowered for v in DESTRUCTIVE):
        return {"destructiveHint": True}
    return {"destructiveHint": False, "idempotentHint": "update" in lowered}


def _params(group: str | None, name: str) -> tuple[dict[str, Any], list[str]]:
    noun = (group or name).rstrip("s")
    lowered = name.lower()
    props: dict[str, Any] = {}
    required: list[str] = []
    if any(v in lowered for v in ("list", "search", "query", "tail")):
        props["limit"] = {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
        props["cursor"] = {"type": "string", "description": "Page cursor from a previous call."}
    if any(v in lowered for v in ("search", "query", "lookup")):
        props["query"] = {"type": "string", "minLength": 1}
        required.append("query")
    if any(v in lowered for v in ("get", "update", "delete", "close", "comment", "merge")):
        kind = "integer" if name in INTEGER_IDS else "string"
        props[f"{noun}_id"] = {"type": kind, "description": f"The {noun}'s id."}
        required.append(f"{noun}_id")
    if any(v in lowered for v in ("create", "add", "update")):
        props["title"] = {"type": "string", "maxLength": 200}
        props["body"] = {"type": "string"}
    if not props:
        props["input"] = {"type": "string"}
    return props, required


def tools() -> list[dict[str, Any]]:
    """The flat `tools/list` entries, in a fixed shuffled order (not grouped)."""
    out: list[dict[str, Any]] = []
    for group, names in INTENDED:
        for name in names:
            props, required = _params(group, name)
            out.append(
                {
                    "name": name,
                    "description": f"{name.replace('_', ' ')}: a tool of the test catalog.",
                    "inputSchema": {"type": "object", "properties": props, "required": required},
                    "annotations": _annotations(name),
                }
            )
    out.sort(key=lambda t: (len(t["name"]) * 7919 + sum(map(ord, t["name"]))) % 1009)
    return out
