"""Tool-level aliases through the compiler: validated (E012, E030, E027), listed under
`legacy: list` (counted 1, marked deprecated), in the build's ALIASES table, in the lock."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolc.generator.compat import lock_document, resolved
from toolc.generator.diagnostics import render_text
from toolc.generator.emit.views import build_view

CASES = Path(__file__).resolve().parent / "cases"


def project(tmp: Path, edit: tuple[str, str], clients: dict[str, str] | None = None) -> Path:
    tmp.mkdir()
    text = (CASES / "base.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    (tmp / "tools.yaml").write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    shutil.copytree(CASES / "clients", tmp / "clients")
    for name, body in (clients or {}).items():
        (tmp / "clients" / f"{name}.yaml").write_text(body, encoding="utf-8")
    return tmp


ALIASES = '    aliases: [{name: memo, sunset: "2027-01-01"}]\n'


def test_an_alias_that_shadows_a_tool_or_a_legacy_name_is_refused(tmp_path: Path) -> None:
    for i, (aliases, code, needle) in enumerate(
        [
            ("[kv_get]", "E012", 'alias "kv_get" of tool "notes" shadows a tool'),
            ("[note_get]", "E012", 'alias "note_get" of tool "notes" is already a legacy name'),
            ('["bad name"]', "E030", 'alias "bad name" breaks the MCP tool-name rule'),
        ]
    ):
        root = project(tmp_path / str(i), (ALIASES, f"    aliases: {aliases}\n"))
        _, _, diags = resolved(root)
        text = render_text(diags)
        assert f"error[{code}]" in text and needle in text, text


def test_a_client_rename_onto_an_alias_is_refused(tmp_path: Path) -> None:
    client = "version: 1\nclient: all\nrename: {kv_get: memo}\n"
    _, _, diags = resolved(project(tmp_path / "p", ("", ""), {"all": client}))
    assert "error[E027]" in render_text(diags) and "is an alias of a tool" in render_text(diags)


def test_listed_aliases_count_and_say_what_replaces_them(tmp_path: Path) -> None:
    client = "version: 1\nclient: all\nlegacy: list\n"
    catalog, builds, diags = resolved(project(tmp_path / "p", ("", ""), {"all": client}))
    assert catalog is not None and not [d for d in diags if d.is_error], render_text(diags)
    build = next(b for b in builds if b.profile.name == "all")
    memo = next(e for e in build.exposed if e.name == "memo")
    assert memo.tool == "notes" and memo.operation is None
    assert memo.definition["description"].startswith(
        'Deprecated: use "notes" instead. Removed after 2027-01-01.'
    )
    notes = next(e for e in build.exposed if e.name == "notes")
    assert memo.definition["inputSchema"] == notes.definition["inputSchema"]
    assert build.count == len(build.exposed)
    tables = {str(name): value for name, _, value in build_view(catalog, build).tables}
    assert tables["ALIASES"] == {"memo": {"tool": "notes", "sunset": "2027-01-01", "listed": True}}
    app = next(b for b in builds if b.profile.name == "app")  # legacy: refuse
    assert "memo" not in {e.name for e in app.exposed}
    lock = lock_document(catalog, builds)["clients"]
    assert lock["app"]["names"]["memo"] == {"sunset": "2027-01-01", "tool": "notes", "via": "alias"}
    assert "note_get" not in lock["app"]["names"]  # refused legacy names are not its contract
