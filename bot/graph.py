"""Pictures of flows: each state and every way out of it, as Mermaid or Graphviz text.

A flow's *transitions* are the ways out of its states, named the way coverage and the engine
name them::

    (flow, state, "choose:<option id>")   an option of a choice or ask state
    (flow, state, "answer")               the text typed into an ask state's slot
    (flow, state, "next")                 a say state leading on by itself

Each leads to a state of the same flow (``go``), the start of another flow (``flow``) or back
to where the user was (``back``). End states have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

from bot.content import Content
from bot.flow import AskState, ChoiceState, EndState, Flow, MessageRef, Option, SayState

__all__ = [
    "Edge",
    "FlowGraph",
    "Node",
    "flow_graph",
    "to_dot",
    "to_mermaid",
    "transitions",
    "unless_slots",
]

Kind = Literal["choice", "ask", "say", "end"]
TargetKind = Literal["go", "flow", "back"]

LABEL_WIDTH = 40
SCREENING_NOTE = "any typed text is screened first and can jump to a crisis flow"


@dataclass(frozen=True)
class Edge:
    state: str
    trigger: str
    """``choose:<id>``, ``answer`` or ``next``."""
    target: TargetKind
    dest: str
    """A state (``go``), a flow (``flow``) or ``""`` (``back``)."""
    label: str = ""
    """The option's label in the picture's language (empty for answer and next)."""
    saves: str | None = None


@dataclass(frozen=True)
class Node:
    name: str
    kind: Kind
    says: tuple[str, ...]
    asks: str | None = None
    note: str | None = None


@dataclass
class FlowGraph:
    flow: str
    title: str
    description: str
    start: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    crisis: list[str] = field(default_factory=list)
    """The program's crisis flows (screening can jump to them from any typed text)."""
    crisis_for: list[str] = field(default_factory=list)
    """Screening categories that lead to this flow, when it is a crisis flow."""

    @property
    def flows_linked(self) -> list[str]:
        return sorted({e.dest for e in self.edges if e.target == "flow"})

    @property
    def goes_back(self) -> bool:
        return any(e.target == "back" for e in self.edges)


def _kind(state: object) -> Kind:
    if isinstance(state, ChoiceState):
        return "choice"
    if isinstance(state, AskState):
        return "ask"
    if isinstance(state, EndState):
        return "end"
    return "say"


def _target(obj: Option | AskState | SayState) -> tuple[TargetKind, str]:
    kind, dest = obj.target() or ("go", "")
    return cast(TargetKind, kind), dest


def _condition(ref: MessageRef) -> str:
    """`` (if reason)``, `` (unless reason, coping)`` or nothing."""
    out = f" (if {ref.if_filled})" if ref.if_filled else ""
    if getattr(ref, "if_any", None):
        out += f" (if any of {', '.join(ref.if_any or ())})"
    unless = unless_slots(ref)
    if unless:
        out += f" (unless {', '.join(unless)})"
    return out


def unless_slots(ref: MessageRef) -> list[str]:
    """A message's ``unless:`` slots (read defensively: older flow models have none)."""
    return list(getattr(ref, "unless", None) or ())


def transitions(flow: Flow) -> list[Edge]:
    """Every way out of every state of ``flow``, in file order. ``label`` holds the option's
    locale key here; ``saves`` the slot an option or an answer fills."""
    out: list[Edge] = []
    for name, state in flow.states.items():
        if isinstance(state, ChoiceState | AskState):
            for opt in state.options:
                out.append(Edge(name, f"choose:{opt.id}", *_target(opt), opt.label, opt.save))
        if isinstance(state, AskState):
            out.append(Edge(name, "answer", *_target(state), "", state.ask))
        elif isinstance(state, SayState):
            out.append(Edge(name, "next", *_target(state)))
    return out


def flow_graph(content: Content, flow_id: str, locale: str = "en") -> FlowGraph:
    """The picture's data for one flow, option labels in ``locale`` (keys where missing)."""
    flow = content.flows[flow_id]
    catalog = content.catalogs.get(locale)

    def text(key: str | None) -> str:
        if key is None:
            return ""
        if catalog is not None and key in catalog.messages:
            return catalog.messages[key].source
        return key

    program = content.program
    crisis = list(dict.fromkeys(program.crisis.values())) if program else []
    graph = FlowGraph(
        flow=flow.flow,
        title=text(flow.title) if flow.title else flow.flow,
        description=flow.description or "",
        start=flow.start,
        crisis=crisis,
        crisis_for=[c for c, f in (program.crisis.items() if program else ()) if f == flow_id],
    )
    for name, state in flow.states.items():
        graph.nodes.append(
            Node(
                name,
                _kind(state),
                tuple(r.key + _condition(r) for r in state.say),
                state.ask if isinstance(state, AskState) else None,
                state.note,
            )
        )
    for edge in transitions(flow):
        label = text(edge.label) if edge.trigger.startswith("choose:") else ""
        graph.edges.append(
            Edge(edge.state, edge.trigger, edge.target, edge.dest, label, edge.saves)
        )
    return graph


