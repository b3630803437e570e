"""One self-contained HTML page with every flow, for browsing the program.

No scripts, no fonts, no images and no request to any other site: each flow is a table of its
states and their ways out, with links between states and flows, and its Mermaid text to copy.
"""

from __future__ import annotations

from html import escape

from bot.content import Content
from bot.graph import Edge, FlowGraph, flow_graph, to_mermaid, unless_slots

__all__ = ["html_page"]

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;
color:#1b1b1b;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.5rem;border-top:2px solid #ccc;
padding-top:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}tr:target{background:#fff6d5}
code{font-size:.9em}.kind{font-weight:bold}.kind-end{color:#8a1c1c}.kind-ask{color:#1c4f8a}
.key{color:#555;font-size:.85em}ul.out{margin:0;padding-left:1.1rem}
.note{background:#f4f0ff;border-left:4px solid #6a4fc8;padding:.4rem .7rem}
pre{background:#f6f6f6;padding:.6rem;overflow:auto}
"""


def _text(content: Content, locale: str, key: str) -> str:
    catalog = content.catalogs.get(locale)
    if catalog is not None and key in catalog.messages:
        return catalog.messages[key].source
    return ""


def _state_link(flow: str, state: str) -> str:
    return f'<a href="#{escape(flow)}--{escape(state)}"><code>{escape(state)}</code></a>'


def _flow_link(flow: str) -> str:
    return f'<a href="#flow-{escape(flow)}"><code>{escape(flow)}</code></a>'


def _way_out(graph: FlowGraph, edge: Edge) -> str:
    if edge.target == "go":
        dest = _state_link(graph.flow, edge.dest)
    elif edge.target == "flow":
        dest = "flow " + _flow_link(edge.dest)
    else:
        dest = "<em>back</em> (where the user was; the menu if nowhere)"
    if edge.trigger.startswith("choose:"):
        what = f"<code>{escape(edge.trigger[7:])}</code> “{escape(edge.label)}”"
        if edge.saves:
            what += f" <span class=key>saves <code>{escape(edge.saves)}</code></span>"
    elif edge.trigger == "answer":
        what = f"<em>typed answer</em> → slot <code>{escape(edge.saves or '')}</code>"
    else:
        what = "<em>next</em>"
    return f"<li>{what} → {dest}</li>"


def _flow_section(content: Content, graph: FlowGraph, locale: str, incoming: list[str]) -> str:
    out = [f'<section id="flow-{escape(graph.flow)}">']
    out.append(f"<h2>{escape(graph.title)} <code>{escape(graph.flow)}</code></h2>")
    if graph.description:
        out.append(f"<p>{escape(graph.description)}</p>")
    facts = [f"starts at {_state_link(graph.flow, graph.start)}"]
    if incoming:
        facts.append("reached from " + ", ".join(_flow_link(f) for f in incoming))
    if graph.flows_linked:
        facts.append("leads to " + ", ".join(_flow_link(f) for f in graph.flows_linked))
    out.append(f"<p>{'; '.join(facts)}.</p>")
    if graph.crisis_for:
        out.append(
            "<p class=note>Crisis flow: screening jumps here when typed text shows "
            f"{escape(', '.join(graph.crisis_for))}.</p>"
        )
    out.append(
        "<table><tr><th>state</th><th>kind</th><th>says</th><th>ways out</th></tr>"
    )
    edges: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        edges.setdefault(edge.state, []).append(edge)
    flow = content.flows[graph.flow]
    for node in graph.nodes:
        says = []
        for ref in flow.states[node.name].say:
            cond = ""
            if ref.if_filled:
                cond = f" <span class=key>(if <code>{escape(ref.if_filled)}</code>)</span>"
            if unless_slots(ref):
                slots = ", ".join(f"<code>{escape(s)}</code>" for s in unless_slots(ref))
                cond += f" <span class=key>(unless {slots})</span>"
            says.append(
                f"{escape(_text(content, locale, ref.key))}{cond}<br>"
                f"<span class=key>{escape(ref.key)}</span>"
            )
        kind = node.kind + (f" → <code>{escape(node.asks)}</code>" if node.asks else "")
        ways = "".join(_way_out(graph, e) for e in edges.get(node.name, []))
        start = " <span class=key>(start)</span>" if node.name == graph.start else ""
        note = f"<br><span class=key>{escape(node.note)}</span>" if node.note else ""
        out.append(
            f'<tr id="{escape(graph.flow)}--{escape(node.name)}">'
            f"<td><code>{escape(node.name)}</code>{start}{note}</td>"
            f"<td class='kind kind-{node.kind}'>{kind}</td>"
            f"<td>{'<hr>'.join(says)}</td>"
            f"<td><ul class=out>{ways or '<li><em>the flow ends</em></li>'}</ul></td></tr>"
        )
    out.append("</table>")
    out.append(
        "<details><summary>Mermaid text (paste into any Mermaid viewer)</summary>"
        f"<pre>{escape(to_mermaid(graph))}</pre></details>"
    )
    out.append("</section>")
    return "\n".join(out)


def html_page(content: Content, locale: str = "en") -> str:
    """The whole page, with texts in ``locale``."""
    graphs = [flow_graph(content, fid, locale) for fid in sorted(content.flows)]
    incoming: dict[str, list[str]] = {g.flow: [] for g in graphs}
    for g in graphs:
        for dest in g.flows_linked:
            if dest in incoming and g.flow not in incoming[dest]:
                incoming[dest].append(g.flow)
    program = content.program
    out = [
        "<!doctype html>",
        f'<html lang="{escape(locale)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>redirection-bot: the flows</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>redirection-bot: the flows</h1>",
        f"<p>Content version <code>{escape(content.version)}</code>; texts in "
        f"<code>{escape(locale)}</code>. Made by <code>redirection-bot graph --html</code>.</p>",
    ]
    if program is not None:
        roles = ", ".join(
            f"{role} {_flow_link(getattr(program, role))}"
            for role in ("start", "menu", "help", "resume")
        )
        out.append(f"<p>Program: {roles}.</p>")
        out.append(
            "<p class=note>Screening reads every typed text before the flow does and, on a hit, "
            "interrupts any state with a crisis flow; when that flow ends, the user is offered "
            "to resume. The words <em>help</em>, <em>menu</em> and <em>end</em> work everywhere."
            "</p>"
        )
        if program.crisis:
            rows = "".join(
                f"<tr><td>{escape(cat)}</td><td>{_flow_link(flow)}</td></tr>"
                for cat, flow in program.crisis.items()
            )
            out.append(
                "<table><tr><th>screening category (most urgent first)</th>"
                f"<th>crisis flow</th></tr>{rows}</table>"
            )
    out.append("<h2>Flows</h2><table><tr><th>flow</th><th>title</th><th>states</th></tr>")
    for g in graphs:
        out.append(
            f"<tr><td>{_flow_link(g.flow)}</td><td>{escape(g.title)}</td>"
            f"<td>{len(g.nodes)}</td></tr>"
        )
    out.append("</table>")
    for g in graphs:
        out.append(_flow_section(content, g, locale, incoming[g.flow]))
    out.append("</body></html>")
    return "\n".join(out) + "\n"
