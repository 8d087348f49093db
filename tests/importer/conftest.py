"""The published MCP servers the importer's end-to-end tests import: pinned in
verify/package.json and installed into .tools/ by verify.tools (npm ci, once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importer.support import NODE_BIN


@pytest.fixture(scope="session")
def npm_servers() -> Path:
    from verify import tools

    tools.ensure()
    return NODE_BIN
