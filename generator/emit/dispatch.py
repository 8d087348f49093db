"""generated/dispatch/<tool_module>.py: one function per operation + the OPERATIONS table."""

from __future__ import annotations

from ..ir import Catalog
from . import GENERATED, OutputFile
from .views import dispatch_view, environment


def emit_dispatch(catalog: Catalog) -> tuple[OutputFile, ...]:
    template = environment().get_template("dispatch.py.jinja")
    return tuple(
        OutputFile(
            path=f"{GENERATED}/dispatch/{tool.module}.py",
            text=template.render(view=dispatch_view(tool, catalog.upstreams)),
        )
        for tool in catalog.tools
    )
