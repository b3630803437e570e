"""``redirection-bot schema``: write the JSON Schemas editors use to check flows and scripts.

    redirection-bot schema               # regenerate schemas/ of the content folder
    redirection-bot schema --out DIR     # somewhere else
    redirection-bot schema --check       # exit 1 if schemas/ differs from the models
    redirection-bot schema --stamp       # add the yaml-language-server line where it is missing
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.paths import add_content_argument
from bot.schema import SCHEMA_DIR, stale_schemas, stamp_file, stamped_files, write_schemas


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "schema",
        help="write JSON Schemas of flows, program.yaml and scripts (for editors)",
        description="Write the JSON Schemas of the flow format, program.yaml and the scripted-"
        "conversation format, generated from the models. --stamp adds the line "
        "'# yaml-language-server: $schema=...' to every flow and script that lacks it.",
    )
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help=f"where to write (default: {SCHEMA_DIR}/ of the content folder)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the schema files differ from the models")
    p.add_argument("--stamp", action="store_true",
                   help="add or fix the schema comment in flows/*.yaml and tests/conversations/")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out or args.content / SCHEMA_DIR
    if args.stamp:
        changed = [s.path for s in stamped_files(args.content) if stamp_file(s, out)]
        for path in changed:
            print(f"stamped {_show(path, args.content)}")
        print(f"{len(changed)} file(s) stamped", file=sys.stderr)
        return 0
    if args.check:
        stale = stale_schemas(out)
        for path in stale:
            print(f"{_show(path, args.content)}: differs from the models "
                  "(run `redirection-bot schema`)")
        return 1 if stale else 0
    for path in write_schemas(out):
        print(f"wrote {_show(path, args.content)}")
    return 0


def _show(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
