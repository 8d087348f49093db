"""generated/dispatch/<tool_module>.py: one function per operation + the OPERATIONS table."""

from __future__ import annotations

from generator.emit import GENERATED, OutputFile
from generator.emit.views import dispatch_view, environment
from generator.ir import Catalog


def emit_dispatch(catalog: Catalog) -> tuple[OutputFile, ...]:
    template = environment().get_template("dispatch.py.jinja")
    return tuple(
        OutputFile(
            path=f"{GENERATED}/dispatch/{tool.module}.py",
            text=template.render(view=dispatch_view(tool)),
        )
        for tool in catalog.tools
    )
