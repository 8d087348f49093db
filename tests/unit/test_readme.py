"""The README's reference tables stay true to the code."""

from __future__ import annotations

import json
from pathlib import Path

from toolc.generator.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_diagnostic_code_is_documented_with_its_summary() -> None:
    for code in CODES.values():
        assert f"| {code.code} | `{code.slug}` | {code.summary} |" in README


def test_every_client_key_of_the_published_schema_is_documented() -> None:
    schema = json.loads((ROOT / "generator/schemas/client.schema.json").read_text("utf-8"))
    for key in schema["properties"]:
        assert f"`{key}" in README, key


def test_every_operation_key_of_the_published_schema_is_documented() -> None:
    schema = json.loads((ROOT / "generator/schemas/tools.schema.json").read_text("utf-8"))
    for key in schema["$defs"]["operation"]["properties"]:
        assert f"| `{key}" in README, key


def test_every_toolc_command_is_documented() -> None:
    from toolc.cli import COMMANDS

    for command in COMMANDS:
        assert f"| `toolc {command}" in README, command


def test_the_generate_table_in_the_readme_is_the_current_one() -> None:
    """The `make generate` table (bytes and tokens per client) matches the committed build."""
    from toolc.generator import build
    from toolc.generator.__main__ import table

    result = build(ROOT, check=True)
    assert result.ok and not result.stale
    assert "```\n" + table(result.builds) + "```" in README


def test_the_breaking_rules_table_is_the_registry() -> None:
    from toolc.generator.compat.rules import rules_table

    assert rules_table() in README
