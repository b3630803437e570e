"""``redirection-bot explore``: walk every path of every flow in every language; fail on a crash,
a dead end, a missing key, a broken help word, or a place with no way to the end or help."""

from __future__ import annotations

import argparse
import sys

from bot.engine import FlowSet
from bot.explore import DEFAULT_MAX_DEPTH, DEFAULT_MAX_PATHS, explore
from bot.lint import lint_paths
from bot.paths import add_content_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "explore",
        help="walk every path of every flow, in every language, and report what breaks",
        description="From the start of every flow, try each option, an out-of-range number, "
        "an empty text, a sample answer, an over-long text and the help word, at every place "
        "the conversation can reach. Exit 1 on a crash, a dead end, a missing key, a broken "
        "help word, or a place from which neither the end nor help can be reached; each "
        "failure shows the path that led there.",
    )
    p.add_argument("--max-depth", type=int, default=DEFAULT_MAX_DEPTH, metavar="N",
                   help=f"at most N turns from a flow's start (default: {DEFAULT_MAX_DEPTH})")
    p.add_argument("--max-paths", type=int, default=DEFAULT_MAX_PATHS, metavar="N",
                   help="at most N places explored per language "
                   f"(default: {DEFAULT_MAX_PATHS})")
    p.add_argument("--locale", action="append", default=None,
                   help="explore only this language (repeatable; default: every language)")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content, problems = lint_paths(args.content / "flows", args.content / "locale",
                                   base=args.content)
    errors = [p for p in problems if p.severity == "error"]
    try:
        flowset = FlowSet(content)
    except Exception as err:
        for problem in errors:
            print(problem)
        print(f"FAIL the content cannot be compiled ({type(err).__name__}: {err}); "
              "fix the lint errors above first")
        return 1
    if errors:
        print(f"note: lint reports {len(errors)} error(s); exploring what loaded",
              file=sys.stderr)
    unknown = [loc for loc in args.locale or () if loc not in flowset.catalogs]
    if unknown:
        print(f"unknown language(s): {', '.join(unknown)} "
              f"(known: {', '.join(flowset.catalogs)})", file=sys.stderr)
        return 2
    report = explore(flowset, max_depth=args.max_depth, max_paths=args.max_paths,
                     locales=args.locale)
    for finding in report.findings:
        print(finding.render())
    for locale, places in report.places.items():
        note = " (a bound was reached: not every path was walked)" \
            if locale in report.truncated else ""
        print(f"{locale}: {places} places, {report.turns[locale]} turns{note}")
    print(f"{len(report.findings)} problem(s) found")
    return 0 if report.ok else 1
