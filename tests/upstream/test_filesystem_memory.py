"""@modelcontextprotocol/server-filesystem and -memory behind master tools (tests/upstream/
catalogs/): every original tool name, called through toolc, returns what the upstream returns
when called directly with the same call sequence on its own copy of the state. Normalised: the
state's own path (each side has its own) and get_file_info's timestamps."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

from tests.upstream.support import (
    call,
    compile_catalog,
    direct_params,
    dumps,
    session,
    toolc_params,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
TIMES = re.compile(r'(created|modified|accessed): .*?(\\n|")')  # inside JSON strings


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def filesystem_calls(root: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("list_allowed_directories", {}),
        ("write_file", {"path": f"{root}/a.txt", "content": "alpha\nbeta\ngamma\n"}),
        ("read_text_file", {"path": f"{root}/a.txt", "head": 2}),
        ("read_file", {"path": f"{root}/a.txt"}),
        ("read_multiple_files", {"paths": [f"{root}/a.txt", f"{root}/none.txt"]}),
        (
            "edit_file",
            {
                "path": f"{root}/a.txt",
                "edits": [{"oldText": "beta", "newText": "B"}],
                "dryRun": True,
            },
        ),
        ("edit_file", {"path": f"{root}/a.txt", "edits": [{"oldText": "beta", "newText": "B"}]}),
        ("create_directory", {"path": f"{root}/sub"}),
        ("move_file", {"source": f"{root}/a.txt", "destination": f"{root}/sub/b.txt"}),
        ("list_directory", {"path": root}),
        ("list_directory_with_sizes", {"path": f"{root}/sub", "sortBy": "size"}),
        ("directory_tree", {"path": root}),
        ("search_files", {"path": root, "pattern": "**/*.txt"}),
        ("get_file_info", {"path": f"{root}/sub/b.txt"}),
        ("read_media_file", {"path": f"{root}/dot.png"}),
        ("read_text_file", {"path": f"{root}/missing.txt"}),  # the upstream's own isError
        ("read_text_file", {"path": "/etc/hostname"}),  # outside the allowed directory
    ]


def normalise(result: dict[str, Any], root: str) -> str:
    return TIMES.sub(r"\1: <time>\2", dumps(result).replace(root, "<root>"))


async def test_filesystem_through_toolc_equals_direct(tmp_path: Path) -> None:
    project = compile_catalog("filesystem", tmp_path / "project")
    sides = {}
    for side in ("direct", "proxy"):
        root = tmp_path / side
        root.mkdir()
        (root / "dot.png").write_bytes(PNG)
        sides[side] = str(root.resolve())
    async with session(direct_params("filesystem", sides["direct"])) as direct:
        want = [await call(direct, n, a) for n, a in filesystem_calls(sides["direct"])]
    params = toolc_params(project, TOOLC_TEST_FS_ROOT=sides["proxy"])
    async with session(params) as proxy:
        got = [await call(proxy, n, a) for n, a in filesystem_calls(sides["proxy"])]
    for (name, _), w, g in zip(filesystem_calls(""), want, got, strict=True):
        assert normalise(g, sides["proxy"]) == normalise(w, sides["direct"]), name
    assert sum(1 for r in got if r.get("isError")) == 2  # the two refused reads, passed through
    assert got[1]["structuredContent"]  # write_file's structured result
    assert (tmp_path / "proxy" / "sub" / "b.txt").read_text() == "alpha\nB\ngamma\n"


MEMORY_CALLS: list[tuple[str, dict[str, Any]]] = [
    (
        "create_entities",
        {
            "entities": [
                {"name": "toolc", "entityType": "project", "observations": ["compiles tools"]},
                {"name": "mcp", "entityType": "protocol", "observations": []},
            ]
        },
    ),
    ("create_relations", {"relations": [{"from": "toolc", "to": "mcp", "relationType": "serves"}]}),
    ("add_observations", {"observations": [{"entityName": "mcp", "contents": ["json-rpc"]}]}),
    ("read_graph", {}),
    ("search_nodes", {"query": "json"}),
    ("open_nodes", {"names": ["toolc"]}),
    (
        "delete_observations",
        {"deletions": [{"entityName": "toolc", "observations": ["compiles tools"]}]},
    ),
    ("delete_relations", {"relations": [{"from": "toolc", "to": "mcp", "relationType": "serves"}]}),
    ("delete_entities", {"entityNames": ["mcp"]}),
    ("read_graph", {}),
    ("add_observations", {"observations": [{"entityName": "nobody", "contents": ["x"]}]}),
]


async def test_memory_through_toolc_equals_direct(tmp_path: Path) -> None:
    project = compile_catalog("memory", tmp_path / "project")
    direct_file, proxy_file = tmp_path / "direct.jsonl", tmp_path / "proxy.jsonl"
    async with session(direct_params("memory", MEMORY_FILE_PATH=str(direct_file))) as direct:
        want = [await call(direct, n, a) for n, a in MEMORY_CALLS]
    params = toolc_params(project, TOOLC_TEST_MEMORY_FILE=str(proxy_file))
    async with session(params) as proxy:
        got = [await call(proxy, n, a) for n, a in MEMORY_CALLS]
        by_master = await call(proxy, "graph", {"operation": "read"})
    for (name, _), w, g in zip(MEMORY_CALLS, want, got, strict=True):
        assert dumps(g) == dumps(w), name
    assert dumps(by_master) == dumps(got[-2])
    assert got[-1]["isError"] is True  # the upstream's own error for an unknown entity
    assert proxy_file.read_text() == direct_file.read_text()
