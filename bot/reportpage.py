"""The HTML report of the counters: one self-contained page (inline CSS, charts as inline SVG
drawn by matplotlib, no script, no outside request), readable without JavaScript, every count
below 10 shown as "<10" and left out of the charts.

    html = render(counts, flowset, generated="2026-12-01")
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

import matplotlib
from matplotlib.figure import Figure

from bot.engine import FlowSet
from bot.report import SMALL, Counts, shown

__all__ = ["render"]

COLOURS = ("#1f5f8b", "#7fb3d5", "#b03a2e", "#4d7c0f")
CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1,h2{line-height:1.2}figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .6rem}
td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#444;font-size:.9rem}
"""


def render(counts: Counts, flowset: FlowSet, *, generated: str) -> str:
    names = _Names(flowset)
    parts = [
        f"<h1>redirection-bot: counts from {escape(counts.first or '-')} to {escape(counts.last or '-')}</h1>",
        f'<p class="note">Generated {escape(generated)}. Day totals only, no link to any conversation. '
        f"Every count below {SMALL} is shown as &lt;{SMALL} and left out of the charts.</p>",
        _conversations(counts),
        _outcomes(counts, names),
        _funnel(counts, names, flowset),
        _crisis(counts),
        _confidence(counts, names),
        _other(counts),
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>redirection-bot report</title><style>{CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


class _Names:
    """English names of option and module ids, from the content (ids when unknown)."""

    def __init__(self, flowset: FlowSet) -> None:
        self.fs = flowset
        self.messages = flowset.catalogs.get("en") or next(iter(flowset.catalogs.values()))

    def text(self, key: str | None, fallback: str) -> str:
        msg = self.messages.messages.get(key) if key else None
        return msg.render(None) if msg is not None else fallback

    def module(self, flow: str) -> str:
        compiled = self.fs.flows.get(flow)
        return self.text(compiled.flow.title if compiled else None, flow)

    def option(self, label: str) -> str:
        """``feedback.helped.a_lot`` -> "A lot"."""
        flow, _, rest = label.partition(".")
        state, _, option = rest.partition(".")
        compiled = self.fs.flows.get(flow)
        st = compiled.flow.states.get(state) if compiled else None
        for opt in getattr(st, "options", None) or ():
            if opt.id == option:
                return self.text(opt.label, option)
        return option


# -- sections ------------------------------------------------------------------------------


def _conversations(counts: Counts) -> str:
    by_month = counts.by_month("conversation_started")
    langs = sorted({lang for labels in by_month.values() for lang in labels})
    rows = [(m, [labels[lang] for lang in langs]) for m, labels in by_month.items()]
    chart = _bars([m for m, _ in rows], {lang: [v[i] for _, v in rows] for i, lang in enumerate(langs)},
                  title="Conversations started per month", name="conversations", horizontal=False)
    rows.append(("all", [sum(v[i] for _, v in rows) for i in range(len(langs))]))
    return "<h2>Conversations started</h2>" + chart + _table(["month", *langs], rows)


def _outcomes(counts: Counts, names: _Names) -> str:
    answers = counts.by_label("feedback_answer")
    helped = {k: n for k, n in answers.items() if ".helped." in k}
    total = sum(helped.values())
    rows = [(names.option(k), n) for k, n in helped.items()]
    head = "<h2>Did it help? (module 12)</h2>"
    if total < SMALL:
        return head + f"<p>Fewer than {SMALL} answers so far.</p>"
    shares = {label: (100 * n / total if n >= SMALL else 0.0) for label, n in rows}
    chart = _bars(list(shares), {"share of answers (%)": list(shares.values())}, title="Share of answers",
                  name="outcomes", hidden=[n < SMALL for _, n in rows], unit="%")
    table_rows: list[tuple[str, Sequence[int | str]]] = [
        (label, [n, f"{100 * n / total:.0f}%" if n >= SMALL else "-"]) for label, n in rows
    ]
    return head + chart + _table(["answer", "answers", "share"], table_rows) + \
        f'<p class="note">{shown(total)} answers in all.</p>'


def _funnel(counts: Counts, names: _Names, flowset: FlowSet) -> str:
    reached, completed = counts.by_label("module_reached"), counts.by_label("module_completed")
    order = [f for f, (event, _) in flowset.entry_events.items() if event == "module_reached"]
    order += sorted(set(reached) - set(order))
    rows = [(names.module(f), [reached[f], completed[f]]) for f in order]
    chart = _bars([label for label, _ in rows],
                  {"reached": [r[0] for _, r in rows], "completed": [r[1] for _, r in rows]},
                  title="Modules reached and completed", name="funnel")
    return "<h2>Modules</h2>" + chart + _table(["module", "reached", "completed"], rows)


def _crisis(counts: Counts) -> str:
    by_month = counts.by_month("crisis_entered")
    cats = sorted({c for labels in by_month.values() for c in labels})
    months = list(by_month)
    totals = [sum(labels.values()) for labels in by_month.values()]
    chart = _bars(months, {"crisis paths entered": totals}, title="Crisis paths entered per month",
                  name="crisis", horizontal=False)
    rows = [(m, [by_month[m][c] for c in cats] + [t]) for m, t in zip(months, totals, strict=True)]
    rows.append(("all", [sum(by_month[m][c] for m in months) for c in cats] + [sum(totals)]))
    return "<h2>Crisis paths entered</h2>" + chart + _table(["month", *cats, "all"], rows)


def _confidence(counts: Counts, names: _Names) -> str:
    answers = counts.by_label("feedback_answer")
    conf = {k: n for k, n in answers.items() if ".confidence." in k}
    labels = sorted(conf, key=lambda k: int(k.rsplit(".c", 1)[-1]) if k.rsplit(".c", 1)[-1].isdigit() else 99)
    rows = [(names.option(k), conf[k]) for k in labels]
    chart = _bars([label for label, _ in rows], {"answers": [n for _, n in rows]},
                  title="Confidence to keep the change (0-10)", name="confidence", horizontal=False)
    return "<h2>Confidence ratings (module 12)</h2>" + chart + \
        _table(["rating", "answers"], [(label, [n]) for label, n in rows])


def _other(counts: Counts) -> str:
    rows: list[tuple[str, Sequence[int | str]]] = [("quick exits", [counts.total("quick_exit")]),
                                                   ("lapse path entered", [counts.total("lapse_entered")])]
    for cat, n in sorted(counts.by_label("check_in_shown").items()):
        rows.append((f"check-in shown: {cat}", [n]))
    for cat, n in sorted(counts.by_label("crisis_entered").items()):
        rows.append((f"crisis path entered: {cat}", [n]))
    return "<h2>Other counts</h2>" + _table(["what", "count"], rows)


# -- drawing -------------------------------------------------------------------------------


def _table(head: Sequence[str], rows: Sequence[tuple[str, Sequence[int | str]]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr><td>" + escape(label) + "</td>"
        + "".join(f'<td class="n">{escape(shown(v) if isinstance(v, int) else v)}</td>' for v in values)
        + "</tr>"
        for label, values in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _bars(
    labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str, name: str,
    horizontal: bool = True, hidden: Sequence[bool] | None = None, unit: str = "",
) -> str:
    """A bar chart; a bar whose count is below ``SMALL`` is not drawn and says "<10"."""
    if not labels:
        return '<p class="note">Nothing counted yet.</p>'
    n = len(labels)
    fig = Figure(figsize=(8, max(2.5, 0.35 * n * len(series) + 1)) if horizontal else (8, 3.5))
    ax = fig.add_subplot()
    width = 0.8 / len(series)
    positions = range(n)
    top = max([v for values in series.values() for v in values] + [1])
    for s, (series_name, values) in enumerate(series.items()):
        small = [bool(hidden[i]) if hidden is not None else values[i] < SMALL for i in range(n)]
        drawn = [0 if small[i] else values[i] for i in range(n)]
        offsets = [p - 0.4 + width * (s + 0.5) for p in positions]
        if horizontal:
            ax.barh(offsets, drawn, height=width, color=COLOURS[s % len(COLOURS)], label=series_name)
        else:
            ax.bar(offsets, drawn, width=width, color=COLOURS[s % len(COLOURS)], label=series_name)
        for i, pos in enumerate(offsets):
            if small[i]:
                xy = (top * 0.01, pos) if horizontal else (pos, top * 0.01)
                ax.annotate(f"<{SMALL}", xy, fontsize=7, color="#555",
                            va="center" if horizontal else "bottom",
                            ha="left" if horizontal else "center", rotation=0 if horizontal else 90)
    if horizontal:
        ax.set_yticks(list(positions), list(labels))
        ax.invert_yaxis()
        ax.set_xlabel(unit or "count")
    else:
        step = max(1, n // 12)
        ax.set_xticks(list(positions)[::step], list(labels)[::step], rotation=45, ha="right")
        ax.set_ylabel(unit or "count")
    ax.set_title(title)
    if len(series) > 1:
        ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return f'<figure aria-label="{escape(title)}">{_svg(fig, name)}</figure>'


def _svg(fig: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element (no XML prolog, no metadata, ids unique to ``name``)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        fig.savefig(buf, format="svg", bbox_inches="tight",
                    metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # every chart's ids (figure_1, clip paths, tick markers) made unique in the page
    return text.replace(' id="', f' id="{name}-').replace("url(#", f"url(#{name}-") \
        .replace('xlink:href="#', f'xlink:href="#{name}-')
