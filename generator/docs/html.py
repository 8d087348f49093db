"""A `Page` as one self-contained HTML file (docs/clients/<client>.html).

No network: the style and the search script are inline, and a Content-Security-Policy allows
nothing else (`default-src 'none'`, the inline style and script by their SHA-256), so even a
string that slipped through escaping could neither run script nor fetch anything. Every string
from YAML goes through `html.escape` (text and attribute values alike); ids are `page.anchor`s.
The search box filters tools and operations by name, title and description.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from .page import DefDoc, OperationDoc, Page, ParamRow, ToolDoc
from .schema_text import DefLink, TypeText

STYLE = """
:root { color-scheme: light dark; --line: #8884; --soft: #8881; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: flex; }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; width: 17rem; flex: none;
  padding: 1rem; box-sizing: border-box; border-right: 1px solid var(--line); }
nav ul { list-style: none; padding: 0; margin: 0.5rem 0; }
nav li { margin: 0.15rem 0; overflow-wrap: anywhere; }
main { padding: 1rem 2rem; max-width: 64rem; min-width: 0; }
input[type=search] { width: 100%; box-sizing: border-box; padding: 0.4rem; font: inherit; }
section.tool { border-top: 1px solid var(--line); margin-top: 1.5rem; }
div.op { margin: 1rem 0 1rem 1rem; padding-left: 1rem; border-left: 3px solid var(--line); }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid var(--line); padding: 0.2rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
code, pre { font: 13px/1.4 ui-monospace, monospace; }
h1 code, h2 code, h3 code { font-size: 0.95em; }
th { white-space: nowrap; }
td:first-child { white-space: nowrap; }
pre { background: var(--soft); padding: 0.6rem; overflow: auto; }
.kind { font-style: italic; }
.desc { white-space: pre-wrap; }
[hidden] { display: none !important; }
""".lstrip()

SCRIPT = """
(function () {
  "use strict";
  var box = document.getElementById("search");
  var tools = Array.prototype.slice.call(document.querySelectorAll("section.tool"));
  var links = Array.prototype.slice.call(document.querySelectorAll("#toc li"));
  var count = document.getElementById("shown");
  var none = document.getElementById("no-match");
  function filter() {
    var q = box.value.trim().toLowerCase();
    var shown = 0;
    tools.forEach(function (tool, i) {
      var own = tool.getAttribute("data-search").indexOf(q) !== -1;
      var any = false;
      tool.querySelectorAll("div.op").forEach(function (op) {
        var hit = own || op.getAttribute("data-search").indexOf(q) !== -1;
        op.hidden = !hit;
        any = any || hit;
      });
      var visible = own || any;
      tool.hidden = !visible;
      links[i].hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = String(shown);
    none.hidden = shown > 0;
  }
  box.addEventListener("input", filter);
  filter();
})();
""".lstrip()


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = f"default-src 'none'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}"


def e(value: str) -> str:
    return escape(value, quote=True)


def type_html(parts: TypeText) -> str:
    from .page import anchor

    out = []
    for part in parts:
        if isinstance(part, DefLink):
            out.append(f'<a href="#{anchor("def", part.name)}"><code>{e(part.name)}</code></a>')
        else:
            out.append(e(part))
    return "".join(out)


def _search(*values: str | None) -> str:
    return e(" ".join(v for v in values if v).lower())


def render(page: Page) -> str:
    title = f"{page.server_title} ({page.server})" if page.server_title else page.server
    head = f"{title} {page.version}: client {page.client}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(head)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<nav>",
        '<input id="search" type="search" placeholder="Search tools and operations" '
        'aria-label="Search tools and operations" autocomplete="off">',
        f'<p><span id="shown">{len(page.tools)}</span> of {len(page.tools)} tools</p>',
        '<ul id="toc">',
    ]
    for tool in page.tools:
        out.append(f'<li><a href="#{tool.anchor}"><code>{e(tool.name)}</code></a></li>')
    out += ["</ul>", '<p><a href="#legacy">Legacy names</a></p>', "</nav>", "<main>"]
    out.append(f"<h1>{e(head)}</h1>")
    out.append(
        f"<p>Generated by <code>toolc docs</code> from tools.yaml and "
        f"clients/{e(page.client)}.yaml. Do not edit.</p>"
    )
    out += _pairs("setting", page.facts)
    out += _pairs("footprint of tools/list", page.footprint)
    out.append('<p id="no-match" hidden>No tool or operation matches.</p>')
    for tool in page.tools:
        out += _tool(tool)
    if page.defs:
        out.append('<section id="definitions"><h2>Definitions</h2>')
        for d in page.defs:
            out += _def(d)
        out.append("</section>")
    out += _legacy(page)
    out += ["</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(out)


def _pairs(head: str, rows: tuple[tuple[str, str], ...]) -> list[str]:
    out = [f"<table><tr><th>{e(head)}</th><th>value</th></tr>"]
    out += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows]
    return [*out, "</table>"]


def _tool(tool: ToolDoc) -> list[str]:
    search = _search(tool.name, tool.title)
    out = [
        f'<section class="tool" id="{tool.anchor}" data-search="{search}">',
        f"<h2><code>{e(tool.name)}</code></h2>",
        f'<p><span class="kind">{e(tool.kind)}</span> · {e(", ".join(tool.annotations))}</p>',
    ]
    if tool.title:
        out.append(f"<p><strong>{e(tool.title)}</strong></p>")
    if tool.description:
        out.append(f'<p class="desc">{e(tool.description)}</p>')
    for op in tool.operations:
        out += _operation(op)
    return [*out, "</section>"]


def _operation(op: OperationDoc) -> list[str]:
    search = _search(op.name, op.description)
    out = [f'<div class="op" id="{op.anchor}" data-search="{search}">']
    if op.name is not None:
        out.append(f"<h3>operation <code>{e(op.name)}</code></h3>")
    desc = f" — {e(op.description)}" if op.description else ""
    out.append(f'<p class="desc"><em>{e(op.effect)}</em>{desc}</p>')
    if op.fixed:
        fixed = ", ".join(f"<code>{e(k)}</code> = <code>{e(v)}</code>" for k, v in op.fixed)
        out.append(f"<p>This name fixes {fixed}.</p>")
    out += _params(op.params)
    if op.example is not None:
        body = json.dumps(op.example, indent=2, ensure_ascii=False)
        out.append("<p>Example call (<code>tools/call</code> params):</p>")
        out.append(f'<pre><code class="example">{e(body)}</code></pre>')
    else:
        out.append("<p>No valid example call could be derived (W100).</p>")
    return [*out, "</div>"]


def _params(rows: tuple[ParamRow, ...]) -> list[str]:
    if not rows:
        return ["<p>No parameters.</p>"]
    out = [
        "<table><tr><th>parameter</th><th>type</th><th>required</th><th>default</th>"
        "<th>constraints</th><th>description</th></tr>"
    ]
    for r in rows:
        default = f"<code>{e(r.default)}</code>" if r.default is not None else ""
        out.append(
            f"<tr><td><code>{e(r.name)}</code></td><td>{type_html(r.type)}</td>"
            f"<td>{'yes' if r.required else 'no'}</td><td>{default}</td>"
            f"<td>{e('; '.join(r.constraints))}</td>"
            f'<td class="desc">{e(r.description)}</td></tr>'
        )
    return [*out, "</table>"]


def _def(d: DefDoc) -> list[str]:
    out = [f'<div class="def" id="{d.anchor}">', f"<h3><code>{e(d.name)}</code></h3>"]
    extra = f"; {e('; '.join(d.constraints))}" if d.constraints else ""
    out.append(f"<p>Type: {type_html(d.type)}{extra}</p>")
    if d.description:
        out.append(f'<p class="desc">{e(d.description)}</p>')
    if d.properties:
        out += _params(d.properties)
    return [*out, "</div>"]


def _legacy(page: Page) -> list[str]:
    out = ['<section id="legacy">', "<h2>Legacy names</h2>"]
    out.append(f"<p>This client's legacy mode is <code>{e(page.legacy_mode)}</code>.</p>")
    if not page.legacy:
        return [*out, "<p>No legacy names reach this client's operations.</p>", "</section>"]
    out.append(
        "<table><tr><th>old name</th><th>replaced by</th><th>argument renames</th>"
        "<th>fixed arguments</th><th>sunset</th><th>this client</th></tr>"
    )
    for r in page.legacy:
        call = f"<code>{e(r.tool)}</code>"
        if r.operation:
            call += f" operation <code>{e(r.operation)}</code>"
        renames = ", ".join(f"<code>{e(a)}</code> → <code>{e(b)}</code>" for a, b in r.renames)
        fixed = ", ".join(f"<code>{e(k)}</code> = <code>{e(v)}</code>" for k, v in r.fixed)
        out.append(
            f"<tr><td><code>{e(r.name)}</code></td><td>{call}</td><td>{renames}</td>"
            f"<td>{fixed}</td><td>{e(r.sunset or 'none')}</td><td>{e(r.status)}</td></tr>"
        )
    return [*out, "</table>", "</section>"]
