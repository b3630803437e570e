"""``redirection-bot graph``: a picture of a flow, or one HTML page with every flow.

    redirection-bot graph urges                   # Mermaid text (paste into a Mermaid viewer)
    redirection-bot graph urges --format dot | dot -Tsvg > urges.svg
    redirection-bot graph --html flows.html       # every flow, one self-contained page
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content import load_content
from bot.errors import ContentError
from bot.graph import flow_graph, to_dot, to_mermaid
from bot.graphpage import html_page
from bot.paths import add_content_argument
from bot.problems import did_you_mean


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "graph",
        help="draw a flow (Mermaid or Graphviz), or write an HTML page of every flow",
        description="Print a flow's states, options (with their labels), slots, links to other "
        "flows and `back` as Mermaid or Graphviz text, or write one self-contained HTML page "
        "with every flow (--html).",
    )
    p.add_argument("flow", nargs="?", help="the flow to draw (its id)")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                   help="text format of the picture (default: mermaid)")
    p.add_argument("--html", type=Path, metavar="OUT",
                   help="write every flow to this HTML file ('-' for standard output)")
    p.add_argument("--locale", default="en", help="language of labels and texts (default: en)")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content, problems = load_content(
        args.content / "flows", args.content / "locale", base=args.content
    )
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        print(f"note: the content has {len(errors)} error(s); run `redirection-bot lint` "
              "(the picture shows what loaded)", file=sys.stderr)
    if args.html is not None:
        page = html_page(content, args.locale)
        if str(args.html) == "-":
            sys.stdout.write(page)
        else:
            args.html.write_text(page, encoding="utf-8")
            print(f"wrote {args.html} ({len(content.flows)} flows)", file=sys.stderr)
        return 0
    if args.flow is None:
        raise ContentError("name a flow to draw, or give --html OUT for every flow")
    if args.flow not in content.flows:
        raise ContentError(
            f"'{args.flow}' is not a flow{did_you_mean(args.flow, content.flows)}; flows are "
            f"{', '.join(sorted(content.flows))}"
        )
    graph = flow_graph(content, args.flow, args.locale)
    sys.stdout.write(to_dot(graph) if args.format == "dot" else to_mermaid(graph))
    return 0
