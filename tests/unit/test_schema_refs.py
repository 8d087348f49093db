"""schema_refs: which `$ref`s a schema has, which defs it reaches, what an emitted root carries."""

from __future__ import annotations

from typing import Any

from toolc.generator.schema_refs import DIALECT, def_name, reachable, refs, with_defs

DEFS: dict[str, Any] = {
    "address": {"type": "object", "properties": {"city": {"type": "string"}}},
    "parcel": {"type": "object", "properties": {"from": {"$ref": "#/$defs/address"}}},
    "node": {"type": "object", "properties": {"kids": {"items": {"$ref": "#/$defs/node"}}}},
    "unused": {"type": "string"},
}


def test_def_name_accepts_only_top_level_defs() -> None:
    assert def_name("#/$defs/address") == "address"
    for ref in ("#/definitions/address", "#/$defs/a/properties/b", "#/$defs/", "other.json", "#"):
        assert def_name(ref) is None, ref


def test_refs_skip_data_keywords() -> None:
    schema = {
        "type": "object",
        "default": {"$ref": "#/$defs/nope"},
        "properties": {"a": {"enum": [{"$ref": "x"}]}, "b": {"$ref": "#/$defs/address"}},
    }
    assert list(refs(schema)) == [(("properties", "b", "$ref"), "#/$defs/address")]


def test_reachable_follows_defs_transitively_in_declaration_order_and_survives_cycles() -> None:
    roots = [{"items": {"$ref": "#/$defs/parcel"}}, {"$ref": "#/$defs/node"}]
    assert reachable(roots, DEFS) == ["address", "parcel", "node"]
    assert reachable([{"type": "string"}], DEFS) == []


def test_with_defs_adds_dialect_and_only_the_defs_reached() -> None:
    plain = {"type": "object", "properties": {"x": {"type": "string"}}}
    assert with_defs(plain, DEFS) is plain  # no refs: unchanged, no extra bytes
    root = {"type": "object", "properties": {"p": {"$ref": "#/$defs/parcel"}}}
    out = with_defs(root, DEFS)
    assert out["$schema"] == DIALECT
    assert out["$defs"] == {"address": DEFS["address"], "parcel": DEFS["parcel"]}
    assert {k: v for k, v in out.items() if not k.startswith("$")} == root
