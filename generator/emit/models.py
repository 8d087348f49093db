"""generated/models/<tool_module>.py through ONE datamodel-code-generator run.

How the split works: every model goes into one JSON Schema document as `$defs` entries named
`<tool_module>.<ClassName>`, and `treat_dot_as_module=True` makes datamodel-code-generator
return one module per tool (in memory, a dict keyed by module path). Nested object schemas
(properties, items, anyOf branches, ...) are hoisted into `$defs` of the same module under a
name scoped by their parent (`BmadTaskAddInputFilter`, `BmadTaskAddInputItemsItem`), so helper
classes land next to the model that uses them, never collide across tools, and keep their names
when other operations change. A check after the run proves every Input/Output class exists in
its module and every parameter is a field of its Input class under its own name.

The copy fed to the generator drops annotations (`description`, `title`, `examples`, ...):
models only validate; the descriptions reach clients through tools_list.json.

Values arrive as sent: every `"type": "number"` becomes `["integer", "number"]` in that copy, so
the field is `int | float` and a `42` on the wire reaches the handler as `int` (`42.0` as float).
Each Input field is named by its parameter's Python name (`Param.ident`) and keeps the wire
name as its alias, through scoped datamodel-code-generator aliases (`<module>.<Class>.<wire>`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from importlib.metadata import version
from typing import Any

from ..ir import Catalog, JsonSchema, JsonValue, Tool, class_ident
from ..schema_refs import DEFS_PREFIX, reachable
from . import GENERATED, HEADER, OutputFile

# Bump when anything below changes the generated models for the same input.
EMITTER_VERSION = 2

_DROP = frozenset(
    {"description", "title", "examples", "$comment", "deprecated", "readOnly", "writeOnly"}
)
_MAPS = {"patternProperties": "Value", "dependentSchemas": "Dep"}
_LISTS = {"anyOf": "Option", "oneOf": "Option", "allOf": "Part", "prefixItems": "Item"}
_SINGLE = {
    "items": "Item",
    "additionalProperties": "Value",
    "unevaluatedProperties": "Value",
    "additionalItems": "Item",
    "unevaluatedItems": "Item",
    "contains": "Item",
    "propertyNames": "Name",
    "not": "Not",
    "if": "If",
    "then": "Then",
    "else": "Else",
}
_MISSING = object()

# datamodel-code-generator settings (besides the enums set in `_run_generator`); part of the key.
OPTIONS: dict[str, Any] = {
    "input_filename": "tools.json",  # fixed: it would otherwise show in headers
    "disable_timestamp": True,
    "custom_file_header": HEADER,
    "field_constraints": True,  # minLength etc. stay Field(...) constraints
    "use_standard_collections": True,
    "use_union_operator": True,
    "strict_nullable": True,  # a parameter with a schema default is never None
    "use_type_alias": True,  # constrained items become Annotated aliases, not RootModel wrappers
    "treat_dot_as_module": True,  # "$defs" key "<module>.<Class>" -> generated/models/<module>.py
    "builtin_format_line_length": 100,
}


def _camel(text: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    return "".join(w[:1].upper() + w[1:] for w in words) or "Prop"


def _with_integer(value: JsonValue) -> JsonValue:
    """`type` with "integer" before every "number": integers on the wire stay `int`."""
    if value == "number":
        return ["integer", "number"]
    if isinstance(value, list) and "number" in value and "integer" not in value:
        at = value.index("number")
        return [*value[:at], "integer", *value[at:]]
    return value


def _bare(schema: dict[str, Any]) -> bool:
    """A schema the generator inlines as a plain type: `{}`, `{"type": ...}` or a `$ref`."""
    return set(schema) <= {"type"} or "$ref" in schema


class _Hoister:
    """Rewrites one tool's schemas; collects the `$defs` of its module."""

    def __init__(self, module: str, taken: set[str]) -> None:
        self.module = module
        self.taken = taken
        self.defs: dict[str, JsonSchema] = {}
        self.refs: dict[str, str] = {}  # "#/$defs/address" -> "#/$defs/<module>.<Class>"

    def name_def(self, name: str, cls: str) -> str:
        """Reserve the class of catalog def `name`; refs to it point there from now on."""
        fresh = self._fresh(cls)
        self.refs[DEFS_PREFIX + name] = f"#/$defs/{self.module}.{fresh}"
        return fresh

    def _fresh(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.taken:
            candidate, n = f"{name}{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def walk(
        self, schema: JsonValue, name: str, *, top: bool = False, nested: bool = False
    ) -> JsonValue:
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROP:
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {k: self.walk(v, name + _camel(k)) for k, v in value.items()}
            elif key in _MAPS and isinstance(value, dict):
                suffix = _MAPS[key]
                out[key] = {k: self.walk(v, name + suffix, nested=True) for k, v in value.items()}
            elif key in _LISTS and isinstance(value, list):
                label = _LISTS[key]
                out[key] = [
                    self.walk(v, f"{name}{label}{i}", nested=True) for i, v in enumerate(value)
                ]
            elif key in _SINGLE:
                out[key] = self.walk(value, name + _SINGLE[key], nested=True)
            elif key == "$ref" and isinstance(value, str):
                out[key] = self.refs.get(value, value)
            elif key == "type":
                out[key] = _with_integer(value)
            else:
                out[key] = value
        is_class = isinstance(out.get("properties"), dict)
        if top:
            if out.get("type") == "object" and not is_class:
                out["properties"] = {}  # a class, never a type alias: the runtime validates with it
            return out
        # Hoist what the generator turns into a named class or type alias, so that its name is
        # scoped by its parent: objects with properties anywhere, and any schema beyond a bare
        # type inside items / anyOf / additionalProperties / ... (constrained strings, enums).
        if not is_class and not (nested and not _bare(out)):
            return out
        default = out.pop("default", _MISSING)
        if is_class:
            out.setdefault("additionalProperties", True)  # JSON Schema's default: extra keys pass
        cls = self._fresh(name)
        self.defs[f"{self.module}.{cls}"] = out
        ref: dict[str, Any] = {"$ref": f"#/$defs/{self.module}.{cls}"}
        if default is not _MISSING:
            ref["default"] = default
        return ref


