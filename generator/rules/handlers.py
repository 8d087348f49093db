"""Handler rules (E040-E043): the functions the YAML points at are the project's own (or declared
external), exist, and take its parameters."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from ..diagnostics import Diagnostic, did_you_mean, error
from ..ir import py_name_problem
from ..lower import (
    HandlerRef,
    OpEntry,
    ToolEntry,
    handler_ref,
    signature,
    usable_function_name,
)
from .context import Context, op_label
from .wire import param_py_names


def _handlers(ctx: Context) -> Iterator[tuple[ToolEntry, OpEntry, HandlerRef | None]]:
    for tool, op in ctx.ops():
        yield tool, op, handler_ref(tool, op)


def handler_modules_import(ctx: Context) -> Iterator[Diagnostic]:
    for tool, op, ref in _handlers(ctx):
        if ref is None:
            yield error(
                ctx.key_at(op.path),
                "E040",
                f"{op_label(op)} has no handler",
                f'add "handler" to tool "{tool.name}" or to the operation',
            )
            continue
        module = ctx.imports.module(ref.module)
        if isinstance(module, str) and ctx.imports.outside(ref.module) is None:
            yield error(
                ctx.at(ref.path),
                "E040",
                f'handler module "{ref.module}" cannot be imported ({module})',
                "check the module path and its imports",
            )


def handler_modules_local(ctx: Context) -> Iterator[Diagnostic]:
    for _, _, ref in _handlers(ctx):
        foreign = ctx.imports.outside(ref.module) if ref is not None else None
        if ref is None or foreign is None:
            continue
        level, where = foreign
        lies = f'its parent "{level}" is {where}' if level != ref.module else f"it is {where}"
        yield error(
            ctx.at(ref.path),
            "E043",
            f'handler module "{ref.module}" lies outside the project root ({lies}), and '
            "checking it would run its code",
            f'move the handler into the project, or, if you trust it, add "{ref.module}" to '
            '"external_handlers"',
        )


def suggest_function(function: str, operation: str, unused: list[str]) -> str | None:
    """The unused function most like the missing one: first one whose name holds the wanted
    name or the operation's as a word (`read` -> `read_issue`), else the closest spelling."""
    for word in dict.fromkeys((function, operation)):
        holding = [n for n in unused if word in n.split("_") or n.startswith(word)]
        if holding:
            return min(holding, key=lambda n: (len(n), n))
    return did_you_mean(function, unused) or did_you_mean(operation, unused)


def handler_functions_exist(ctx: Context) -> Iterator[Diagnostic]:
    used = {
        (ref.module, ref.function)
        for _, _, ref in _handlers(ctx)
        if ref is not None and ctx.imports.function(ref) is not None
    }
    for _, op, ref in _handlers(ctx):
        if ref is None or isinstance(ctx.imports.module(ref.module), str):
            continue
        span = ctx.key_at(op.path) if ref.derived and op.master else ctx.at(ref.path)
        if ref.derived and not usable_function_name(ref.function):
            yield error(
                span,
                "E041",
                f'{op_label(op)} names no handler function and "{op.name}" is not a Python '
                "function name",
                'add "handler: module:function" to the operation',
            )
            continue
        module = ctx.imports.module(ref.module)
        obj = ctx.imports.function(ref)
        if obj is None:
            names = [
                n
                for n in dir(module)
                if not n.startswith("_")
                and inspect.isfunction(getattr(module, n, None))
                and (ref.module, n) not in used
            ]
            found = suggest_function(ref.function, op.name, names)
            yield error(
                span,
                "E041",
                f'module "{ref.module}" has no function "{ref.function}" for {op_label(op)}',
                f'did you mean "{found}"' if found else f'define "{ref.function}" there',
            )
        elif not callable(obj):
            yield error(
                span,
                "E041",
                f'"{ref.module}:{ref.function}" is not callable (it is {type(obj).__name__})',
                "point the handler at a function",
            )


def handler_signatures_fit(ctx: Context) -> Iterator[Diagnostic]:
    for tool, op, ref in _handlers(ctx):
        obj = ctx.imports.function(ref) if ref is not None else None
        sig = signature(obj) if callable(obj) else None
        if ref is None or sig is None:
            continue
        target = f'"{ref.module}:{ref.function}"'
        params = sig.parameters
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        keywords = {
            n
            for n, p in params.items()
            if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        }
        py_names = param_py_names(op.params)
        for name, py in py_names.items():
            if op.master and name == "operation":
                continue  # E026's
            if py not in keywords and not var_kw and py_name_problem(py) is None:
                called = f'"{py}"' + (f' (the Python name of "{name}")' if py != name else "")
                yield error(
                    ctx.key_at((*op.path, "params", name)),
                    "E042",
                    f'handler {target} does not accept parameter "{name}" of {op_label(op)}',
                    f"add a keyword parameter {called} or **kwargs to the handler",
                )
        extra = op.data.get("additional_params", tool.data.get("additional_params"))
        if extra == "allow" and not var_kw:
            yield error(
                ctx.at(ref.path),
                "E042",
                f"handler {target} has no **kwargs for the undeclared arguments {op_label(op)} "
                "accepts (additional_params: allow)",
                "add **kwargs to the handler",
            )
        for name, p in params.items():
            needed = p.default is inspect.Parameter.empty and p.kind not in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            )
            if needed and name not in py_names.values() and name != "ctx":
                yield error(
                    ctx.at(ref.path),
                    "E042",
                    f"handler {target} requires parameter "
                    f'"{name}", which {op_label(op)} does not pass',
                    f'declare "{name}" under "params" or give it a default',
                )
