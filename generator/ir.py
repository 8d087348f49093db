"""The compiler's intermediate representation: frozen, ordered, position-carrying.

Every node that came from YAML carries a `span`; diagnostics take their position only from it.
Collections are tuples in declaration order. JSON Schemas (`Param.schema`, `Operation.returns`)
are plain JSON values copied from YAML; no stage mutates them.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Literal, NewType

import pydantic

JsonValue = Any  # a JSON-compatible value: dict / list / str / int / float / bool / None
JsonSchema = dict[str, Any]

Effect = Literal["read", "write", "destructive"]
ToolKind = Literal["master", "plain"]
LegacyMode = Literal["accept", "list", "refuse"]
Dialect = Literal["flat", "union"]
Describe = Literal["full", "compact", "names"]
Split = Literal["none", "effect"]
InstructionsMode = Literal["replace", "append"]
BatchWrites = Literal["ordered", "refuse"]

# A Python identifier derived from a YAML name. Only `to_py_ident` creates one.
PyIdent = NewType("PyIdent", str)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PY_PARAM = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def to_py_ident(text: str) -> PyIdent:
    """Validate `text` as a Python identifier that is not a keyword; raise ValueError otherwise.

    Soft keywords (`match`, `case`, `type`, `_`) are ordinary identifiers and pass.

    Callers map YAML names to identifiers first (e.g. `code.search_functions` ->
    `code_search_functions` via `module_ident`); this function only checks.
    """
    if not _IDENT.match(text) or keyword.iskeyword(text):
        raise ValueError(f"not a usable Python identifier: {text!r}")
    return PyIdent(text)


def module_ident(name: str) -> PyIdent:
    """The module name for a tool: every character outside [A-Za-z0-9_] becomes `_`."""
    text = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if text[:1].isdigit():
        text = "t_" + text
    if keyword.iskeyword(text):
        text += "_"
    return to_py_ident(text)


# Python names a parameter cannot take as is: the handler's `ctx`, what pydantic's BaseModel
# defines, and the names the generated model modules use in annotations (a field named like one
# would shadow it for the fields declared after it).
RESERVED_PY_NAMES = frozenset({"ctx"} | set(dir(pydantic.BaseModel))) | frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "set", "frozenset", "tuple"}
    | {"object", "annotations", "Any", "Annotated", "Literal", "Optional", "Union"}
    | {"Field", "BaseModel", "ConfigDict", "RootModel", "TypeAliasType", "AwareDatetime"}
)


def py_name_problem(name: str) -> str | None:
    """Why `name` cannot be a parameter's Python name (model field, handler keyword), or None."""
    if not _PY_PARAM.match(name):
        return "is not an ASCII Python identifier that starts with a letter"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name.startswith("model_") or name in RESERVED_PY_NAMES:
        return "is reserved (ctx, model_*, pydantic.BaseModel attributes, type names)"
    return None


def param_py_name(wire: str) -> str:
    """The Python name derived from a parameter's wire name (README: "Wire names").

    Each run of characters other than ASCII letters, digits and `_` becomes one `_`, and `_` at
    either end is dropped (`filter[id]` -> `filter_id`, `x-request-id` -> `x_request_id`); an
    empty result becomes `param`; a name that starts with a digit or with `model_` gets `p_` in
    front; a keyword or reserved name (`ctx`, a BaseModel attribute, a type name) gets `_` after
    (`from` -> `from_`, `json` -> `json_`). The result always passes `py_name_problem`.
    """
    text = re.sub(r"[^A-Za-z0-9_]+", "_", wire).strip("_") or "param"
    if text[0].isdigit() or text.startswith("model_"):
        text = "p_" + text
    if keyword.iskeyword(text) or text in RESERVED_PY_NAMES:
        text += "_"
    return text


