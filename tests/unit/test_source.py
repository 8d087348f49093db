"""Stage 1, load: plain data, positions, and load-time diagnostics."""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolc.generator.diagnostics import render_text
from toolc.generator.ir import Span
from toolc.generator.source import load, parse


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def test_values_and_keys_keep_their_positions() -> None:
    text = "version: 1\ntools:\n  notes:\n    tags: [a, b]\n    sunset: 2027-06-30\n"
    doc, diags = parse("tools.yaml", text)
    assert diags == ()
    assert doc is not None
    assert doc.data == {
        "version": 1,
        "tools": {"notes": {"tags": ["a", "b"], "sunset": "2027-06-30"}},
    }
    smap = doc.source_map
    assert smap.span(("version",)) == Span("tools.yaml", 1, 10)
    assert smap.key_span(("tools", "notes")) == Span("tools.yaml", 3, 3)
    assert smap.span(("tools", "notes", "tags", 1)) == Span("tools.yaml", 4, 15)
    assert smap.key_span(("tools", "notes", "tags")) == Span("tools.yaml", 4, 5)
    # a missing path falls back to its nearest existing ancestor
    assert smap.span(("tools", "notes", "params", "x")) == Span("tools.yaml", 4, 5)
    assert smap.span(("nothing",)) == Span("tools.yaml", 1, 1)


def test_keys_are_their_text_and_scalars_keep_yaml_types() -> None:
    doc, diags = parse("t.yaml", "yes: 1.5\n1: null\nflag: true\nwhen: 2026-01-02 03:04:05\n")
    assert diags == ()
    assert doc is not None
    assert doc.data == {"yes": 1.5, "1": None, "flag": True, "when": "2026-01-02T03:04:05"}


def test_duplicate_key_points_at_second_with_note_at_first() -> None:
    _, diags = parse("tools.yaml", "tools:\n  a: 1\n  b: 2\n  a: 3\n")
    assert render_text(diags) == (
        'tools.yaml:4:3: error[E002]: key "a" is defined twice in "tools" — remove or rename '
        "one of them.\n"
        "  tools.yaml:2:3: note: first definition.\n"
    )


def test_syntax_error_points_at_problem_mark() -> None:
    doc, diags = parse("tools.yaml", "version: 1\nserver: {name: x\ntools: {}\n")
    assert doc is None
    assert render_text(diags) == (
        "tools.yaml:3:6: error[E001]: the file is not valid YAML: expected ',' or '}', but got "
        "':' — fix the YAML syntax here.\n"
    )


def test_tab_indentation_gets_a_specific_fix() -> None:
    _, diags = parse("tools.yaml", "tools:\n\t- a\n")
    assert render_text(diags) == (
        "tools.yaml:2:1: error[E001]: the file is not valid YAML: found character '\\t' that "
        "cannot start any token — indent with spaces, not tabs.\n"
    )


def test_two_documents_are_one_error() -> None:
    _, diags = parse("tools.yaml", "a: 1\n---\nb: 2\n")
    assert render_text(diags) == (
        "tools.yaml:2:1: error[E001]: the file is not valid YAML: expected a single document in "
        "the stream, but found another document — fix the YAML syntax here.\n"
    )


def test_merge_keys_are_applied_and_explicit_keys_win() -> None:
    text = "base: &b {type: string, minLength: 1}\nparam:\n  <<: *b\n  minLength: 3\n"
    doc, diags = parse("t.yaml", text)
    assert diags == ()
    assert doc is not None
    assert doc.data["param"] == {"type": "string", "minLength": 3}
    assert doc.source_map.span(("param", "type")) == Span("t.yaml", 1, 17)
    assert doc.source_map.span(("param", "minLength")) == Span("t.yaml", 4, 14)


def test_recursive_alias_is_an_error_not_a_crash() -> None:
    doc, diags = parse("t.yaml", "a: &x [1, *x]\n")
    assert doc is None
    assert render_text(diags) == (
        "t.yaml:1:4: error[E001]: an alias refers to a node that contains it — remove the "
        "recursive alias.\n"
    )


def test_bad_scalars_are_reported_at_the_value() -> None:
    _, diags = parse("t.yaml", "a: .inf\nb: 2027-02-30\n")
    assert render_text(diags) == (
        't.yaml:1:4: error[E003]: value ".inf" is not a finite number — use a finite number.\n'
        't.yaml:2:4: error[E003]: value "2027-02-30" cannot be read as timestamp — correct the '
        "value or quote it.\n"
    )


def test_empty_file_is_a_document_with_no_data() -> None:
    doc, diags = parse("t.yaml", "")
    assert diags == ()
    assert doc is not None and doc.data is None


