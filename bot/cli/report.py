"""``redirection-bot report --store URL --out FILE.html``: the counters as a self-contained HTML
page with charts, and a CSV beside it (``FILE.csv``); counts below 10 shown as "<10".

    redirection-bot report --store redis://127.0.0.1:6379/0 --out report.html
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.paths import add_content_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "report", help="draw the aggregate counters as an HTML report (and a CSV)",
        description="Read the day counters from the store serve writes to and write a "
        "self-contained HTML report (charts as inline SVG, no script) and a CSV beside it. "
        "Every count below 10 is shown as <10.",
    )
    p.add_argument("--store", default=os.environ.get("REDIRECTION_BOT_STORE", "memory"),
                   help="the redis://host:port/db URL serve uses")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.html",
                   help="the HTML file to write; the CSV goes beside it (FILE.csv)")
    add_content_argument(p)
    p.set_defaults(func=run)


class _Progress:
    """One line on stderr, rewritten in place on a terminal (a line per quarter otherwise)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        quarter = 4 * done // total if total else 4
        if self.tty:
            end = "\n" if done >= total else ""
            print(f"\rreading counters: {done}/{total} days", end=end, file=sys.stderr, flush=True)
        elif quarter != self.last:
            self.last = quarter
            print(f"reading counters: {done}/{total} days", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from bot.bootstrap import load_flowset
    from bot.report import read_counts, to_csv
    from bot.reportpage import render

    started = time.perf_counter()
    counts = read_counts(args.store, progress=_Progress())
    flowset = load_flowset(args.content)  # module order and names
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out: Path = args.out
    csv_path = out.with_suffix(".csv")
    out.write_text(render(counts, flowset, generated=generated), encoding="utf-8")
    csv_path.write_text(to_csv(counts), encoding="utf-8")
    print(f"wrote {out} and {csv_path} ({len(counts.days)} days, {time.perf_counter() - started:.1f} s)")
    return 0
