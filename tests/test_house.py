"""The house in order: one constant for the input length, used by every layer."""

from __future__ import annotations

import re

from bot.flow import MAX_INPUT_CHARS
from bot.paths import REPO_ROOT
from bot.session import Reply
from bot.web.openapi import openapi_document


def test_the_input_length_is_one_constant() -> None:
    literal = re.compile(rf"(?<![\w.]){MAX_INPUT_CHARS}(?![\w.])")
    places = [
        f"{path.relative_to(REPO_ROOT)}:{n}"
        for path in sorted((REPO_ROOT / "bot").rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if literal.search(line) and not line.startswith("MAX_INPUT_CHARS = ")
    ]
    assert places == [], "use bot.flow.MAX_INPUT_CHARS"
    assert Reply((), (), "text", False, "f", "s", "en", 0).max_text == MAX_INPUT_CHARS
    turn = openapi_document()["components"]["schemas"]["TurnRequest"]
    assert turn["properties"]["text"]["maxLength"] == MAX_INPUT_CHARS
