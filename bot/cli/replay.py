"""``redirection-bot replay [PATH...]``: replay scripted conversations, diff what differs.

    redirection-bot replay                          # in-process, every shipped script
    redirection-bot replay --coverage               # and which states and transitions they reach
    redirection-bot replay --fail-under 90          # exit 1 below 90% coverage
    redirection-bot replay --url http://127.0.0.1:8080   # the same scripts over the v1 API
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.bootstrap import load_engine, load_flowset
from bot.coverage import Coverage, render_coverage
from bot.errors import ContentError
from bot.paths import add_content_argument
from bot.script import Driver, EngineDriver, find_scripts, load_script, run_script

DEFAULT_SCRIPTS = Path("tests") / "conversations"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "replay",
        help="replay scripted conversations (in-process or against a server), with coverage",
        description="Replay scripted conversations in-process, or over the v1 API with --url; "
        "print a diff of expected versus actual for each failure. Exit 1 if any script fails "
        "(or coverage is below --fail-under).",
    )
    p.add_argument(
        "paths", nargs="*", type=Path,
        help=f"script files or folders (default: {DEFAULT_SCRIPTS}/ of the content folder)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and the total")
    p.add_argument("--coverage", action="store_true",
                   help="report the states and transitions of each flow the scripts reached, "
                   "and list those they did not")
    p.add_argument("--fail-under", type=float, default=None, metavar="PCT",
                   help="exit 1 if coverage (states and transitions) is below PCT percent; "
                   "implies --coverage")
    p.add_argument("--url", default=None, metavar="URL",
                   help="replay against a running server's v1 API (http://host:port) instead "
                   "of in-process")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="with --url: how long to wait for each reply (default: 10)")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [args.content / DEFAULT_SCRIPTS]
    want_coverage = args.coverage or args.fail_under is not None
    if args.url:
        from bot.remote import HttpDriver

        flowset = load_flowset(args.content) if want_coverage else None

        def driver() -> Driver:
            return HttpDriver(args.url, timeout=args.timeout)
    else:
        engine = load_engine(args.content)
        flowset = engine.current

        def driver() -> Driver:
            return EngineDriver(engine)

    coverage = Coverage(flowset) if want_coverage and flowset is not None else None
    passed = failed = skipped = 0
    for path in find_scripts(paths):
        try:
            script = load_script(path)
        except ContentError as err:
            print(f"FAIL {path}\n  {err}")
            failed += 1
            continue
        if args.url and script.flow is not None:
            skipped += 1
            print(f"skip {path}  (starts in flow '{script.flow}'; the API starts every "
                  "conversation at the program's start)")
            continue
        result = run_script(script, driver())
        if coverage is not None:
            coverage.record(script, result.replies)
        if result.ok:
            passed += 1
            if not args.quiet:
                print(f"ok   {path}  ({script.script})")
            continue
        failed += 1
        print(f"FAIL {path}  ({script.script})")
        if result.error:
            print(f"  turn {len(result.replies)}: crashed: {result.error}")
        for failure in result.failures:
            print(failure.render())
    if coverage is not None:
        sys.stdout.write(render_coverage(coverage))
    total = f"{passed} passed, {failed} failed"
    print(total + (f", {skipped} skipped" if skipped else ""))
    sys.stdout.flush()
    if failed or not passed:
        return 1
    if coverage is not None and args.fail_under is not None and coverage.percent < args.fail_under:
        print(f"coverage {coverage.percent:.1f}% is below --fail-under {args.fail_under:g}%",
              file=sys.stderr)
        return 1
    return 0
