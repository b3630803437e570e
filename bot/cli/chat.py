"""``redirection-bot chat``: a real conversation in the terminal.

Options are numbered; type a number, the option's words, free text, ``help`` or ``end``.
Once the plan holds an answer, ``/plan FILE`` writes it to that file (plain text), and nothing
else keeps it. Reads plain lines, so a conversation can be piped in::

    printf '1\n1\n' | redirection-bot chat --locale es
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.errors import InputError
from bot.paths import add_content_argument
from bot.plan import build_plan
from bot.resources import plain_line
from bot.session import Reply, ResourceView, Session, UserInput

PLAN_COMMAND = "/plan"


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
    interactive = stdin.isatty()
    hint, plan_hint = _words(engine, session, "cli.type_answer"), _words(engine, session, "cli.plan_hint")
    resources: tuple[ResourceView, ...] = ()
    shown = False
    while True:
        if not shown:
            show(reply, stdout, hint=hint, shown=resources)
            resources = reply.resources or resources
            if reply.plan and not reply.ended:
                stdout.write(f"  {plan_hint}\n")
        shown = False
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
        if typed.strip().split(" ", 1)[0].casefold() == PLAN_COMMAND:
            stdout.write(save_plan(engine, session, typed.strip()[len(PLAN_COMMAND):].strip()) + "\n")
            shown = True  # the question stands: ask for the answer again, without repeating it
            continue
        try:
            reply = engine.turn(session, UserInput(text=typed))
        except InputError as err:
            stdout.write(f"! {err}\n")


DEFAULT_WORDS = {
    "cli.type_answer": "(type your answer)",
    "cli.plan_hint": "(to save your plan to a file, type /plan and a file name)",
    "cli.plan_saved": "Your plan is saved in the file {path}.",
    "cli.plan_not_saved": "The plan could not be saved in {path}: {reason}",
}
"""For content without the terminal's words (the shipped catalogs have them, cli.yaml)."""


def _words(engine: Engine, session: Session, key: str, slots: dict[str, str] | None = None) -> str:
    message = engine.versions[session.version].catalogs[session.locale].messages.get(key)
    if message is None:
        return DEFAULT_WORDS[key].format(**(slots or {}))
    return message.render(slots)


def save_plan(engine: Engine, session: Session, name: str) -> str:
    """Write the plan of ``session`` to the file ``name``; the line to show either way."""
    if not name:
        return _words(engine, session, "cli.plan_hint")
    path = Path(name).expanduser()
    fs = engine.versions[session.version]
    plan = build_plan(fs.catalogs[session.locale], session.locale, session.slots)
    try:
        path.write_text(plan.to_text(), encoding="utf-8")
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return "! " + _words(engine, session, "cli.plan_not_saved", {"path": str(path), "reason": reason})
    return _words(engine, session, "cli.plan_saved", {"path": str(path)})


def show(
    reply: Reply, out: TextIO, width: int = 78, hint: str = "(type your answer)",
    shown: tuple[ResourceView, ...] = (),
) -> None:
    """The reply's messages, its helplines ("name: number (url)", one a line, never wrapped;
    only when they differ from those ``shown`` just before), then the numbered options."""
    for message in reply.messages:
        for i, paragraph in enumerate(message.text.splitlines() or [""]):
            out.write(textwrap.fill(paragraph, width, initial_indent="bot: " if i == 0 else "     ",
                                    subsequent_indent="     ") + "\n")
    if reply.resources and reply.resources != shown:
        for resource in reply.resources:
            out.write(f"  * {plain_line(resource)}\n")
    for n, option in enumerate(reply.options, start=1):
        # a label that already starts with its own number ("1. Why change") is not numbered twice
        label = option.label if option.label.startswith(f"{n}. ") else f"{n}. {option.label}"
        out.write(f"  {label}\n")
    if reply.input in ("text", "choice_or_text"):
        out.write(f"  {hint}\n")