def _short(text: str, width: int = LABEL_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _edge_text(edge: Edge) -> str:
    if edge.trigger.startswith("choose:"):
        text = f"{edge.trigger[7:]}: {_short(edge.label)}"
        return text + (f" (saves {edge.saves})" if edge.saves else "")
    if edge.trigger == "answer":
        return f"answer → {edge.saves}" if edge.saves else "answer"
    return "next"


def _node_text(node: Node, start: str) -> list[str]:
    lines = [node.name + ("  (start)" if node.name == start else ""), node.kind]
    if node.asks:
        lines[1] = f"ask → {node.asks}"
    lines += [_short(k) for k in node.says]
    return lines


# -- Mermaid ------------------------------------------------------------------------------------

_MERMAID_SHAPES: dict[str, tuple[str, str]] = {
    "choice": ('["', '"]'),
    "ask": ('[/"', '"/]'),
    "say": ('("', '")'),
    "end": ('(["', '"])'),
}


def _mm(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def to_mermaid(graph: FlowGraph) -> str:
    """A Mermaid ``flowchart`` of the flow (paste it into any Mermaid viewer)."""
    lines = [f"%% flow {graph.flow}: {_mm(graph.title)}", "flowchart TD"]
    lines.append('  entry(("start")) --> s_' + graph.start)
    for node in graph.nodes:
        left, right = _MERMAID_SHAPES[node.kind]
        label = "<br/>".join(_mm(x) for x in _node_text(node, graph.start))
        lines.append(f"  s_{node.name}{left}{label}{right}")
    for flow in graph.flows_linked:
        lines.append(f'  f_{flow}[["flow: {flow}"]]')
    if graph.goes_back:
        lines.append('  back>"back: where the user was (else the menu)"]')
    for edge in graph.edges:
        dest = {"go": f"s_{edge.dest}", "flow": f"f_{edge.dest}", "back": "back"}[edge.target]
        lines.append(f'  s_{edge.state} -- "{_mm(_edge_text(edge))}" --> {dest}')
    lines.append(f'  screening{{{{"{_mm(_screening_text(graph))}"}}}}')
    lines.append("  classDef endstate stroke-width:3px")
    ends = [f"s_{n.name}" for n in graph.nodes if n.kind == "end"]
    if ends:
        lines.append(f"  class {','.join(ends)} endstate")
    return "\n".join(lines) + "\n"


def _screening_text(graph: FlowGraph) -> str:
    text = f"{SCREENING_NOTE}: {', '.join(graph.crisis) or 'none set'}"
    if graph.crisis_for:
        text += f". This is the crisis flow for: {', '.join(graph.crisis_for)}"
    return text


# -- Graphviz -----------------------------------------------------------------------------------

_DOT_SHAPES = {
    "choice": "shape=box",
    "ask": "shape=parallelogram",
    "say": 'shape=box, style="rounded"',
    "end": "shape=box, peripheries=2",
}


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: FlowGraph) -> str:
    """A Graphviz ``digraph`` of the flow (``dot -Tsvg``)."""
    lines = [
        f'digraph "{graph.flow}" {{',
        f'  label="{_dot(graph.flow)}: {_dot(graph.title)}"; labelloc=t;',
        '  node [fontname="sans-serif"]; edge [fontname="sans-serif", fontsize=10];',
        '  entry [shape=circle, label="start"];',
        f"  entry -> s_{graph.start};",
    ]
    for node in graph.nodes:
        label = "\\n".join(_dot(x) for x in _node_text(node, graph.start))
        lines.append(f'  s_{node.name} [{_DOT_SHAPES[node.kind]}, label="{label}"];')
    for flow in graph.flows_linked:
        lines.append(f'  f_{flow} [shape=component, label="flow: {flow}"];')
    if graph.goes_back:
        lines.append('  back [shape=cds, label="back: where the user was (else the menu)"];')
    for edge in graph.edges:
        dest = {"go": f"s_{edge.dest}", "flow": f"f_{edge.dest}", "back": "back"}[edge.target]
        lines.append(f'  s_{edge.state} -> {dest} [label="{_dot(_edge_text(edge))}"];')
    lines.append(f'  screening [shape=hexagon, label="{_dot(_screening_text(graph))}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
