"""The calls the importer's end-to-end tests make, by original tool name, per published server,
and how two results are normalised before they are compared (only what differs per run)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

EVERYTHING: list[tuple[str, dict[str, Any]]] = [
    ("echo", {"message": "hi"}),
    ("get-annotated-message", {"messageType": "success", "includeImage": True}),
    ("get-env", {}),
    ("get-structured-content", {"location": "Chicago"}),
    ("get-sum", {"a": 2, "b": 3.5}),
    ("get-tiny-image", {}),
    ("get-resource-links", {"count": 2}),
    ("get-resource-reference", {"resourceType": "Blob", "resourceId": 3}),
    (
        "gzip-file-as-resource",
        {"name": "a.gz", "data": "data:text/plain;base64,aGVsbG8=", "outputType": "resource"},
    ),
    ("simulate-research-query", {"topic": "tool compilers"}),
    ("toggle-simulated-logging", {}),
    ("toggle-subscriber-updates", {}),
    ("trigger-long-running-operation", {"duration": 1, "steps": 2}),
]


def filesystem(root: Path) -> list[tuple[str, dict[str, Any]]]:
    r = str(root)
    return [
        ("list_allowed_directories", {}),
        ("read_text_file", {"path": f"{r}/notes.txt"}),
        ("read_file", {"path": f"{r}/notes.txt", "head": 1}),
        ("read_media_file", {"path": f"{r}/dot.png"}),
        ("read_multiple_files", {"paths": [f"{r}/notes.txt", f"{r}/sub/a.md"]}),
        ("write_file", {"path": f"{r}/new.txt", "content": "x\n"}),
        ("edit_file", {"path": f"{r}/new.txt", "edits": [{"oldText": "x", "newText": "y"}]}),
        ("create_directory", {"path": f"{r}/made"}),
        ("list_directory", {"path": r}),
        ("list_directory_with_sizes", {"path": r, "sortBy": "name"}),
        ("directory_tree", {"path": r}),
        ("move_file", {"source": f"{r}/new.txt", "destination": f"{r}/made/new.txt"}),
        ("search_files", {"path": r, "pattern": "**/*.md"}),
        ("get_file_info", {"path": f"{r}/notes.txt"}),
    ]


def sandbox(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "notes.txt").write_text("hello\nworld\n")
    (root / "sub" / "a.md").write_text("# a\n")
    (root / "dot.png").write_bytes(PNG)
    return root


MEMORY: list[tuple[str, dict[str, Any]]] = [
    (
        "create_entities",
        {
            "entities": [
                {"name": "Ada", "entityType": "person", "observations": ["wrote notes"]},
                {"name": "Engine", "entityType": "machine", "observations": []},
            ]
        },
    ),
    (
        "create_relations",
        {"relations": [{"from": "Ada", "to": "Engine", "relationType": "programmed"}]},
    ),
    ("add_observations", {"observations": [{"entityName": "Engine", "contents": ["analytical"]}]}),
    ("read_graph", {}),
    ("search_nodes", {"query": "Ada"}),
    ("open_nodes", {"names": ["Engine"]}),
    (
        "delete_observations",
        {"deletions": [{"entityName": "Ada", "observations": ["wrote notes"]}]},
    ),
    (
        "delete_relations",
        {"relations": [{"from": "Ada", "to": "Engine", "relationType": "programmed"}]},
    ),
    ("delete_entities", {"entityNames": ["Engine"]}),
]

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}:\d{2}( ?[AP]M)?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")
_DATE = re.compile(
    r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4} \([^)]*\)"
)


def normalise(name: str, result: dict[str, Any], roots: tuple[str, ...] = ()) -> dict[str, Any]:
    """One call's result with what differs per run replaced: sandbox paths, clock times and
    session ids in text or base64 blobs, and (get-env) the launcher's environment values."""

    def text(value: str) -> str:
        for root in roots:
            value = value.replace(root, "ROOT")
        value = _DATE.sub("DATE", value)
        value = _ISO.sub("DATE", value)
        value = _UUID.sub("UUID", value)  # an HTTP session's id
        return _CLOCK.sub("TIME", value)

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and key == "blob":
            try:
                decoded = base64.b64decode(node).decode()
            except UnicodeDecodeError:
                return node  # binary (a gzip file): compared as it is
            return base64.b64encode(text(decoded).encode()).decode()
        if isinstance(node, str):
            return text(node)
        return node

    out = walk(result)
    if name == "get-env":  # the environment of the process that launched the server
        for block in out.get("content", []):
            block["text"] = {"HOME", "PATH"} <= set(json.loads(block["text"]))
    return out
