"""Wire-name rules: Python names derived from wire names (E026), legacy `set` (E029), and the
well-formedness of client `param_rule`s (E003).

A parameter's name is whatever JSON property the callers send; the compiler derives the model
field and handler keyword from it (`ir.param_py_name`, or the param's own `py_name`). Only two
wire names that end up with the same Python name, an unusable `py_name`, and `operation` on a
master tool (the key that picks the operation) are errors.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from .. import ir
from ..diagnostics import Diagnostic, Note, error
from ..schema_refs import def_name, refs, with_defs
from ..source import Document
from .context import Context, hint, op_label
from .defs import catalog_defs


def param_py_names(op_params: dict[str, Any]) -> dict[str, str]:
    """Wire name -> Python name (the `py_name` override, else the derived one), in order."""
    out: dict[str, str] = {}
    for name, schema in op_params.items():
        override = schema.get("py_name") if isinstance(schema, dict) else None
        out[name] = override if isinstance(override, str) else ir.param_py_name(name)
    return out


def py_names_usable(ctx: Context) -> Iterator[Diagnostic]:
    for _, op in ctx.ops():
        first: dict[str, str] = {}
        for name, py in param_py_names(op.params).items():
            path = (*op.path, "params", name)
            override = op.params[name].get("py_name") if isinstance(op.params[name], dict) else None
            if override is not None:
                why = ir.py_name_problem(override) if isinstance(override, str) else "is no string"
                if why:
                    yield error(
                        ctx.at((*path, "py_name")),
                        "E026",
                        f'py_name "{override}" of parameter "{name}" of {op_label(op)} {why}',
                        'choose another py_name, or drop it to use "'
                        + ir.param_py_name(name)
                        + '"',
                    )
                    continue
            if op.master and name == "operation":
                yield error(
                    ctx.key_at(path),
                    "E026",
                    f'parameter "operation" of {op_label(op)} clashes with the argument that '
                    "picks the operation of a master tool",
                    'rename it and use a legacy "rename" if old callers send "operation"',
                )
                continue
            if py in first:
                other = first[py]
                yield error(
                    ctx.key_at(path),
                    "E026",
                    f'parameters "{other}" and "{name}" of {op_label(op)} both become the Python '
                    f'name "{py}"',
                    'give one of them its own "py_name"',
                    Note(ctx.key_at((*op.path, "params", other)), f'"{other}" is declared here.'),
                )
                continue
            first[py] = name


def _resolvable(schema: Any, defs: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(schema, dict) or any(def_name(r) not in defs for _, r in refs(schema)):
        return None
    return with_defs({k: v for k, v in schema.items() if k != "py_name"}, defs)


def legacy_sets_fit(ctx: Context) -> Iterator[Diagnostic]:
    defs = catalog_defs(ctx)
    for _, op in ctx.ops():
        for entry in op.legacy:
            renamed = {new for _, new in entry.rename}
            for name, value in entry.fixed:
                path = (*entry.path, "set", name)
                label = f'legacy name "{entry.name}"'
                if name not in op.params:
                    yield error(
                        ctx.key_at(path),
                        "E029",
                        f'{label} sets "{name}", which is not a parameter of {op_label(op)}',
                        hint(name, op.params, "set a declared parameter"),
                    )
                    continue
                if name in renamed:
                    yield error(
                        ctx.key_at(path),
                        "E029",
                        f'{label} both sets "{name}" and renames an old argument to it',
                        'drop one of "set" and "rename" for it',
                    )
                    continue
                schema = _resolvable(op.params[name], defs)
                if schema is None:
                    continue  # a broken $ref is E028's
                problem = next(iter(Draft202012Validator(schema).iter_errors(value)), None)
                if problem is not None:
                    yield error(
                        ctx.at(path),
                        "E029",
                        f'{label} sets "{name}" to a value its schema refuses '
                        f"({' '.join(problem.message.split())[:80]})",
                        "set a value the parameter accepts",
                    )


def pattern_error(doc: Document, section: str) -> Diagnostic | None:
    """E003 when the client's `section.pattern` (name_rule, param_rule) does not compile."""
    rule = doc.data.get(section) or {}
    if "pattern" not in rule:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(rule["pattern"])
    except re.error as exc:
        return error(
            doc.source_map.span((section, "pattern")),
            "E003",
            f"{section}.pattern is not a valid regular expression ({exc})",
            "correct the pattern",
        )
    return None


def param_rules_valid(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.clients:
        problem = pattern_error(doc, "param_rule")
        if problem is not None:
            yield problem
