"""Hand-built IR for the back-end tests (STYLE: later stages build IR by hand, no YAML)."""

from __future__ import annotations

from typing import Any

from toolc.generator.ir import (
    BreakerPolicy,
    CachePolicy,
    Catalog,
    ClientProfile,
    Defaults,
    LegacyName,
    NameRule,
    Operation,
    Param,
    Server,
    Span,
    Tool,
    class_ident,
    module_ident,
    to_py_ident,
)


def span(line: int = 1, col: int = 1, path: str = "tools.yaml") -> Span:
    return Span(path, line, col)


def param(name: str, schema: dict[str, Any] | None = None, required: bool = False) -> Param:
    return Param(name=name, schema=schema or {"type": "string"}, required=required, span=span())


def op(
    tool: str,
    name: str,
    params: tuple[Param, ...] = (),
    *,
    returns: dict[str, Any] | None = None,
    effect: str = "read",
    idempotent: bool = True,
    description: str | None = None,
    legacy: tuple[LegacyName, ...] = (),
    handler_module: str = "tests.golden_handlers.sample",
    is_async: bool = False,
    ctx: bool = False,
    cache: str | None = None,
    invalidates: tuple[str, ...] = (),
    plain: bool = False,
) -> Operation:
    parts = (tool,) if plain else (tool, name)
    return Operation(
        name=name,
        tool=tool,
        description=description,
        params=params,
        returns=returns,
        effect=effect,  # type: ignore[arg-type]
        idempotent=idempotent,
        cache=cache,
        invalidates=invalidates,
        breaker="standard",
        timeout=30.0,
        max_concurrency=None,
        legacy=legacy,
        handler_module=handler_module,
        handler_function=to_py_ident(module_ident(name)),
        handler_is_async=is_async,
        handler_takes_context=ctx,
        py_name=to_py_ident(module_ident(name)),
        input_model=class_ident(*parts, "Input"),
        output_model=class_ident(*parts, "Output") if returns is not None else None,
        span=span(),
    )


def master(name: str, *ops: Operation, tags: tuple[str, ...] = (), line: int = 1) -> Tool:
    return Tool(
        name=name,
        kind="master",
        title=None,
        description=f"The {name} tool.",
        tags=tags,
        operations=ops,
        module=module_ident(name),
        span=span(line),
    )


def plain(name: str, operation: Operation, tags: tuple[str, ...] = (), line: int = 1) -> Tool:
    return Tool(
        name=name,
        kind="plain",
        title=name.title(),
        description=f"The {name} tool.",
        tags=tags,
        operations=(operation,),
        module=module_ident(name),
        span=span(line),
    )


def catalog(*tools: Tool) -> Catalog:
    return Catalog(
        server=Server(name="demo", version="1.0.0", span=span()),
        cache_policies=(CachePolicy(name="short", ttl=60, max_entries=100, span=span()),),
        breaker_policies=(
            BreakerPolicy(
                name="standard",
                failure_threshold=5,
                reset_timeout=30,
                half_open_max_calls=1,
                span=span(),
            ),
        ),
        defaults=Defaults(timeout=30.0, breaker="standard", max_concurrency=8),
        tools=tools,
    )


def profile(name: str = "cursor", **kw: Any) -> ClientProfile:
    kw.setdefault("max_tools", 50)
    kw.setdefault("select_tools", None)
    kw.setdefault("select_tags", None)
    kw.setdefault("name_rule", NameRule())
    return ClientProfile(
        name=name,
        path=f"clients/{name}.yaml",
        span=span(2, 9, f"clients/{name}.yaml"),
        max_tools_span=span(3, 12, f"clients/{name}.yaml"),
        **kw,
    )


def task_tool() -> Tool:
    t = "bmad_task"
    return master(
        t,
        op(
            t,
            "add",
            (
                param("title", {"type": "string", "minLength": 1}, True),
                param(
                    "priority",
                    {"type": "string", "enum": ["low", "normal", "high"], "default": "normal"},
                ),
            ),
            returns={
                "type": "object",
                "properties": {"task_id": {"type": "string"}},
                "required": ["task_id"],
            },
            effect="write",
            idempotent=False,
            description="Add a task.",
            legacy=(LegacyName(name="task_add", span=span(9)),),
            is_async=True,
        ),
        op(
            t,
            "get",
            (param("task_id", required=True),),
            description="Get a task.",
            legacy=(
                LegacyName(
                    name="get_task", rename=(("id", "task_id"),), sunset="2027-06-30", span=span(12)
                ),
            ),
            ctx=True,
        ),
        tags=("core",),
    )
