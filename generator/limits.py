"""A client's limits: E031 (`max_tools`), E033 (`max_list_bytes`) and E035 (`max_list_tokens`),
with fixes that fit.

E031 stays short on a big catalog: the count, the five largest contributors (a tag or a tool with
its listed legacy names and split halves), and the cheapest fixes: the smallest tag exclusion that
fits on its own, and `legacy: accept` when listed legacy names cause the overflow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .diagnostics import Diagnostic, Note, error
from .ir import ClientBuild, ExposedTool, Span

TOP = 5  # contributors shown by E031 and E033


def list_payload(exposed: Iterable[ExposedTool]) -> bytes:
    """The compact tools/list result, as `max_list_bytes` measures it."""
    doc = {"tools": [e.definition for e in exposed]}
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.encode("utf-8")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def check_limits(build: ClientBuild) -> list[Diagnostic]:
    return [*_check_count(build), *_check_bytes(build), *_check_tokens(build)]


def _check_count(build: ClientBuild) -> list[Diagnostic]:
    profile = build.profile
    limit = profile.max_tools
    if limit is None or build.count <= limit:
        return []
    over = build.count - limit
    spans = {t.name: t.span for t in build.tools}
    tags_of = {t.name: t.tags for t in build.tools}
    by_tool: dict[str, int] = {}
    by_tag: dict[str, int] = {}
    tag_span: dict[str, Span] = {}
    for e in build.exposed:
        by_tool[e.tool] = by_tool.get(e.tool, 0) + 1
        for tag in tags_of[e.tool]:
            by_tag[tag] = by_tag.get(tag, 0) + 1
            tag_span.setdefault(tag, spans[e.tool])
    groups = [(n, f'tag "{tag}"', tag_span[tag]) for tag, n in by_tag.items()]
    groups += [(n, f'tool "{tool}"', spans[tool]) for tool, n in by_tool.items()]
    groups.sort(key=lambda g: (-g[0], g[1]))
    notes = [Note(span, f"{label} counts {n}.") for n, label, span in groups[:TOP]]
    legacy = sum(1 for e in build.exposed if e.legacy is not None)
    file = profile.path
    if legacy:
        fits = "the client then fits" if legacy >= over else f"{over - legacy} more to go"
        notes.append(
            Note(
                profile.span,
                f'fix: "legacy: accept" in {file} keeps {plural(legacy, "listed legacy name")} '
                f"callable but unlisted (saves {legacy}; {fits}).",
            )
        )
    halves = sum(1 for e in build.exposed if e.operations)
    if halves:
        notes.append(
            Note(
                profile.span,
                f'fix: without "split: effect" the client lists {halves // 2} fewer tools, at '
                "the cost of hints that misstate operations (W005).",
            )
        )
    enough = sorted((n, tag) for tag, n in by_tag.items() if over <= n < build.count)
    if enough:
        n, tag = enough[0]
        notes.append(
            Note(
                profile.span,
                f'fix: "exclude: {{tags: [{tag}]}}" in {file} saves {n}, enough on its own.',
            )
        )
    return [
        error(
            profile.max_tools_span or profile.span,
            "E031",
            f'client "{profile.name}" exposes {build.count} tools, limit is {limit}',
            f"exclude {plural(over, 'tool')} or raise max_tools",
            *notes,
        )
    ]


def _check_bytes(build: ClientBuild) -> list[Diagnostic]:
    profile = build.profile
    budget = profile.max_list_bytes
    if budget is None or build.list_bytes <= budget:
        return []
    spans = {t.name: t.span for t in build.tools}
    sizes = sorted(
        ((len(list_payload((e,))) - len(b'{"tools":[]}'), e) for e in build.exposed),
        key=lambda pair: (-pair[0], pair[1].name),
    )
    notes = [
        Note(e.legacy.span if e.legacy else spans[e.tool], f'"{e.name}" takes {n} bytes.')
        for n, e in sizes[:TOP]
    ]
    return [
        error(
            profile.max_list_bytes_span or profile.span,
            "E033",
            f'client "{profile.name}" gets a tools/list of {build.list_bytes} bytes, '
            f"max_list_bytes is {budget}",
            "exclude tools, shorten descriptions or raise max_list_bytes",
            *notes,
        )
    ]


def _check_tokens(build: ClientBuild) -> list[Diagnostic]:
    profile = build.profile
    budget = profile.max_list_tokens
    if budget is None or build.list_tokens <= budget:
        return []
    return [
        error(
            profile.max_list_tokens_span or profile.span,
            "E035",
            f'client "{profile.name}" gets a tools/list of about {build.list_tokens} tokens, '
            f"max_list_tokens is {budget}",
            'exclude tools, use "describe: names", shorten descriptions or raise max_list_tokens',
        )
    ]
