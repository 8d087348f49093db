"""Stage 2, validate: the config language's JSON Schema, then the semantic rules.

Schema errors are translated into readable diagnostics positioned through each document's
`SourceMap`; semantic rules (`rules.py`) run only on documents that passed the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from . import rules
from .diagnostics import Diagnostic, did_you_mean, error, excerpt, normalize
from .source import Document, KeyPath, Sources

_SCHEMAS = Path(__file__).parent / "schemas"
_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "empty",
}


@cache
def schema_validator(name: str) -> Draft202012Validator:
    """The validator of `tools` or `client` documents."""
    schema = json.loads((_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def validate(sources: Sources) -> tuple[Diagnostic, ...]:
    """Every problem in the loaded documents: schema errors first, then semantic rules."""
    found: list[Diagnostic] = []
    catalog: Document | None = None
    if sources.catalog is not None:
        problems = check_schema(sources.catalog, "tools")
        found.extend(problems)
        catalog = None if problems else sources.catalog
    clients: list[Document] = []
    for document in sources.clients:
        problems = check_schema(document, "client")
        found.extend(problems)
        if not problems:
            clients.append(document)
    found.extend(rules.run(sources.root, catalog, tuple(clients)))
    return normalize(found)


def check_schema(document: Document, name: str) -> tuple[Diagnostic, ...]:
    """Validate one document against the `tools` or `client` schema."""
    data = document.data
    smap = document.source_map
    if data is None:
        return (error(smap.span(()), "E005", "the file is empty", 'start it with "version: 1"'),)
    if not isinstance(data, dict):
        return (
            error(
                smap.span(()),
                "E003",
                f"the file is {_kind(data, quote=False)}, not a mapping",
                'write it as a mapping that starts with "version: 1"',
            ),
        )
    version = data.get("version")
    if "version" in data and (version != 1 or isinstance(version, bool)):
        return (
            error(
                smap.span(("version",)),
                "E005",
                f"version {_show(version)} is not supported",
                'set "version: 1"',
            ),
        )
    out: list[Diagnostic] = []
    for err in schema_validator(name).iter_errors(data):
        out.extend(_translate(document, err))
    return tuple(out)


def _translate(document: Document, err: ValidationError) -> Iterator[Diagnostic]:
    smap = document.source_map
    path: KeyPath = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    fix_hint = schema.get("x-fix")
    subject = describe(path)
    value = err.instance
    kind = err.validator
    if kind == "required":
        arg: Any = err.validator_value
        for key in arg:
            if isinstance(value, dict) and key not in value:
                if path == () and key == "version":
                    yield error(
                        smap.span(()),
                        "E005",
                        'the file has no "version"',
                        'add "version: 1" as the first line',
                    )
                elif "else" in err.schema_path:
                    yield error(
                        smap.key_span(path),
                        "E003",
                        f'{subject} has no "{key}"',
                        f'add "{key}", or "operations" to make it a master tool',
                    )
                else:
                    yield error(
                        smap.key_span(path), "E003", f'{subject} has no "{key}"', f'add "{key}"'
                    )
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in value if isinstance(value, dict) else ():
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed)
            fix = (
                f'did you mean "{hint}"'
                if hint
                else "remove it; allowed keys are " + ", ".join(f'"{k}"' for k in allowed)
            )
            where = f"in {subject}" if path else "at the top level"
            yield error(
                smap.key_span((*path, key)), "E004", f"unknown key {_show(key)} {where}", fix
            )
    elif kind == "not":
        owner = describe(path[:-1])
        yield error(
            smap.key_span(path),
            "E004",
            f'key "{path[-1]}" is not allowed on master {owner}',
            fix_hint or "remove it",
        )
    elif kind in ("anyOf", "oneOf"):
        yield from _alternatives(document, err)
    elif "propertyNames" in err.schema_path and isinstance(value, str):
        yield error(
            smap.key_span((*path, value)),
            "E003",
            f"the name {_show(value)} in {subject} is not allowed",
            fix_hint or "rename it",
        )
    elif path[:1] == ("version",):
        yield error(
            smap.span(path), "E005", f"version {_show(value)} is not supported", 'set "version: 1"'
        )
    else:
        what, fix = _value_problem(err, subject)
        yield error(smap.span(path), "E003", what, fix_hint or fix)


def _alternatives(document: Document, err: ValidationError) -> Iterator[Diagnostic]:
    """For anyOf/oneOf, report the errors of the one branch whose type fits, if there is one."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in err.context or ():
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    fitting = [
        subs
        for subs in branches.values()
        if not any(s.validator == "type" and not s.relative_path for s in subs)
    ]
    if len(fitting) == 1:
        for sub in fitting[0]:
            yield from _translate(document, sub)
        return
    path: KeyPath = tuple(err.absolute_path)
    branches_schema: Any = err.validator_value
    options = [str(b.get("type")) for b in branches_schema if isinstance(b, dict) and "type" in b]
    expected = " or ".join(_TYPE_NAMES.get(t, t) for t in options)
    yield error(
        document.source_map.span(path),
        "E003",
        f"{describe(path)} is {_kind(err.instance)}, expected {expected or 'another form'}",
        "write one of the allowed forms",
    )