def test_missing_catalog_is_e006(tmp_path: Path) -> None:
    write(tmp_path, {"clients/a.yaml": "version: 1\nclient: a\n"})
    sources, diags = load(tmp_path)
    assert sources.catalog is None
    assert [c.path for c in sources.clients] == ["clients/a.yaml"]
    assert render_text(diags) == (
        'tools.yaml:1:1: error[E006]: "tools.yaml" does not exist in the project root — create '
        '"tools.yaml" with "version: 1", "server" and "tools".\n'
    )


def test_clients_are_sorted_and_other_files_ignored(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tools.yaml": "version: 1\n",
            "clients/z.yaml": "client: z\n",
            "clients/a.yaml": "client: a\n",
            "clients/notes.txt": "ignored",
        },
    )
    sources, diags = load(tmp_path)
    assert diags == ()
    assert sources.catalog is not None and sources.catalog.data == {"version": 1}
    assert [c.path for c in sources.clients] == ["clients/a.yaml", "clients/z.yaml"]
    assert [i.path for i in sources.inputs] == [
        "clients/a.yaml",
        "clients/z.yaml",
        "tools.yaml",
    ]
    assert sources.inputs[2].sha256 == hashlib.sha256(b"version: 1\n").hexdigest()


def test_source_hash_is_deterministic_and_content_sensitive(tmp_path: Path) -> None:
    one = write(tmp_path / "one", {"tools.yaml": "version: 1\n", "clients/a.yaml": "x: 1\n"})
    two = write(tmp_path / "two", {"tools.yaml": "version: 1\n", "clients/a.yaml": "x: 1\n"})
    three = write(tmp_path / "three", {"tools.yaml": "version: 1\n", "clients/a.yaml": "x: 2\n"})
    hashes = [load(root)[0].source_hash for root in (one, two, three)]
    assert hashes[0] == hashes[1] != hashes[2]
    assert len(hashes[0]) == 64


def test_invalid_utf8_is_positioned(tmp_path: Path) -> None:
    write(tmp_path, {"tools.yaml": b"version: 1\nserver: {name: \xff}\n"})
    sources, diags = load(tmp_path)
    assert sources.catalog is None
    assert render_text(diags) == (
        "tools.yaml:2:16: error[E001]: the file is not valid UTF-8 — save it as UTF-8.\n"
    )


def test_bom_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, {"tools.yaml": b"\xef\xbb\xbfversion: 1\n"})
    sources, diags = load(tmp_path)
    assert diags == ()
    assert sources.catalog is not None and sources.catalog.data == {"version": 1}


def test_merge_keys_keep_first_source_wins_and_nested_merges() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2, z: 2}\nc: {<<: [*b, *a], w: 3}\n"
    doc, diags = parse("t.yaml", text)
    assert diags == ()
    assert doc is not None
    assert doc.data["c"] == {"y": 2, "z": 2, "x": 1, "w": 3}


def test_merge_expansion_counts_toward_the_budget() -> None:
    lines = ["a0: &a0 {k: 1}"]
    for level in range(1, 7):
        lines.append(f"a{level}: &a{level} {{<<: [{', '.join([f'*a{level - 1}'] * 10)}]}}")
    doc, diags = parse("t.yaml", "\n".join(lines) + "\n")
    assert doc is None
    assert [(d.code, d.span.path) for d in diags] == [("E001", "t.yaml")]
    assert "aliases and merge keys expand to too many values" in diags[0].message


def test_long_values_are_quoted_as_short_excerpts() -> None:
    _, diags = parse("t.yaml", f"a: !!int {'9' * 50}x\n")
    assert render_text(diags) == (
        f't.yaml:1:4: error[E003]: value "{"9" * 39}…" cannot be read as int — correct the '
        "value or quote it.\n"
    )


def test_inputs_inside_the_root_may_be_symlinks(tmp_path: Path) -> None:
    write(tmp_path, {"tools.yaml": "version: 1\n", "profiles/a.yaml": "version: 1\nclient: a\n"})
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients/a.yaml").symlink_to(tmp_path / "profiles/a.yaml")
    sources, diags = load(tmp_path)
    assert diags == ()
    assert [c.path for c in sources.clients] == ["clients/a.yaml"]


def test_inputs_outside_the_root_are_refused_unread(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"a.yaml": "version: 1\nclient: leaked\n"})
    root = write(tmp_path / "root", {"tools.yaml": "version: 1\n"})
    (root / "clients").mkdir()
    (root / "clients/a.yaml").symlink_to(outside / "a.yaml")
    (root / "generated").symlink_to(outside, target_is_directory=True)
    sources, diags = load(root)
    assert sources.clients == ()
    assert [i.path for i in sources.inputs] == ["tools.yaml"]
    assert [(d.code, d.span.path) for d in diags] == [
        ("E007", "clients/a.yaml"),
        ("E007", "generated"),
    ]
