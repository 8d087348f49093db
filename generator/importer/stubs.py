"""`--handlers stub`: a handler package whose functions have the exact signatures the draft
declares and raise `ToolError("not implemented: ...")`, so the draft compiles and serves."""

from __future__ import annotations

import json
from typing import Any

from ..ir import param_py_name
from .draft import Stub

HEADER = (
    '"""Handler stubs drafted by `toolc import`: fill in each function, then drop the '
    'ToolError."""\n'
)
IMPORTS = (
    "\nfrom __future__ import annotations\n\nfrom collections.abc import Mapping, Sequence\n"
    "from typing import Any\n\nfrom toolc import ToolError\n\n\n"
)
_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "array": "Sequence[Any]",
    "object": "Mapping[str, Any]",
}


def _annotation(schema: Any) -> str:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, str) and kind in _TYPES:
        return _TYPES[kind]
    return "Any"


def _function(stub: Stub) -> str:
    required: list[str] = []
    optional: list[str] = []
    for wire, schema in stub.params.items():
        py = (
            schema.get("py_name") if isinstance(schema.get("py_name"), str) else param_py_name(wire)
        )
        kind = _annotation(schema)
        if wire in stub.required:
            required.append(f"{py}: {kind}")
        else:
            optional.append(f"{py}: {kind} | None = None" if kind != "Any" else f"{py}: Any = None")
    args = [*required, *optional]
    if stub.extra:
        args.append("**kwargs: Any")
    message = json.dumps(f"not implemented: {stub.label}", ensure_ascii=False)
    head = f"def {stub.function}(" + ", ".join(args) + ") -> dict[str, Any]:"
    if len(head) > 96:
        head = (
            f"def {stub.function}(\n"
            + "".join(f"    {a},\n" for a in args)
            + ") -> dict[str, Any]:"
        )
    return f"{head}\n    raise ToolError({message})\n"


def stub_files(stubs: dict[str, list[Stub]]) -> dict[str, str]:
    """Path (under the output folder) -> text."""
    files = {"handlers/__init__.py": HEADER}
    for module in sorted(stubs):
        body = "\n\n".join(_function(s) for s in stubs[module])
        files[f"handlers/{module}.py"] = HEADER + IMPORTS + body
    return files
