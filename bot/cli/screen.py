"""``redirection-bot screen --locale LANG``: crisis categories for each line of stdin, as JSON.

One utterance a line in, one JSON object a line out, in the same order: ``categories`` are the
sure ones (the crisis path would interrupt), ``check`` the unsure ones (a check-in would ask),
``scores`` the learned stage's probability per category (rounded; empty without a model)::

    $ printf 'the urge passed\\nim 15 and i wanna kms\\n' | redirection-bot screen --locale en
    {"text": "the urge passed", "categories": [], "check": [], "scores": {"child_at_risk": 0.001, ...}}
    {"text": "im 15 and i wanna kms", "categories": ["suicide", "minor"], "check": [], "scores": {...}}

With ``--explain``, each object also lists the phrases that matched, each on its own, with the
list of ``screening.yaml`` it is in (``phrases``, ``unless``, ``ask_when``, ``closed_by``, ``ask``),
and the rule hits that ask only because the learned stage doubted them (``doubt_below:``)::

    "rules": [{"category": "urge", "kind": "unless", "phrase": "(urge|urges) [has|is] (passed|...)"}],
    "doubted": []
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import asdict
from typing import Any, TextIO

from bot.paths import add_content_argument
from bot.screening import Screener


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "screen",
        help="screen utterances (one a line on stdin) for crisis categories",
        description="Read one utterance a line on stdin; write one JSON object a line: "
        '{"text": ..., "categories": [sure...], "check": [unsure...], "scores": {category: p}}, '
        "categories most urgent first.",
    )
    p.add_argument("--locale", default="en", help="language of the utterances (default: en)")
    p.add_argument(
        "--explain",
        action="store_true",
        help="also list every phrase, unless, ask_when, closed_by and ask phrase that matched, and the "
        "rule hits the learned stage doubted (for designers)",
    )
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    screener = Screener.from_dir(args.content / "locale", base=args.content)
    screener.check_locale(args.locale)
    # UTF-8 whatever the terminal's locale says; a stray byte must not stop the run
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    try:
        return screen_lines(screener, args.locale, stdin, stdout, explain=args.explain)
    finally:
        stdout.detach()
        stdin.detach()


def screen_lines(
    screener: Screener, locale: str, stdin: TextIO, stdout: TextIO, *, explain: bool = False
) -> int:
    """Screen every line of ``stdin`` into ``stdout``; 0 when input runs out."""
    for line in stdin:
        text = line.rstrip("\r\n")
        found = screener.screen(text, locale)
        record: dict[str, Any] = {
            "text": text,
            "categories": list(found.sure),
            "check": list(found.unsure),
            "scores": {cat: round(p, 3) for cat, p in found.scores.items()},
        }
        if explain:
            record["rules"] = [asdict(m) for m in screener.rules.explain(text, locale)]
            record["doubted"] = list(found.doubted)
        stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0
