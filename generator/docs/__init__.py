"""`toolc docs`: one reference page per client, in Markdown and self-contained HTML.

`emit_docs(catalog, builds)` renders `docs/clients/<client>.md` and `docs/clients/<client>.html`
from each resolved ClientBuild (the exact listing the client sees) and the IR (legacy names,
renames, fixed arguments, sunsets). `toolc generate` writes them with `generated/` and `toolc
check` reports them stale like any generated file (generator/write.py manages both folders).
Output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: generator/noop.py and write.py read DOCS without the IR
    from ..emit import OutputFile
    from ..ir import Catalog, ClientBuild

DOCS = "docs/clients"
SUFFIXES = (".md", ".html")


def emit_docs(catalog: Catalog, builds: tuple[ClientBuild, ...]) -> tuple[OutputFile, ...]:
    from ..emit import OutputFile
    from . import html, markdown
    from .page import examples, page

    known = examples(catalog)
    out: list[OutputFile] = []
    for build in builds:
        doc = page(catalog, build, known)
        name = build.profile.name
        out.append(OutputFile(path=f"{DOCS}/{name}.md", text=markdown.render(doc), formatted=True))
        out.append(OutputFile(path=f"{DOCS}/{name}.html", text=html.render(doc), formatted=True))
    return tuple(out)