def _tool_defs(tool: Tool, shared: dict[str, JsonSchema]) -> dict[str, JsonSchema]:
    taken: set[str] = {op.input_model for op in tool.operations}
    taken |= {op.output_model for op in tool.operations if op.output_model}
    hoister = _Hoister(tool.module, taken)
    defs: dict[str, JsonSchema] = {}
    # The catalog defs this tool reaches become classes (or aliases) of its own module, named
    # after the tool like every other class there: "address" of bmad_task -> BmadTaskAddress.
    roots: list[JsonValue] = [p.schema for op in tool.operations for p in op.params]
    roots += [op.returns for op in tool.operations if op.returns is not None]
    used = reachable(roots, shared)
    classes = {name: hoister.name_def(name, class_ident(tool.name, name)) for name in used}
    for name, cls in classes.items():
        out = hoister.walk(shared[name], cls, top=True)
        if isinstance(out, dict) and isinstance(out.get("properties"), dict):
            out.setdefault("additionalProperties", True)  # JSON Schema's default: extra keys pass
        defs[f"{tool.module}.{cls}"] = out
    for op in tool.operations:
        props = {p.name: hoister.walk(p.schema, op.input_model + _camel(p.name)) for p in op.params}
        model: JsonSchema = {"type": "object", "properties": props}
        if op.required:
            model["required"] = list(op.required)
        model["additionalProperties"] = op.additional_params
        defs[f"{tool.module}.{op.input_model}"] = model
        if op.output_model is not None and op.returns is not None:
            out = hoister.walk(op.returns, op.output_model, top=True)
            defs[f"{tool.module}.{op.output_model}"] = out
    defs.update(hoister.defs)
    return defs


def field_aliases(catalog: Catalog) -> dict[str, str]:
    """Scoped aliases: "<module>.<InputClass>.<wire name>" -> Python name, where they differ."""
    return {
        f"{tool.module}.{op.input_model}.{p.name}": p.ident
        for tool in catalog.tools
        for op in tool.operations
        for p in op.params
        if p.ident != p.name
    }


def models_document(catalog: Catalog) -> JsonSchema:
    """The one JSON Schema document datamodel-code-generator reads."""
    shared = {d.name: d.schema for d in catalog.defs}
    defs: dict[str, JsonSchema] = {}
    for tool in catalog.tools:
        defs.update(_tool_defs(tool, shared))
    return {"$defs": defs}


def models_key(catalog: Catalog, format_settings: str) -> str:
    """Hash of everything that feeds the model files (input, tool versions, settings)."""
    feed = {
        "emitter": EMITTER_VERSION,
        "datamodel-code-generator": version("datamodel-code-generator"),
        "pydantic": version("pydantic"),
        "format": format_settings,
        "options": sorted(OPTIONS.items()),
        "enums": ["jsonschema", "pydantic_v2.BaseModel", "3.11", "all", "no formatters"],
        "document": models_document(catalog),
        "aliases": field_aliases(catalog),
    }
    return hashlib.sha256(json.dumps(feed, sort_keys=True).encode()).hexdigest()


def model_paths(catalog: Catalog) -> tuple[str, ...]:
    return tuple(f"{GENERATED}/models/{t.module}.py" for t in catalog.tools)


def _run_generator(document: JsonSchema, aliases: dict[str, str]) -> dict[tuple[str, ...], str]:
    from datamodel_code_generator import generate
    from datamodel_code_generator._shared_types import LiteralType
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import PythonVersion

    result = generate(
        json.dumps(document, sort_keys=False),
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        enum_field_as_literal=LiteralType.All,
        formatters=[],
        aliases=aliases,
        **OPTIONS,
    )
    if not isinstance(result, dict):
        raise RuntimeError("datamodel-code-generator returned one module; expected one per tool")
    return {tuple(k): v for k, v in result.items()}


def _check_module(tool: Tool, text: str) -> None:
    classes = {node.name: node for node in ast.parse(text).body if isinstance(node, ast.ClassDef)}
    for op in tool.operations:
        for cls in (op.input_model, op.output_model):
            if cls is not None and cls not in classes:
                raise RuntimeError(f"model {cls} missing from generated/models/{tool.module}.py")
        fields = {
            stmt.target.id
            for stmt in classes[op.input_model].body
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
        }
        for p in op.params:
            if p.ident not in fields:
                raise RuntimeError(
                    f"datamodel-code-generator named field {p.name!r} of {op.input_model} "
                    f"otherwise than {p.ident!r}"
                )


def emit_models(catalog: Catalog) -> tuple[OutputFile, ...]:
    if not catalog.tools:
        return ()
    modules = _run_generator(models_document(catalog), field_aliases(catalog))
    files: list[OutputFile] = []
    for tool in catalog.tools:
        text = modules.get((f"{tool.module}.py",))
        if text is None:
            raise RuntimeError(f"no model module for tool {tool.name!r}: got {sorted(modules)}")
        if not text.startswith(HEADER + "\n"):
            raise RuntimeError(f"unexpected header in models for {tool.name!r}")
        _check_module(tool, text)
        files.append(OutputFile(path=f"{GENERATED}/models/{tool.module}.py", text=text))
    return tuple(files)
