"""Hypothesis: over random catalogs (hand-built IR, resolved for a client like the compiler
does), a random widening edit fires no rule and a random narrowing edit fires at least one."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.ir_samples import catalog, master, op, param, profile
from toolc.generator.compat import compare, lock_document
from toolc.generator.ir import LegacyName, Span
from toolc.generator.resolve import resolve

Spec = dict[str, dict[str, dict[str, Any]]]  # tool -> operation -> {params, required, ...}
NAMES = st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"])


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        schema: dict[str, Any] = {
            "type": "string",
            "minLength": 1,
            "maxLength": draw(st.integers(5, 50)),
        }
        if draw(st.booleans()):
            schema["enum"] = draw(
                st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=2, max_size=4, unique=True)
            )
        return schema
    return {"type": "integer", "minimum": 0, "maximum": draw(st.integers(1, 100)), "default": 0}


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    out: Spec = {}
    for t in range(draw(st.integers(1, 3))):
        ops: dict[str, dict[str, Any]] = {}
        for o in draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)):
            params = {f"p{i}": draw(schemas()) for i in range(draw(st.integers(1, 3)))}
            ops[o] = {
                "params": params,
                "required": {p for p in params if draw(st.booleans())},
                "effect": draw(st.sampled_from(["read", "write"])),
                "idempotent": draw(st.booleans()),
                "legacy": [f"old_{t}_{o}"] if draw(st.booleans()) else [],
            }
        out[f"tool{t}"] = ops
    return out


def lock(spec: Spec) -> dict[str, Any]:
    tools = []
    for tool, ops in spec.items():
        built = []
        for name, o in ops.items():
            params = tuple(param(p, s, p in o["required"]) for p, s in o["params"].items())
            legacy = tuple(LegacyName(name=n, span=Span("tools.yaml", 1, 1)) for n in o["legacy"])
            built.append(
                op(
                    tool,
                    name,
                    params,
                    effect=o["effect"],
                    idempotent=o["idempotent"],
                    legacy=legacy,
                )
            )
        tools.append(master(tool, *built))
    cat = catalog(*tools)
    build, _ = resolve(cat, profile("all", legacy="accept"))
    assert build is not None
    return lock_document(cat, (build,))


def _pick(data: st.DataObject, spec: Spec) -> tuple[str, str, dict[str, Any]]:
    tool = data.draw(st.sampled_from(sorted(spec)))
    name = data.draw(st.sampled_from(sorted(spec[tool])))
    return tool, name, spec[tool][name]


def widen(spec: Spec, data: st.DataObject) -> None:
    tool, _, o = _pick(data, spec)
    p = data.draw(st.sampled_from(sorted(o["params"])))
    schema = o["params"][p]
    kind = data.draw(
        st.sampled_from(["param", "enum", "bound", "optional", "op", "tool", "legacy", "read"])
    )
    if kind == "param":
        o["params"]["extra"] = {"type": "string"}
    elif kind == "enum" and "enum" in schema:
        schema["enum"].append("zz")
    elif kind == "bound":
        if schema["type"] == "string":
            schema["maxLength"] += 10
        else:
            schema["maximum"] += 1
            schema["minimum"] -= 1
    elif kind == "optional":
        o["required"].discard(p)
    elif kind == "op":
        spec[tool]["added"] = {
            "params": {},
            "required": set(),
            "effect": "write",
            "idempotent": False,
            "legacy": [],
        }
    elif kind == "tool":
        spec["newtool"] = {
            "only": {
                "params": {},
                "required": set(),
                "effect": "read",
                "idempotent": True,
                "legacy": [],
            }
        }
    elif kind == "legacy":
        o["legacy"].append("brand_new_old_name")
    elif kind == "read":
        o["effect"] = "read"


def narrow(spec: Spec, data: st.DataObject) -> None:
    tool, name, o = _pick(data, spec)
    p = data.draw(st.sampled_from(sorted(o["params"])))
    schema = o["params"][p]
    kind = data.draw(
        st.sampled_from(["param", "required", "enum", "bound", "op", "legacy", "write"])
    )
    if kind == "required" and p not in o["required"]:
        o["required"].add(p)
    elif kind == "enum" and "enum" in schema:
        schema["enum"].pop()
    elif kind == "bound":
        if schema["type"] == "string":
            schema["maxLength"] -= 1
        else:
            schema["maximum"] -= 1
    elif kind == "op":
        del spec[tool][name]
        if not spec[tool]:
            del spec[tool]
            if not spec:
                spec["replacement"] = {
                    "x": {
                        "params": {},
                        "required": set(),
                        "effect": "read",
                        "idempotent": True,
                        "legacy": [],
                    }
                }
    elif kind == "legacy" and o["legacy"]:
        o["legacy"].pop()
    elif kind == "write" and o["effect"] == "read":
        o["effect"] = "write"
    else:
        del o["params"][p]
        o["required"].discard(p)


@settings(max_examples=60, deadline=None)
@given(specs(), st.data())
def test_widening_fires_no_rule(spec: Spec, data: st.DataObject) -> None:
    before = lock(spec)
    after_spec = copy.deepcopy(spec)
    widen(after_spec, data)
    changes = compare(before, lock(after_spec), "2026-01-01")
    assert changes == []


@settings(max_examples=60, deadline=None)
@given(specs(), st.data())
def test_narrowing_fires_a_rule(spec: Spec, data: st.DataObject) -> None:
    before = lock(spec)
    after_spec = copy.deepcopy(spec)
    narrow(after_spec, data)
    changes = compare(before, lock(after_spec), "2026-01-01")
    assert [c for c in changes if c.sunset is None], after_spec
