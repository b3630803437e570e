"""The terminal chat, compared line by line."""

from __future__ import annotations

import io
from pathlib import Path

from bot.bootstrap import load_engine
from bot.cli.chat import converse
from bot.engine import Engine


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


def test_the_terminal_asks_for_free_text_in_the_conversations_language(shipped_engine: Engine) -> None:
    catalogs = shipped_engine.current.catalogs
    assert {"en", "es", "fi"} <= set(catalogs)
    for locale, catalog in catalogs.items():
        out = io.StringIO()
        converse(shipped_engine, locale, "why_change", io.StringIO("1\n" * 10), out)
        prompts = [line for line in out.getvalue().splitlines() if line.startswith("  (")]
        words = {"  " + catalog.messages[key].render({}) for key in ("cli.type_answer", "cli.plan_hint")}
        assert "  " + catalog.messages["cli.type_answer"].render({}) in prompts, locale
        assert set(prompts) <= words, locale  # never another language's words


def test_a_finnish_conversation_in_the_terminal(shipped_engine: Engine) -> None:
    out = io.StringIO()
    converse(shipped_engine, "fi", None, io.StringIO("1\n1\n1\nMä haluun tappaa itteni\n"), out)
    printed = out.getvalue()
    assert printed.startswith("bot: Hei.")
    assert "  1. Kerro lisää" in printed
    after = printed.split("> Mä haluun tappaa itteni\n", 1)[1]
    assert after.startswith("bot: Kiitos, että kerroit.")  # the suicide path, in Finnish
    assert "  * Hätänumero 112 (Suomi): 112" in after
    assert "MIELI" in after
