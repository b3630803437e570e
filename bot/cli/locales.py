"""``redirection-bot locales``: per language, missing keys and keys whose English changed since
they were translated; ``--mark-translated LANG [KEY...]`` records a translation as done."""

from __future__ import annotations

import argparse
import sys

from bot.content import load_content
from bot.locales import mark_translated, render_status, translation_status
from bot.paths import add_content_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "locales",
        help="translation status: missing keys, and keys whose English changed since translated",
        description="Report, for each language, the keys missing from it and the keys whose "
        "English text changed after they were translated (from the record in "
        "locale/<lang>/translated.yaml). With --mark-translated, record that a language's keys "
        "(all, or those named) are translated from the current English.",
    )
    p.add_argument("--mark-translated", metavar="LANG", default=None,
                   help="record KEYs of LANG (every key it has, if none named) as translated "
                   "from the current English")
    p.add_argument("keys", nargs="*", metavar="KEY", help="with --mark-translated: these keys")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if any language misses a key or has a changed one")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list keys never marked as translated")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    locale_dir = args.content / "locale"
    content, problems = load_content(args.content / "flows", locale_dir, base=args.content)
    if args.keys and not args.mark_translated:
        print("name the language: --mark-translated LANG KEY...", file=sys.stderr)
        return 2
    if args.mark_translated:
        marked = mark_translated(content, locale_dir, args.mark_translated, args.keys or None)
        print(f"marked {len(marked)} key(s) of '{args.mark_translated}' as translated from the "
              "current English")
        return 0
    statuses = translation_status(content, locale_dir)
    sys.stdout.write(render_status(statuses, content, verbose=args.verbose))
    if any(p.severity == "error" for p in problems):
        print("note: the content has errors; run `redirection-bot lint`", file=sys.stderr)
    return 1 if args.check and not all(s.up_to_date for s in statuses) else 0
