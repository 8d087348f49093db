"""resolve: selection by operation and by effect, `split: effect`, per-operation hints, E031."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.ir_samples import catalog, master, op, plain, profile
from toolc.generator.diagnostics import render_text
from toolc.generator.ir import ClientBuild, LegacyName, Span, Tool
from toolc.generator.resolve import resolve


def _issues() -> Tool:
    t = "issues"
    return master(
        t,
        op(t, "get", effect="read"),
        op(t, "list", effect="read"),
        op(t, "update", effect="write", idempotent=True),
        op(t, "delete", effect="destructive", idempotent=False),
        tags=("core",),
    )


def _names(build: ClientBuild) -> list[str]:
    return [e.name for e in build.exposed]


def test_select_and_exclude_single_operations_narrow_the_master_tool() -> None:
    cat = catalog(_issues(), plain("ping", op("ping", "ping", plain=True)))
    build, _ = resolve(
        cat,
        profile(select_operations=(("issues", "get"), ("issues", "delete"))),
    )
    assert build is not None
    assert _names(build) == ["issues"]  # only the tool with selected operations
    schema = build.exposed[0].definition["inputSchema"]
    assert schema["properties"]["operation"]["enum"] == ["get", "delete"]
    assert [o.name for o in build.tools[0].operations] == ["get", "delete"]

    build, _ = resolve(cat, profile(exclude_operations=(("issues", "delete"),)))
    assert build is not None
    assert _names(build) == ["issues", "ping"]
    enum = build.exposed[0].definition["inputSchema"]["properties"]["operation"]["enum"]
    assert enum == ["get", "list", "update"]


def test_read_only_keeps_reads_and_drops_tools_without_any() -> None:
    cat = catalog(_issues(), plain("ping", op("ping", "ping", effect="write", plain=True)))
    build, diags = resolve(cat, profile(read_only=True))
    assert build is not None and build.count == 1
    entry = build.exposed[0].definition
    assert entry["inputSchema"]["properties"]["operation"]["enum"] == ["get", "list"]
    assert entry["annotations"]["readOnlyHint"] is True
    assert not [d for d in diags if d.code == "W005"]  # nothing misstated any more


def test_split_effect_lists_read_and_write_halves_with_true_hints() -> None:
    build, diags = resolve(catalog(_issues()), profile(split="effect", max_tools=2))
    assert build is not None and build.count == 2
    read, write = build.exposed
    assert (read.name, read.operations) == ("issues_read", ("get", "list"))
    assert (write.name, write.operations) == ("issues_write", ("update", "delete"))
    # compact hints (listing.hints): only what differs from MCP's defaults
    assert read.definition["annotations"] == {"readOnlyHint": True}
    # readOnlyHint false, destructiveHint true, idempotentHint false: all MCP's defaults
    assert "annotations" not in write.definition
    assert diags == ()


def test_split_uses_the_client_rename_and_the_operation_title() -> None:
    t = _issues()
    ops = (replace(t.operations[0], title="Get an issue"), *t.operations[1:3])
    tool = replace(t, operations=ops, title="Issues")
    build, _ = resolve(
        catalog(tool),
        profile(
            split="effect",
            rename=(("issues", "gh_issues"),),
            exclude_operations=(("issues", "list"),),
        ),
    )
    assert build is not None
    assert [(e.name, e.definition.get("title")) for e in build.exposed] == [
        ("gh_issues_read", "Get an issue"),
        ("gh_issues_write", "Issues (write)"),
    ]


def test_a_tool_of_one_effect_stays_whole_when_split() -> None:
    t = "docs"
    build, _ = resolve(catalog(master(t, op(t, "get"), op(t, "search"))), profile(split="effect"))
    assert build is not None and _names(build) == ["docs"]


def test_w005_names_the_misstated_operations_when_not_split() -> None:
    _, diags = resolve(catalog(_issues()), profile())
    (w,) = diags
    assert w.code == "W005"
    assert 'set "split: effect" in clients/cursor.yaml' in w.message
    assert '"get" (read), "list" (read), "update" (write)' in w.notes[0].message


def test_split_name_that_is_taken_is_e027() -> None:
    taken = plain("issues_read", op("issues_read", "issues_read", plain=True))
    _, diags = resolve(catalog(_issues(), taken), profile(split="effect"))
    assert "E027" in [d.code for d in diags]


def test_open_world_icons_and_meta_are_listed() -> None:
    t = _issues()
    ops = (replace(t.operations[0], open_world=False), *t.operations[1:])
    icon = {"src": "https://example.com/i.png", "sizes": ["48x48"]}
    meta = {"ui": {"resourceUri": "ui://issues/view"}}
    tool = replace(t, operations=ops, icons=(icon,), meta=meta)
    build, _ = resolve(catalog(tool), profile(split="effect"))
    assert build is not None
    read, write = (e.definition for e in build.exposed)
    # "list" does not say: open, MCP's default, which the compact listing leaves implicit
    assert "openWorldHint" not in read["annotations"]
    assert read["icons"] == [icon] and read["_meta"] == meta
    assert write["_meta"] == meta
    only_get, _ = resolve(catalog(tool), profile(select_operations=(("issues", "get"),)))
    assert only_get is not None
    assert only_get.exposed[0].definition["annotations"]["openWorldHint"] is False


def test_e031_is_short_and_names_the_cheapest_fixes() -> None:
    legacy = tuple(
        LegacyName(name=f"old_{i}", span=Span("tools.yaml", 40 + i, 5)) for i in range(6)
    )
    t = _issues()
    ops = (replace(t.operations[0], legacy=legacy), *t.operations[1:])
    tools = [replace(t, operations=ops)]
    tools += [
        master(f"beta{i}", op(f"beta{i}", "x"), tags=("beta",), line=100 + i) for i in range(9)
    ]
    build, diags = resolve(catalog(*tools), profile(legacy="list", max_tools=10))
    assert build is not None and build.count == 16
    text = render_text([d for d in diags if d.code == "E031"])
    lines = text.splitlines()
    assert lines[0].endswith("exposes 16 tools, limit is 10 — exclude 6 tools or raise max_tools.")
    assert len(lines) == 1 + 5 + 2
    assert 'note: tag "beta" counts 9.' in lines[1]
    assert 'tool "issues" counts 7.' in text
    assert '"legacy: accept" in clients/cursor.yaml keeps 6 listed legacy names' in text
    assert "saves 6; the client then fits" in text
    assert '"exclude: {tags: [core]}" in clients/cursor.yaml saves 7, enough on its own.' in text


def test_e031_of_a_split_client_names_what_splitting_costs() -> None:
    _, diags = resolve(catalog(_issues()), profile(split="effect", max_tools=1))
    text = render_text([d for d in diags if d.code == "E031"])
    assert 'without "split: effect" the client lists 1 fewer tools' in text
