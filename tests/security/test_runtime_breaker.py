"""Breaker classification: only a failing dependency opens a breaker, never one caller's input.

Fixture: faults.parse and faults.upstream use policy "tight" (3 failures open it for 0.5 s);
faults.sql the default "standard" (5 failures, 30 s).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from mcp import Client

from tests.e2e.runtime_support import stdio_params
from tests.security.call_path_support import compile_variant, text

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_caller_input_errors_never_open_the_breaker_dependency_failures_do() -> None:
    async with Client(stdio_params()) as c:
        # OverflowError ("inf", "1e999") and ValueError ("abc", "nan"): bad input, 6 times
        for bad in ("inf", "abc", "1e999", "nan", "inf", "abc"):
            r = await c.call_tool("faults", {"operation": "parse", "text": bad})
            assert r.is_error and "internal error" in text(r), text(r)
        r = await c.call_tool("faults", {"operation": "parse", "text": "42"})
        assert not r.is_error and r.structured_content == {"value": 42}, text(r)
        # a caller's bad path, a handler's own exception, a plain ToolError: not the dependency
        for kind in ("missing_file", "down", "refusal") * 2:
            r = await c.call_tool("faults", {"operation": "upstream", "kind": kind})
            assert r.is_error and "circuit open" not in text(r), text(r)
        assert not (await c.call_tool("faults", {"operation": "upstream", "kind": "ok"})).is_error
        # connection errors and errors marked transient do open it
        for kind in ("refused", "transient", "refused"):
            r = await c.call_tool("faults", {"operation": "upstream", "kind": kind})
            assert r.is_error and "circuit open" not in text(r)
        r = await c.call_tool("faults", {"operation": "upstream", "kind": "ok"})
        assert r.is_error and "circuit open" in text(r), text(r)


async def test_sqlite_operational_error_does_not_count_by_default() -> None:
    # "no such table", an FTS query syntax error and "database is locked" are all
    # sqlite3.OperationalError: the type cannot tell a caller's mistake from a failing database
    async with Client(stdio_params()) as c:
        for _ in range(7):
            r = await c.call_tool("faults", {"operation": "sql"})
            assert r.is_error and "internal error" in text(r), text(r)


async def test_count_replaces_the_default_set_matching_names_in_the_mro() -> None:
    policy = {
        "dbaware": {
            "failure_threshold": 2,
            "reset_timeout": 30,
            "count": ["sqlite3.OperationalError", "UpstreamDown"],
        }
    }
    use = {"breaker": "dbaware"}
    gen = compile_variant(policy, {"faults": {"sql": use, "upstream": use}})
    try:
        async with Client(stdio_params(generated=gen)) as c:
            for _ in range(2):
                r = await c.call_tool("faults", {"operation": "sql"})
                assert "internal error" in text(r)
            r = await c.call_tool("faults", {"operation": "sql"})
            assert "circuit open" in text(r), text(r)
            # ConnectionRefusedError is not in this policy's list any more
            for _ in range(3):
                r = await c.call_tool("faults", {"operation": "upstream", "kind": "refused"})
                assert "internal error" in text(r), text(r)
            r = await c.call_tool("faults", {"operation": "upstream", "kind": "ok"})
            assert not r.is_error
            for _ in range(2):  # the handler's own class, matched by its name
                await c.call_tool("faults", {"operation": "upstream", "kind": "down"})
            r = await c.call_tool("faults", {"operation": "upstream", "kind": "ok"})
            assert "circuit open" in text(r), text(r)
    finally:
        shutil.rmtree(gen.parent, ignore_errors=True)


def test_classification_in_process() -> None:
    # imported here: on a runtime without this API the test fails, the module still collects
    from toolc import ToolError, TransientError
    from toolc.runtime.policies.breaker import Breaker

    default = Breaker(5, 30)
    assert default.counts(ConnectionResetError()) and default.counts(TimeoutError())
    assert default.counts(OSError(101, "Network is unreachable"))
    assert default.counts(TransientError("busy")) and default.counts(ToolError("x", transient=True))
    for exc in (ValueError(), OverflowError(), KeyError("k"), ToolError("no"), RuntimeError()):
        assert not default.counts(exc), exc
    assert not default.counts(FileNotFoundError()) and not default.counts(PermissionError())
    assert not default.counts(sqlite3.OperationalError("database is locked"))
    named = Breaker(5, 30, count=["OSError", "sqlite3.OperationalError"])
    assert named.counts(FileNotFoundError()) and named.counts(sqlite3.OperationalError())
    assert not named.counts(sqlite3.IntegrityError()) and not named.counts(ValueError())
    assert named.counts(TransientError("busy"))  # marked transient: always
    qualified = Breaker(5, 30, count=["builtins.ConnectionError"])
    assert qualified.counts(ConnectionRefusedError()) and not qualified.counts(OSError())


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        ('[OSError, "sqlite3.OperationalError", UpstreamDown]', ""),
        (
            '["not a name!"]',
            'error[E003]: item 1 of "count" of breaker policy "standard" "not a name!" does not '
            "have the expected form — write an exception class name, plain (OSError) or with "
            "its module (sqlite3.OperationalError).",
        ),
    ],
)
def test_compiler_checks_count_names(tmp_path: Path, count: str, expected: str) -> None:
    from tests.unit.test_validate import CLIENT, catalog, project
    from toolc.generator.diagnostics import render_text
    from toolc.generator.source import load
    from toolc.generator.validate import validate

    root, module = project(tmp_path, {"clients/mobile.yaml": CLIENT})
    text_ = catalog(module).replace(
        "half_open_max_calls: 1}", f"half_open_max_calls: 1, count: {count}}}"
    )
    assert "count:" in text_
    (root / "tools.yaml").write_text(text_, encoding="utf-8")
    sources, _ = load(root)
    report = render_text(validate(sources))
    assert (expected in report) if expected else report == "", report
