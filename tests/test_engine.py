"""Engine behaviour the crisis paths rely on."""

from __future__ import annotations

from bot.engine import Engine
from bot.session import UserInput


def test_a_crisis_flow_with_nothing_to_resume_still_ends_in_the_resume_offer(
    engine: Engine,
) -> None:
    # e.g. the urge SOS chosen from the menu, which clears the stack
    session, _ = engine.start("en", "menu")
    reply = engine.turn(session, UserInput(choice="crisis_urge"))
    assert reply.flow == "crisis_urge" and session.stack is None
    for choice in ("r6", "done", "walk", "back", "r2", "okay"):
        reply = engine.turn(session, UserInput(choice=choice))
    assert (reply.flow, reply.state, reply.ended) == ("resume", "offer", False)
    reply = engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == ("menu", "choose")


def test_an_ordinary_flow_still_ends_the_conversation(engine: Engine) -> None:
    session, _ = engine.start("en", "menu")
    reply = engine.turn(session, UserInput(choice="finish"))
    assert reply.ended
