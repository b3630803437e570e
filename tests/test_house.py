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


def test_state_kinds_answer_through_methods() -> None:
    from bot.flow import AskState, ChoiceState, EndState, SayState

    choice = ChoiceState.model_validate({"options": [{"id": "a", "label": "k.a", "go": "x"}]})
    ask = AskState.model_validate({"ask": "why", "go": "x"})
    assert [o.id for o in choice.choices()] == ["a"]
    assert list(ask.choices()) == []
    assert list(SayState.model_validate({"go": "x"}).choices()) == []
    assert list(EndState.model_validate({"end": True}).choices()) == []
    probing = re.compile(r"getattr\([^)]*[\"'](options|ask|max|end)[\"']")
    places = [f"{p.relative_to(REPO_ROOT)}:{n}" for p in sorted((REPO_ROOT / "bot").rglob("*.py"))
              for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
              if probing.search(line)]
    assert places == []
