"""The ``redirection-bot`` command: one module per subcommand, registered in ``COMMANDS``.

Each command module has ``register(subparsers)``, which adds its parser and sets ``func`` to a
function taking the parsed arguments and returning the exit code. Errors from the engine are
turned into messages here, at the edge.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.errors import BotError

COMMANDS = (
    "serve", "report", "chat", "lint", "replay", "screen", "train-screener", "explore", "graph", "locales", "schema",
)
"""Subcommand modules under ``bot.cli``, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redirection-bot",
        description="An anonymous self-help chatbot: content tools, terminal chat and server.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bot.cli.{name.replace('-', '_')}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BotError as err:
        print(f"redirection-bot: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
