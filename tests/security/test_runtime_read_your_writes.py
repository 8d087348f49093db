"""Read-your-writes: a cached read issued after an acknowledged write never sees older data.

Fixture: kv.get and kv_view read their value first and then take 0.3 s (a slow query); both are
cached; kv.put invalidates kv.get (same tool) and kv_view (another tool). Client "rw" serves them.
"""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

from tests.e2e.runtime_support import stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.mark.parametrize(
    ("tool", "extra"), [("kv", {"operation": "get"}), ("kv_view", {})], ids=["same-tool", "other"]
)
async def test_read_after_acknowledged_write_sees_the_write(
    tool: str, extra: dict[str, str]
) -> None:
    stale = 0
    async with Client(stdio_params("rw")) as c:
        for i in range(10):
            read = {"key": "k", **extra}
            async with anyio.create_task_group() as tg:
                tg.start_soon(c.call_tool, tool, read)  # in flight, already read the old value
                await anyio.sleep(0.05)
                put = {"operation": "put", "key": "k", "value": f"v{i}"}
                assert not (await c.call_tool("kv", put)).is_error  # acknowledged
                r = await c.call_tool(tool, read)
                stale += (r.structured_content or {}).get("value") != f"v{i}"
    assert stale == 0, f"{stale} of 10 reads after an acknowledged write saw older data"
