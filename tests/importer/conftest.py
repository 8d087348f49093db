"""The published MCP servers the importer's end-to-end tests import: pinned in
verify/package.json and installed into .tools/ by verify.tools (npm ci, once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.upstream.support import node_tools


@pytest.fixture(scope="session")
def npm_servers() -> Path:
    """.tools/node_modules/.bin, holding mcp-server-everything, -filesystem and -memory."""
    return node_tools() / ".bin"
