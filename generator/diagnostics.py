"""Diagnostics: the one way the compiler reports bad input.

Format: `path:line:col: severity[CODE]: what is wrong — how to fix`, optionally followed by
indented `path:line:col: note: ...` lines. Codes are registered once and never reused.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .ir import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    slug: str
    summary: str


# The registry. Append only: codes never change meaning and are never reused.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("E001", "yaml-syntax", "the file is not valid YAML"),
        Code("E002", "duplicate-key", "a mapping has the same key twice"),
        Code("E003", "schema", "a value does not match the config language's JSON Schema"),
        Code("E004", "unknown-key", "a key is not part of the config language"),
        Code("E005", "version", "`version` is missing or unsupported"),
        Code("E006", "file-missing", "a required input file is missing or unreadable"),
        Code("E007", "outside-root", "an input path resolves outside the project root"),
        Code("E010", "duplicate-tool", "two tools have the same name"),
        Code("E011", "duplicate-operation", "two operations of a tool have the same name"),
        Code("E012", "duplicate-legacy", "a legacy name is declared twice or shadows a tool"),
        Code("E013", "duplicate-client", "two client files declare the same client"),
        Code("E020", "unknown-policy", "a cache or breaker policy reference does not resolve"),
        Code("E021", "unknown-invalidates", "`invalidates` names no operation of the tool"),
        Code("E022", "unknown-selection", "a client selects or excludes an unknown tool or tag"),
        Code("E023", "cache-on-write", "`cache` is set on an operation that is not a read"),
        Code("E024", "required-not-param", "`required` names a parameter that is not declared"),
        Code(
            "E025",
            "bad-param-schema",
            "a `params`, `returns` or `defs` schema is not valid JSON Schema",
        ),
        Code(
            "E026",
            "bad-param-name",
            "two parameters get the same Python name, or a `py_name` is not usable",
        ),
        Code("E027", "bad-rename", "a legacy `rename` or client `rename` does not fit"),
        Code("E028", "unknown-ref", "a `$ref` names no top-level def, or a schema nests `$defs`"),
        Code("E029", "legacy-set", "a legacy `set` names no parameter or a value it refuses"),
        Code("E030", "tool-name", "a tool name breaks the MCP tool-name rule"),
        Code("E031", "max-tools", "a client exposes more tools than its `max_tools`"),
        Code("E032", "name-rule", "a name a client sees breaks that client's `name_rule`"),
        Code("E033", "max-list-bytes", "a client's tools/list payload exceeds `max_list_bytes`"),
        Code(
            "E034",
            "param-rule",
            "a parameter key a client sees breaks that client's `param_rule`",
        ),
        Code("E035", "max-list-tokens", "a client's tools/list payload exceeds `max_list_tokens`"),
        Code("E040", "handler-module", "a handler module cannot be imported"),
        Code("E041", "handler-function", "a handler function does not exist or is not callable"),
        Code("E042", "handler-signature", "a handler does not accept the declared parameters"),
        Code(
            "E043",
            "handler-external",
            "a handler module lies outside the project root and is not in `external_handlers`",
        ),
        Code("E080", "state-password", "a client's `state.url` holds a password in clear"),
        Code(
            "E081", "state-keys", "a client's `state` sets neither or both of `url` and `url_env`"
        ),
        Code("E082", "state-url", "a client's `state.url` or `state.url_env` is not usable"),
        Code(
            "E095", "unknown-upstream", "an operation forwards to an upstream that is not declared"
        ),
        Code(
            "E096",
            "forward-keys",
            "`upstream` and `handler` are both given, or `tool` / `set` do not fit",
        ),
        Code("E097", "env-reference", "a `${NAME}` environment reference is malformed"),
        Code("E098", "upstream-shape", "an upstream is neither one stdio command nor one url"),
        Code(
            "E099",
            "upstream-live",
            "`toolc check --upstreams`: an upstream is unreachable or lacks a compatible tool",
        ),
        Code("E060", "breaking-change", "the catalog breaks a client's contract in `tools.lock`"),
        Code("E061", "lock-file", "`tools.lock` cannot be read or has an unknown format"),
        Code("E075", "auth-token-name", "two auth tokens of a client share a name"),
        Code("E076", "auth-jwt-url", "a jwt URL of a client is no URL, or its jwks_url is http"),
        Code("E077", "auth-token-source", "an auth token has no single env var name or file"),
        Code("E105", "batch-plain", "`batch` is set on a plain tool"),
        Code("E106", "batch-operation", 'a batching tool declares an operation named "batch"'),
        Code("E107", "batch-param", "a batching tool's parameter clashes with a batch argument"),
        Code("E100", "bad-example", "an operation's `examples` entry is not a valid call"),
        # W001 reads today's date, so only `toolc check` reports it; generated files never do.
        Code("W001", "legacy-sunset", "a legacy name or tool alias is past its sunset date"),
        Code("W002", "empty-client", "a client exposes no tools"),
        Code("W003", "tool-name-edge", 'a tool name starts or ends with "-" or "."'),
        Code("W004", "unused-def", "a def is not used by any params or returns"),
        Code("W105", "batch-no-reads", "`writes: refuse` on a tool without read operations"),
        Code(
            "W005",
            "merged-hints",
            "a client lists master tools whose merged hints misstate some operations",
        ),
        Code(
            "W095", "literal-secret", "an upstream's env or headers hold what looks like a secret"
        ),
        Code("W096", "unused-upstream", "an upstream is declared but no operation forwards to it"),
        Code("W100", "no-example", "no valid example call can be derived for an operation"),
    )
}


@dataclass(frozen=True, slots=True, order=True)
class Note:
    span: Span
    message: str


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    span: Span
    code: str
    message: str  # "what is wrong — how to fix"
    notes: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered diagnostic code {self.code}")

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.code.startswith("E") else Severity.WARNING

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(span: Span, code: str, what: str, fix: str, *notes: Note) -> Diagnostic:
    """Build a diagnostic from its two halves; both are sentences without a final period."""
    return Diagnostic(span, code, f"{what} — {fix}.", tuple(notes))


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, for "did you mean" hints; None when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def excerpt(text: str, limit: int = 40) -> str:
    """`text` as one short printable line, for quoting input in a message.

    Input may be anything (a binary file, a secret that is not YAML): whitespace runs become one
    space, other unprintable characters become "?", and more than `limit` characters are cut
    with "…", so a diagnostic never echoes more than a short excerpt.
    """
    flat = " ".join(text.split())
    shown = "".join(c if c.isprintable() else "?" for c in flat[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def normalize(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Deduplicate and sort by (path, line, col, code)."""
    return tuple(sorted(set(diagnostics), key=lambda d: (d.span, d.code, d.message)))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    lines: list[str] = []
    for d in normalize(diagnostics):
        lines.append(f"{d.span}: {d.severity.value}[{d.code}]: {d.message}")
        lines.extend(f"  {n.span}: note: {n.message}" for n in d.notes)
    return "".join(line + "\n" for line in lines)


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [
        {
            "path": d.span.path,
            "line": d.span.line,
            "col": d.span.col,
            "severity": d.severity.value,
            "code": d.code,
            "slug": CODES[d.code].slug,
            "message": d.message,
            "notes": [
                {"path": n.span.path, "line": n.span.line, "col": n.span.col, "message": n.message}
                for n in d.notes
            ],
        }
        for d in normalize(diagnostics)
    ]
    return json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