def _value_problem(err: ValidationError, subject: str) -> tuple[str, str]:
    value = err.instance
    arg: Any = err.validator_value
    kind = err.validator
    if kind == "type":
        types: list[str] = [str(t) for t in (arg if isinstance(arg, list) else [arg])]
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        if "string" in types and isinstance(value, int | float | bool):
            return f"{subject} is {_kind(value)}, expected {expected}", "quote the value"
        return f"{subject} is {_kind(value)}, expected {expected}", f"write {expected}"
    if kind == "enum":
        options = ", ".join(_show(v) for v in arg)
        hint = did_you_mean(str(value), [str(v) for v in arg])
        fix = f'did you mean "{hint}"' if hint else f"use one of {options}"
        return f"{subject} is {_show(value)}, which is not one of {options}", fix
    if kind == "pattern":
        return f"{subject} {_show(value)} does not have the expected form", f"match {arg}"
    if kind in ("minimum", "exclusiveMinimum"):
        bound = "at least" if kind == "minimum" else "greater than"
        return f"{subject} is {_show(value)}, must be {bound} {arg}", "use a larger value"
    if kind in ("minLength", "minProperties", "minItems"):
        return f"{subject} is empty", "give it at least one entry"
    if kind == "uniqueItems":
        return f"{subject} lists the same value twice", "remove the duplicate"
    if kind == "const":
        return f"{subject} is {_show(value)}, expected {_show(arg)}", f"set it to {_show(arg)}"
    message = " ".join(err.message.split())
    return f"{subject} is invalid ({message})", "see the key's description in the schema"


def describe(path: KeyPath) -> str:
    """The value at `path` in domain words: 'parameter "q" of operation "add" of tool "t"'."""
    if not path:
        return "the file"
    path = tuple(p if isinstance(p, int) else excerpt(p) for p in path)  # keys are input too
    entity = _entity(path)
    if entity is not None:
        return entity
    owner = _owner(path[:-1])
    last = path[-1]
    if isinstance(last, int):
        return f"item {last + 1} of {describe(path[:-1])}"
    if len(path) >= 2 and isinstance(path[-2], int):
        return f'"{last}" of {describe(path[:-1])}'
    if len(path) >= 2 and path[-2] == "params":
        head = f'parameter "{last}"'
        return f"{head} of {owner}" if owner else head
    return f'"{last}" of {owner}' if owner else f'"{last}"'


def _entity(path: KeyPath) -> str | None:
    if len(path) == 2 and path[0] == "tools":
        return f'tool "{path[1]}"'
    if len(path) == 4 and path[0] == "tools" and path[2] == "operations":
        return f'operation "{path[3]}" of tool "{path[1]}"'
    if len(path) == 3 and path[0] == "policies":
        return f'{path[1]} policy "{path[2]}"'
    return None


def _owner(path: KeyPath) -> str | None:
    for end in range(len(path), 0, -1):
        entity = _entity(path[:end])
        if entity is not None:
            return entity
    return f'"{path[0]}"' if path else None


def _kind(value: Any, *, quote: bool = True) -> str:
    """What `value` is; with `quote`, a short excerpt of a scalar's value too."""
    if value is None:
        return "empty"
    names = ((bool, "the boolean", "a boolean"), (int | float, "the number", "a number"))
    for kind, the, a in (*names, (str, "the string", "a string")):
        if isinstance(value, kind):
            return f"{the} {_show(value)}" if quote else a
    return "a list" if isinstance(value, list) else "a mapping"


def _show(value: Any) -> str:
    """A value as quoted in a message: a short excerpt, never the whole input."""
    if isinstance(value, str):
        return f'"{excerpt(value)}"'
    return excerpt(json.dumps(value, ensure_ascii=False, sort_keys=True), 60)
