"""``redirection-bot replay [PATH...]``: replay scripted conversations, diff what differs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.bootstrap import load_engine
from bot.errors import ContentError
from bot.paths import add_content_argument, content_root
from bot.script import EngineDriver, find_scripts, load_script, run_script

DEFAULT_SCRIPTS = Path("tests") / "conversations"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "replay",
        help="replay scripted conversations",
        description="Replay scripted conversations in-process; print a diff of expected versus "
        "actual for each failure. Exit 1 if any script fails.",
    )
    p.add_argument(
        "paths", nargs="*", type=Path,
        help=f"script files or folders (default: {DEFAULT_SCRIPTS}/ of the content folder)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and the total")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = load_engine(args.content)
    paths = args.paths or [content_root() / DEFAULT_SCRIPTS]
    passed = failed = 0
    for path in find_scripts(paths):
        try:
            script = load_script(path)
        except ContentError as err:
            print(f"FAIL {path}\n  {err}")
            failed += 1
            continue
        result = run_script(script, EngineDriver(engine))
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
    print(f"{passed} passed, {failed} failed")
    sys.stdout.flush()
    return 1 if failed or not passed else 0
