"""Shared schemas over random def graphs (cycles included): what clients get is self-contained,
and the generated models accept exactly what the listed schema accepts."""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from tests.unit.ir_samples import catalog, master, op, param, profile, span
from toolc.generator.emit import emit
from toolc.generator.ir import Catalog, SchemaDef
from toolc.generator.resolve import resolve
from toolc.generator.schema_refs import def_name, refs, walk

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True)
PRIMITIVES = ("string", "integer", "boolean")


@st.composite
def def_graphs(draw: st.DrawFn) -> tuple[Catalog, dict[str, Any]]:
    """A catalog whose params use defs that use each other (any edge, self-loops included)."""
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique_by=str.lower))
    defs: dict[str, Any] = {}
    for name in names:
        props: dict[str, Any] = {}
        for i in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                props[f"f{i}"] = {"type": draw(st.sampled_from(PRIMITIVES))}
            else:
                props[f"f{i}"] = {"$ref": f"#/$defs/{draw(st.sampled_from(names))}"}
            if draw(st.booleans()):  # nullable, in the spelling portable() rewrites
                inner = props[f"f{i}"]
                props[f"f{i}"] = {"type": [inner["type"], "null"]} if "type" in inner else inner
        required = [k for k in props if draw(st.booleans())]
        defs[name] = {"type": "object", "properties": props, "required": required}
    used = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2))
    params = tuple(param(f"p{i}", {"$ref": f"#/$defs/{n}"}, True) for i, n in enumerate(used))
    tool = master("alpha", op("alpha", "one", params), op("alpha", "two"))
    shared = tuple(SchemaDef(name=n, schema=s, span=span()) for n, s in defs.items())
    cat = catalog(tool)
    return dataclasses.replace(cat, defs=shared), defs


def _instances(defs: dict[str, Any], name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values near the def's shape: right and wrong types, missing and null fields."""
    schema = defs[name]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for key, sub in schema["properties"].items():
        target = def_name(sub.get("$ref", ""))
        if target is not None and depth < 2:
            fields[key] = _instances(defs, target, depth + 1) | st.none()
        else:
            fields[key] = st.one_of(st.text(max_size=3), st.integers(), st.booleans(), st.none())
    return st.fixed_dictionaries({}, optional=fields)


def _absent_nulls(defs: dict[str, Any], name: str, value: Any) -> Any:
    """`value` as the models read it: an optional property sent as null counts as absent.

    That leniency is deliberate (docs/generated-build.md): a property that is neither required
    nor defaulted is `X | None = None`, since many clients send null for "not given"."""
    if not isinstance(value, dict):
        return value
    schema = defs[name]
    out = {}
    for key, item in value.items():
        if item is None and key not in schema["required"]:
            continue
        target = def_name(schema["properties"][key].get("$ref", ""))
        out[key] = _absent_nulls(defs, target, item) if target is not None else item
    return out


def _load_models(text: str) -> types.ModuleType:
    module = types.ModuleType("toolc_property_models")
    sys.modules[module.__name__] = module
    exec(compile(text, "models.py", "exec"), module.__dict__)
    return module


@SETTINGS
@given(def_graphs(), st.data())
def test_listed_schemas_are_self_contained_and_models_agree(
    case: tuple[Catalog, dict[str, Any]], data: st.DataObject
) -> None:
    cat, defs = case
    built, diags = resolve(cat, profile(dialect="flat"))
    assert built is not None and not [d for d in diags if d.code.startswith("E")]
    files = {f.path: f.text for f in emit(cat, (built,))}
    listed = json.loads(files["generated/clients/cursor/tools_list.json"])["tools"][0]
    schema = listed["inputSchema"]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    names = {def_name(ref) for _, ref in refs(schema)}
    assert names <= set(schema["$defs"])  # every ref resolves inside the listed schema
    assert not [n for _, n in walk(schema) if isinstance(n.get("type"), list)]  # portable()

    models = _load_models(files["generated/models/alpha.py"])
    model: type[BaseModel] = models.AlphaOneInput
    validator = Draft202012Validator(schema)
    op = cat.tools[0].operations[0]
    for _ in range(5):
        args = {"operation": "one"}
        for p in op.params:
            ref = def_name(p.schema["$ref"])
            assert ref is not None
            args[p.name] = data.draw(_instances(defs, ref))
        as_read = {
            k: _absent_nulls(defs, def_name(p.schema["$ref"]) or "", args[k])
            for p in op.params
            for k in [p.name]
        }
        listed_ok = validator.is_valid({"operation": "one", **as_read})
        model_args = {k: v for k, v in args.items() if k != "operation"}
        try:
            model.model_validate_json(json.dumps(model_args), strict=True)
            model_ok = True
        except ValidationError:
            model_ok = False
        assert model_ok == listed_ok, (args, schema)
