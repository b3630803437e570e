"""``redirection-bot chat``: a real conversation in the terminal.

Options are numbered; type a number, the option's words, free text, ``help`` or ``end``.
Reads plain lines, so a conversation can be piped in::

    printf '1\n1\n' | redirection-bot chat --locale es
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TextIO

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.errors import InputError
from bot.paths import add_content_argument
from bot.resources import plain_line
from bot.session import Reply, ResourceView, UserInput


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("chat", help="talk to the bot in the terminal")
    p.add_argument("--locale", default="en", help="language of the conversation (default: en)")
    p.add_argument("--flow", default=None, help="start in this flow instead of the program's start")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    engine = load_engine(args.content)
    return converse(engine, args.locale, args.flow, sys.stdin, sys.stdout)


def converse(engine: Engine, locale: str, flow: str | None, stdin: TextIO, stdout: TextIO) -> int:
    """Run one conversation between ``stdin`` and ``stdout``; 0 when it ends or input runs out."""
    session, reply = engine.start(locale, flow)
    type_answer = engine.current.catalogs[session.locale].messages["system.type_answer"].render({})
    interactive = stdin.isatty()
    shown: tuple[ResourceView, ...] = ()
    while True:
        show(reply, stdout, shown=shown, type_answer=type_answer)
        shown = reply.resources or shown
        if reply.ended:
            return 0
        if interactive:
            stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        typed = line.rstrip("\r\n")
        if not interactive:
            stdout.write(f"> {typed}\n")
        try:
            reply = engine.turn(session, UserInput(text=typed))
        except InputError as err:
            stdout.write(f"! {err}\n")


def show(
    reply: Reply, out: TextIO, width: int = 78, shown: tuple[ResourceView, ...] = (), *, type_answer: str
) -> None:
    """The reply's messages, its helplines ("name: number (url)", one a line, never wrapped;
    only when they differ from those ``shown`` just before), then the numbered options, or
    ``type_answer`` (in the conversation's language) where free text is asked for."""
    for message in reply.messages:
        for i, paragraph in enumerate(message.text.splitlines() or [""]):
            out.write(textwrap.fill(paragraph, width, initial_indent="bot: " if i == 0 else "     ",
                                    subsequent_indent="     ") + "\n")
    if reply.resources and reply.resources != shown:
        for resource in reply.resources:
            out.write(f"  * {plain_line(resource)}\n")
    for n, option in enumerate(reply.options, start=1):
        out.write(f"  {n}. {option.label}\n")
    if reply.input in ("text", "choice_or_text"):
        out.write(f"  {type_answer}\n")
