"""load_engine: the one way entry points get an engine, always with screening (S1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.bootstrap import load_engine
from bot.counters import Counters
from bot.engine import Engine
from bot.errors import ContentError
from bot.paths import REPO_ROOT
from bot.session import UserInput


def test_the_engine_screens_free_text(shipped_engine: Engine) -> None:
    assert shipped_engine.screen is not None
    session, _ = shipped_engine.start("en", "why_change")
    reply = shipped_engine.turn(session, UserInput(text="i dont want to live anymore"))
    assert (reply.flow, reply.screened) == ("crisis_suicide", ("suicide",))


def test_a_language_without_screening_patterns_refuses_to_start(tmp_path: Path) -> None:
    for folder in ("flows", "locale", "resources"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    (tmp_path / "locale" / "es" / "screening.yaml").unlink()
    with pytest.raises(ContentError, match=r"language 'es' has no screening\.yaml"):
        load_engine(tmp_path)


def test_feedback_choices_are_counted_in_aggregate_and_kept_nowhere_else(shipped_engine: Engine) -> None:
    counters = shipped_engine.events
    assert isinstance(counters, Counters)
    session, _ = shipped_engine.start("en", "feedback")
    reply = shipped_engine.turn(session, UserInput(choice="yes"))
    where = (counters.day(), f"feedback_answer:feedback.{reply.state}.a_lot")
    counters.take()  # what earlier tests left pending
    shipped_engine.turn(session, UserInput(choice="a_lot"))
    assert counters.take() == {where: 1}
    assert session.slots is None  # nothing of the answer stays with the conversation
