"""Shared schemas (`defs`) end to end: listed with `$defs`/`$schema`, enforced through `$ref`."""

from __future__ import annotations

import jsonschema
import pytest
from mcp import Client

from tests.e2e.runtime_support import stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

OSLO = {"lat": 59.91, "lon": 10.75}
BERGEN = {"lat": 60.39, "lon": 5.32}


async def test_defs_are_listed_and_enforced_over_stdio() -> None:
    async with Client(stdio_params()) as c:
        listed = {t.name: t for t in (await c.list_tools()).tools}
        schema = listed["geo_distance"].input_schema
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["origin"] == {"$ref": "#/$defs/point"}
        assert set(schema["$defs"]) == {"point"}
        assert "$defs" not in listed["calc_add"].input_schema  # no refs, no extra bytes
        # The listed schema is self-contained: a client-side validator resolves its refs.
        jsonschema.validate({"origin": OSLO, "dest": BERGEN}, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"origin": OSLO, "dest": {"lat": 91, "lon": 0}}, schema)

        result = await c.call_tool("geo_distance", {"origin": OSLO, "dest": BERGEN})
        assert not result.is_error
        assert result.structured_content == {"km": pytest.approx(305, abs=5), "start": OSLO}
        output = listed["geo_distance"].output_schema
        assert output is not None and set(output["$defs"]) == {"point"}
        jsonschema.validate(result.structured_content, output)

        for args, needle in [
            ({"origin": OSLO, "dest": {"lat": 91, "lon": 0}}, '"dest.lat"'),
            ({"origin": OSLO, "dest": {"lat": 1}}, '"dest.lon"'),
            ({"origin": OSLO}, '"dest"'),
        ]:
            refused = await c.call_tool("geo_distance", args)
            assert refused.is_error and refused.structured_content is None
            text = refused.content[0].text  # type: ignore[union-attr]
            assert needle in text, text
