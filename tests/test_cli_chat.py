"""The terminal chat, compared line by line."""

from __future__ import annotations

import io
from pathlib import Path

from bot.bootstrap import load_engine
from bot.cli.chat import converse


def chat(root: Path, typed: str, locale: str = "en") -> list[str]:
    out = io.StringIO()
    assert converse(load_engine(root), locale, None, io.StringIO(typed), out) == 0
    return out.getvalue().splitlines()


def test_a_conversation_in_the_terminal(tiny: Path) -> None:
    assert chat(tiny, "1\ncalm\nhelp\n1\n9\nend\n") == [
        "bot: What now?",
        "  1. Breathe",
        "  2. Leave",
        "> 1",
        "bot: How do you feel?",
        "  (type your answer)",
        "> calm",
        "bot: You feel: calm.",
        "bot: What now?",
        "  1. Breathe",
        "  2. Leave",
        "> help",
        "bot: Help is here.",
        "  1. Back",
        "> 1",
        "bot: What now?",
        "  1. Breathe",
        "  2. Leave",
        "> 9",
        "bot: Sorry?",
        "bot: What now?",
        "  1. Breathe",
        "  2. Leave",
        "> end",
        "bot: Goodbye.",
    ]


def test_spanish_and_end_of_input(tiny: Path) -> None:
    assert chat(tiny, "respirar\n", "es") == [
        "bot: ¿Y ahora?",
        "  1. Respirar",
        "  2. Salir",
        "> respirar",
        "bot: ¿Cómo te sientes?",
        "  (type your answer)",
        "",
    ]


def test_too_long_input_is_reported_and_the_chat_goes_on(tiny: Path) -> None:
    lines = chat(tiny, "x" * 2001 + "\n2\n")
    assert "! text is longer than 2000 characters" in lines
    assert lines[-1] == "bot: Bye."
