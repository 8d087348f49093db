"""`toolc import --from-json`: the draft compiles with 0 errors, fits its clients, is
deterministic, and every original name answers through the served build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from tests.importer.catalog150 import tools
from tests.importer.support import toolc, tree

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "tools.json"
    path.write_text(json.dumps(tools()))  # a bare array, as snapshot tools save it
    return path


def test_import_150_fit_generate_and_deterministic(catalog_file: Path, tmp_path: Path) -> None:
    fits = ["--fit", "cursor:40", "--fit", "mobile:30:16000"]
    first = toolc("import", "--from-json", str(catalog_file), "--out", str(tmp_path / "a"), *fits)
    assert first.returncode == 0, first.stderr
    table = first.stderr
    assert table.startswith("group") and "issues  " in table and "150 tools -> " in table
    assert "client cursor: keeps" in table and "client mobile: keeps" in table
    assert "warning[W094]: client mobile loses" in table
    second = toolc("import", "--from-json", str(catalog_file), "--out", str(tmp_path / "b"), *fits)
    assert second.returncode == 0
    assert second.stderr.replace(f"{tmp_path}/b", "OUT") == first.stderr.replace(
        f"{tmp_path}/a", "OUT"
    )
    assert tree(tmp_path / "a") == tree(tmp_path / "b")  # same input, same bytes

    draft = (tmp_path / "a" / "tools.yaml").read_text()
    assert draft.startswith("# yaml-language-server:") and "Drafted by `toolc import" in draft
    generated = toolc("generate", "--root", str(tmp_path / "a"))
    assert generated.returncode == 0, generated.stderr
    assert "error[" not in generated.stderr
    rows = {line.split()[0]: line.split() for line in generated.stdout.splitlines()[1:]}
    assert rows["cursor"][-1] == rows["mobile"][-1] == rows["all"][-1] == "ok"
    assert int(rows["cursor"][2]) <= 40 and int(rows["mobile"][2]) <= 30
    assert int(rows["mobile"][4]) <= 16000


@pytest.mark.anyio
async def test_every_original_name_answers_through_the_stub_build(
    catalog_file: Path, tmp_path: Path
) -> None:
    root = tmp_path / "p"
    assert toolc("import", "--from-json", str(catalog_file), "--out", str(root)).returncode == 0
    assert toolc("generate", "--root", str(root)).returncode == 0
    params = StdioServerParameters(
        command=__import__("sys").executable,
        args=["-m", "toolc", "serve", "--client", "all", "--root", str(root), "--no-trace"],
        cwd=str(root),
    )
    originals = tools()
    async with Client(params, mode="legacy") as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        assert len(listed) < 60
        for tool in originals:
            args = {name: _sample(s) for name, s in tool["inputSchema"]["properties"].items()}
            result = await client.call_tool(tool["name"], args)
            text = result.content[0].text  # type: ignore[union-attr]
            assert result.is_error and text.startswith("not implemented: "), (tool["name"], text)
            assert f'(was "{tool["name"]}")' in text


def _sample(schema: dict[str, object]) -> object:
    return {"integer": 1, "string": "x"}.get(str(schema.get("type")), "x")
