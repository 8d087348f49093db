"""Reference pages (generator/docs): hostile strings stay text, examples are valid, staleness is
caught by `check` and `toolc docs --check`, and a page edit defeats the no-op shortcut."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from toolc.generator import build, noop
from toolc.generator.docs import cli
from toolc.generator.docs.examples import choose, object_schema, problems, sample
from toolc.generator.docs.html import CSP, SCRIPT, STYLE

CASE = Path(__file__).resolve().parents[1] / "golden" / "ok_docs"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.data.setdefault(self._open[-1], []).append(data)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    result = build(CASE, check=True)
    assert result.ok
    return {f.path: f.text for f in result.files if f.path.startswith("docs/clients/")}


def test_every_client_gets_both_pages(pages: dict[str, str]) -> None:
    names = {f"docs/clients/{c}.{s}" for c in ("app", "desk", "old") for s in ("md", "html")}
    assert set(pages) == names


def test_html_runs_only_its_own_script_and_fetches_nothing(pages: dict[str, str]) -> None:
    for path, text in pages.items():
        if not path.endswith(".html"):
            continue
        assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)" in text
        parser = Tags()
        parser.feed(text)
        scripts = [t for t, _ in parser.tags if t == "script"]
        assert scripts == ["script"], path
        assert "".join(parser.data["script"]) == SCRIPT
        assert "".join(parser.data["style"]) == STYLE
        for tag, attrs in parser.tags:
            assert tag not in ("img", "iframe", "object", "embed", "link", "base", "form"), tag
            assert not any(a.startswith("on") for a in attrs), (tag, attrs)
            assert "src" not in attrs, (tag, attrs)
            href = attrs.get("href")
            assert href is None or href.startswith("#"), href
        csp = [
            a["content"] for t, a in parser.tags if a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert csp == [CSP] and CSP.startswith("default-src 'none';")


def test_markdown_holds_no_raw_html_from_yaml(pages: dict[str, str]) -> None:
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        assert "<script" not in text and "<b>" not in text, path
        assert "\\[link\\](javascript:alert(1))" in text or "desk" in path or "app" in path
        raw = [line for line in text.splitlines() if "<" in line.replace("<br>", "")]
        assert all(line.startswith('<a id="') for line in raw), raw


def test_pages_are_deterministic(pages: dict[str, str]) -> None:
    again = build(CASE, check=True)
    assert {f.path: f.text for f in again.files if f.path in pages} == pages


def test_refusing_client_marks_legacy_names_refused(pages: dict[str, str]) -> None:
    app = pages["docs/clients/app.md"]
    assert "| `close_issue` | `issue` operation `update` | `id` → `issue_id` | `state` = " in app
    assert app.count("| refused |") == 3 and "| `ticket` | `issue` |" in app  # aliases answer
    desk = pages["docs/clients/desk.md"]
    assert "`issues`" in desk and "| accepted |" in desk and "ping" not in desk


@pytest.mark.parametrize(
    ("schema", "ok"),
    [
        ({"type": "string", "format": "date"}, "2026-01-31"),
        ({"type": "string", "format": "email"}, "someone@example.com"),
        ({"type": "integer", "minimum": 3, "multipleOf": 5}, 5),
        ({"type": "number", "exclusiveMinimum": 0}, 0.5),
        ({"type": "string", "minLength": 12}, "examplexxxxx"),
        ({"type": "string", "pattern": "^INV-[0-9]{4}$"}, "INV-1111"),
        ({"type": "array", "minItems": 2, "items": {"enum": ["a", "b"]}}, ["a", "a"]),
        ({"$ref": "#/$defs/point"}, {"x": 1}),
        ({"anyOf": [{"type": "null"}, {"type": "string"}]}, None),
    ],
)
def test_derived_values_validate(schema: dict[str, Any], ok: Any) -> None:
    defs = {
        "point": {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}}
    }
    params = {"p": schema}
    full = object_schema(params, ["p"], closed=True, defs=defs)
    assert choose(params, ["p"], (), full, defs) == {"p": ok}


def test_declared_example_wins_and_bad_ones_are_refused() -> None:
    params = {"n": {"type": "integer", "maximum": 3}}
    schema = object_schema(params, ["n"], closed=True, defs={})
    assert choose(params, ["n"], [{"n": 2}], schema, {}) == {"n": 2}
    assert choose(params, ["n"], [{"n": 9}], schema, {}) is None
    assert problems({"n": 9, "x": 1}, schema)


def test_pattern_samples() -> None:
    assert sample("^t[0-9]{1,18}$") == "t1"
    assert sample("^(ab|cd)-[a-z]+$") == "ab-a"
    assert sample("^[^x]+$") is None


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(CASE, root, ignore=shutil.ignore_patterns("expected"))
    assert build(root).ok
    return root


def test_check_catches_stale_and_stray_pages(tmp_path: Path) -> None:
    root = _project(tmp_path)
    pages = root / "docs" / "clients"
    (pages / "app.md").write_text("edited by hand\n")
    (pages / "gone.html").write_text("<p>old client</p>\n")
    (pages / "notes.txt").write_text("not a page\n")
    (root / "docs" / "guide.md").write_text("the project's own docs\n")
    result = build(root, check=True)
    assert result.written is not None
    assert result.written.changed == ("docs/clients/app.md",)
    assert result.written.deleted == ("docs/clients/gone.html",)
    assert "-edited by hand" in result.written.diff
    build(root)
    assert not (pages / "gone.html").exists() and (pages / "notes.txt").exists()
    assert (root / "docs" / "guide.md").read_text() == "the project's own docs\n"
    assert not build(root, check=True).stale


def test_a_page_edit_defeats_the_noop_shortcut(tmp_path: Path) -> None:
    root = _project(tmp_path)
    noop.remember(root, ["tests"], [{"client": "app"}])
    assert noop.unchanged(root) == [{"client": "app"}]
    (root / "docs" / "clients" / "old.html").write_text("edited\n")
    assert noop.unchanged(root) is None


def test_toolc_docs_check_writes_and_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    page = root / "docs" / "clients" / "desk.md"
    page.unlink()
    assert cli.main(["--root", str(root), "--check", "--quiet"]) == 1
    assert "+++ b/docs/clients/desk.md" in capsys.readouterr().out
    assert cli.main(["--root", str(root), "--quiet"]) == 0
    assert page.is_file()
    assert cli.main(["--root", str(root), "--check", "--quiet"]) == 0
    out = tmp_path / "out"
    assert cli.main(["--root", str(root), "--out", str(out), "--client", "app", "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["app.html", "app.md"]
    assert cli.main(["--root", str(root), "--client", "nope", "--quiet"]) == 1


def test_pages_are_never_written_through_a_link(tmp_path: Path) -> None:
    root = _project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / "docs")
    (root / "docs").symlink_to(outside, target_is_directory=True)
    result = build(root)
    assert [d.code for d in result.diagnostics if d.is_error] == ["E007"]
    assert list(outside.iterdir()) == []