def class_ident(*parts: str) -> PyIdent:
    """CamelCase class name: ("docs", "search", "Input") -> "DocsSearchInput"."""
    words: list[str] = []
    for part in parts:
        words.extend(w for w in re.split(r"[^A-Za-z0-9]+", part) if w)
    text = "".join(w[:1].upper() + w[1:] for w in words)
    if not text or text[:1].isdigit():
        text = "T" + text
    return to_py_ident(text)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A position in a source file: path relative to the project root, 1-based line and column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    name: str
    version: str
    title: str | None = None
    instructions: str | None = None
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class CachePolicy:
    name: str
    ttl: float  # seconds
    max_entries: int
    span: Span
    shared: bool = False  # one entry for every principal (default: one per principal)


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimit:
    """`rate_limit`: a token bucket per caller (client, tool or operation)."""

    calls_per_minute: float
    burst: int
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthToken:
    """A static bearer token of a client's `auth.tokens`: where it is read, never its value."""

    name: str
    env: str | None
    file: str | None
    scopes: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class JwtAuth:
    issuer: str
    audience: str  # the server's resource URL
    jwks_url: str
    scopes: tuple[str, ...]  # every token must carry these
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Auth:
    """A client's `auth:`: who may call its build over HTTP."""

    tokens: tuple[AuthToken, ...]
    jwt: JwtAuth | None
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerPolicy:
    name: str
    failure_threshold: int
    reset_timeout: float  # seconds
    half_open_max_calls: int
    count: tuple[str, ...] | None = None  # exception class names that count; None: the default
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Defaults:
    timeout: float = 30.0  # seconds, per call
    breaker: str | None = None  # a breaker policy name
    max_concurrency: int = 32  # concurrent calls in total
    tool_max_concurrency: int | None = None  # per tool; None means "same as max_concurrency"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    name: str  # the wire name: the JSON property, any string
    schema: JsonSchema
    required: bool
    span: Span
    # the model field and the handler's keyword argument; None: derived (`param_py_name`)
    py_name: PyIdent | None = None
    # omitted by the caller, the handler gets MISSING (optional, no default, schema allows null)
    missing: bool = False

    @property
    def ident(self) -> PyIdent:
        return self.py_name or to_py_ident(param_py_name(self.name))


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyName:
    name: str
    rename: tuple[tuple[str, str], ...] = ()  # (old_arg, new_arg) in declaration order
    sunset: str | None = None  # ISO date
    fixed: tuple[tuple[str, JsonValue], ...] = ()  # `set`: (param, value) the name implies
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Upstream:
    """An MCP server the catalog forwards to (`upstreams.<name>`): stdio or Streamable HTTP.

    Strings keep their `${NAME}` environment references; the runtime resolves them."""

    name: str
    command: str | None = None  # stdio
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    cwd: str | None = None
    url: str | None = None  # Streamable HTTP
    headers: tuple[tuple[str, str], ...] = ()
    max_concurrency: int = 8
    connect_timeout: float = 10.0
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Forward:
    """An operation served by a tool of an upstream (`upstream`, `tool`, `set`)."""

    upstream: str
    tool: str  # the upstream tool's original name
    fixed: tuple[tuple[str, JsonValue], ...] = ()  # `set`: merged into every forwarded call
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    name: str  # "add"; for a plain tool, the tool's own name
    tool: str  # owning tool's name
    description: str | None
    params: tuple[Param, ...]
    returns: JsonSchema | None
    effect: Effect
    idempotent: bool
    cache: str | None  # cache policy name (read operations only)
    invalidates: tuple[str, ...]  # operation names of the same tool
    # other tools' operations a successful call drops: (tool, operations) in declaration order
    invalidates_tools: tuple[tuple[str, tuple[str, ...]], ...] = ()
    breaker: str | None  # breaker policy name, defaults applied in lower
    timeout: float  # seconds, defaults applied in lower
    max_concurrency: int | None
    legacy: tuple[LegacyName, ...]
    handler_module: str  # "handlers.bmad.tasks"
    handler_function: PyIdent  # "add"
    handler_is_async: bool  # found by inspecting the handler in validation
    handler_takes_context: bool  # the handler has a `ctx` parameter
    py_name: PyIdent  # dispatch function name, e.g. "add"
    input_model: PyIdent  # "BmadTaskAddInput"
    output_model: PyIdent | None  # "BmadTaskAddOutput" when `returns` is declared
    span: Span
    additional_params: bool = False  # `additional_params: allow`: undeclared arguments pass
    title: str | None = None  # titles a listed legacy alias or a one-operation split tool
    open_world: bool | None = None  # openWorldHint; None: not declared (MCP's default is true)
    forward: Forward | None = None  # set: an upstream tool serves it (no handler)
    scopes: tuple[str, ...] = ()  # the operation's and its tool's `scopes`, declaration order
    rate_limit: RateLimit | None = None  # the operation's own bucket
    examples: tuple[JsonValue, ...] = ()  # `examples`: argument objects (docs; never listed)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.required)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchPolicy:
    """`batch`: the tool answers operation "batch", running up to `max_items` of its operations."""

    max_items: int
    writes: BatchWrites  # "ordered": writes run in item order; "refuse": only reads may be batched
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Tool:
    name: str  # MCP name as declared, e.g. "code.search_functions"
    kind: ToolKind
    title: str | None
    description: str | None
    tags: tuple[str, ...]
    operations: tuple[Operation, ...]  # a plain tool has exactly one
    module: PyIdent  # generated module name: "code_search_functions"
    span: Span
    max_concurrency: int | None = None  # calls in flight for this tool; lower fills in defaults
    icons: tuple[JsonValue, ...] = ()  # MCP `icons`, verbatim
    meta: JsonValue = None  # MCP `_meta`, verbatim (e.g. MCP Apps' `ui` keys); None: omitted
    aliases: tuple[LegacyName, ...] = ()  # old names of the whole tool (no argument renames)
    rate_limit: RateLimit | None = None  # one bucket for all its operations
    batch: BatchPolicy | None = None  # master tools only; None: no "batch" operation


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaDef:
    """A named schema under `defs`; params, returns and defs use it as {"$ref": "#/$defs/NAME"}."""

    name: str
    schema: JsonSchema
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class AllowedBreak:
    """An `allow_breaking` entry: a breaking change (rule ID + subject) this release intends."""

    rule: str
    name: str
    reason: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    server: Server
    cache_policies: tuple[CachePolicy, ...]
    breaker_policies: tuple[BreakerPolicy, ...]
    defaults: Defaults
    tools: tuple[Tool, ...]
    defs: tuple[SchemaDef, ...] = ()  # declaration order
    source_hash: str = ""  # sha256 of the raw inputs, for the manifest
    allow_breaking: tuple[AllowedBreak, ...] = ()  # intended breaking changes, declaration order
    upstreams: tuple[Upstream, ...] = ()  # declaration order

    def tool(self, name: str) -> Tool | None:
        return next((t for t in self.tools if t.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamRule:
    """A client's rule for the parameter keys it sees (`param_rule`)."""

    pattern: str | None = None
    max_length: int | None = None
    auto: bool = False  # `rename: auto`: derive a conforming key for each one that breaks it
    rename: tuple[tuple[str, str], ...] = ()  # explicit (wire key, client key)
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NameRule:
    max_length: int = 128  # including the prefix
    prefix: str = ""  # "{server}" expands to the server name, e.g. "mcp__{server}__"
    pattern: str = r"^[A-Za-z0-9._-]{1,128}$"  # applied to the tool name without prefix
    span: Span | None = None


def is_selected(
    tool: str,
    tags: tuple[str, ...],
    *,
    select_tools: tuple[str, ...] | None,
    select_tags: tuple[str, ...] | None,
    exclude_tools: tuple[str, ...] = (),
    exclude_tags: tuple[str, ...] = (),
) -> bool:
    """The selection rule: with no `select`, every tool; otherwise a tool named in
    `select.tools` or carrying a tag of `select.tags`; then minus `exclude` (names and tags)."""
    if select_tools is not None or select_tags is not None:
        named = tool in (select_tools or ())
        tagged = any(t in (select_tags or ()) for t in tags)
        if not (named or tagged):
            return False
    return tool not in exclude_tools and not any(t in exclude_tags for t in tags)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientProfile:
    name: str
    path: str  # "clients/mobile.yaml"
    max_tools: int | None
    select_tools: tuple[str, ...] | None  # None: every tool
    select_tags: tuple[str, ...] | None
    exclude_tools: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    legacy: LegacyMode = "accept"
    dialect: Dialect = "flat"
    describe: Describe = "compact"  # operation guidance in a flat master tool's description
    strict_schema: bool = False  # additionalProperties: false on every listed input object
    output_schema: bool = True  # list outputSchema (the runtime checks results either way)
    name_rule: NameRule = field(default_factory=NameRule)
    rename: tuple[tuple[str, str], ...] = ()  # (declared tool name, client-visible name)
    max_list_bytes: int | None = None
    max_list_tokens: int | None = None
    param_rule: ParamRule | None = None
    # operation selection: ("tool", "operation") pairs; None: no `select.operations`
    select_operations: tuple[tuple[str, str], ...] | None = None
    exclude_operations: tuple[tuple[str, str], ...] = ()
    read_only: bool = False  # only `read` operations
    split: Split = "none"  # "effect": a master tool mixing effects lists as <tool>_read/_write
    instructions: str | None = None  # replaces or extends server.instructions for this client
    instructions_mode: InstructionsMode = "replace"
    # shared state (runtime/state): ("url", URL with ${VAR} references) or ("url_env", NAME)
    state: tuple[str, str] | None = None
    auth: Auth | None = None  # `auth:`; None: the build declares no authentication
    rate_limit: RateLimit | None = None  # one bucket per caller for every call
    batch: bool = True  # `batch: false`: this client's tools answer no "batch" operation
    span: Span  # the `client` key's value
    max_tools_span: Span | None = None
    max_list_bytes_span: Span | None = None
    max_list_tokens_span: Span | None = None

    def selects(self, tool: Tool) -> bool:
        """Whether this client's `select` / `exclude` expose `tool` (see `is_selected`)."""
        by_operation = self.select_operations is not None
        return is_selected(
            tool.name,
            tool.tags,
            select_tools=() if by_operation and self.select_tools is None else self.select_tools,
            select_tags=self.select_tags,
            exclude_tools=self.exclude_tools,
            exclude_tags=self.exclude_tags,
        )

    def operations(self, tool: Tool) -> tuple[Operation, ...]:
        """The operations of `tool` this client sees, declaration order; () when none.

        A tool named in `select.tools` or tagged by `select.tags` (or every tool, without a
        `select`) brings all its operations; otherwise only those in `select.operations`. Then
        `exclude` drops tools, tags and operations, and `read_only` keeps only reads.
        """
        whole = self.selects(tool)
        if tool.name in self.exclude_tools or any(t in self.exclude_tags for t in tool.tags):
            return ()
        picked = set(self.select_operations or ())
        out = tuple(
            op
            for op in tool.operations
            if (whole or (tool.name, op.name) in picked)
            and (tool.name, op.name) not in self.exclude_operations
            and (op.effect == "read" or not self.read_only)
        )
        return out

    def server_instructions(self, declared: str | None) -> str | None:
        """`server.instructions` as this client gets them (`instructions` replace or append)."""
        if self.instructions is None:
            return declared
        if self.instructions_mode == "append" and declared:
            return declared + "\n\n" + self.instructions
        return self.instructions


@dataclass(frozen=True, slots=True, kw_only=True)
class ExposedTool:
    """One entry of a client's tools/list."""

    name: str  # client-visible name (after `rename`)
    tool: str  # declared tool name
    operation: str | None  # set for a listed legacy alias: the operation it stands for
    legacy: LegacyName | None  # set for a listed legacy alias
    definition: JsonValue  # the exact tools/list entry (name, title, description, inputSchema, ...)
    # `param_rule` renames: (key this client sends, key the entry declares), declaration order
    param_keys: tuple[tuple[str, str], ...] = ()
    operations: tuple[str, ...] = ()  # a split tool's operations; (): every operation it has


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientBuild:
    profile: ClientProfile
    tools: tuple[Tool, ...]  # selected tools, declaration order
    exposed: tuple[ExposedTool, ...]  # what tools/list shows, in order
    count: int  # what counts toward max_tools
    list_bytes: int  # bytes of the compact tools/list JSON payload
    list_tokens: int = 0  # estimated tokens of that payload (generator/tokens.py)
