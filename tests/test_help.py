"""S2: help is one step away from every state that takes input, in every language, and
``back`` from the help page returns to exactly where the user was."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.flow import AskState, ChoiceState
from bot.session import Session, UserInput

ORIGIN = ("why_change", "ask_reason")
"""Where a crisis flow was interrupted from, for sessions placed inside one."""


def input_states(shipped_engine: Engine) -> list[tuple[str, str]]:
    fs = shipped_engine.current
    return [
        (flow_id, name)
        for flow_id, compiled in sorted(fs.flows.items())
        for name, state in compiled.flow.states.items()
        if isinstance(state, ChoiceState | AskState)
    ]


IN_PATH = ("crisis_suicide", "q_wish")
"""Where the exit check-in was opened from, for sessions placed inside it."""


def place(shipped_engine: Engine, locale: str, flow: str, state: str) -> Session:
    """A session resting at ``flow.state``; inside a crisis flow, as if it interrupted a module;
    at the exit check-in, as if it was opened from a crisis path that interrupted a module."""
    program = shipped_engine.current.program
    stack = None
    if flow in program.crisis.values():
        stack = [ORIGIN]
    elif flow == program.exit_check:
        stack = [ORIGIN, IN_PATH]
    return Session(locale, shipped_engine.current.version, flow, state, stack=stack)


def help_word(shipped_engine: Engine, locale: str) -> str:
    return shipped_engine.current.catalogs[locale].meta.commands["help"][0]


def test_the_walk_covers_every_shipped_flow_that_takes_input(shipped_engine: Engine) -> None:
    flows = {flow for flow, _ in input_states(shipped_engine)}
    assert set(shipped_engine.current.program.crisis.values()) | {"help", "report_material"} <= flows
    assert len(input_states(shipped_engine)) > 60


@pytest.mark.parametrize("locale", ["en", "es"])
def test_typing_the_help_word_anywhere_reaches_help_and_back_returns(
    shipped_engine: Engine, locale: str
) -> None:
    word = help_word(shipped_engine, locale)
    assert word == {"en": "help", "es": "ayuda"}[locale]
    program = shipped_engine.current.program
    help_flow = program.help
    failures = []
    for flow, state in input_states(shipped_engine):
        session = place(shipped_engine, locale, flow, state)
        before = list(session.stack or [])
        reply = shipped_engine.turn(session, UserInput(text=word))
        if flow in program.crisis.values():  # S6: the check-in first, with the numbers
            if (reply.flow, reply.state) != (program.exit_check, "help") or not any(
                r.number for r in reply.resources
            ):
                failures.append(f"{flow}.{state}: '{word}' led to {reply.flow}.{reply.state}")
                continue
            reply = shipped_engine.turn(session, UserInput(choice="safe"))
        youth = program.youth is not None and flow == program.crisis["minor"]
        if reply.flow != (program.youth.help if youth and program.youth else help_flow) or not reply.options:
            failures.append(f"{flow}.{state}: '{word}' led to {reply.flow}.{reply.state}")
            continue
        reply = shipped_engine.turn(session, UserInput(choice="back"))
        # from the help page itself, back goes where the user was before it (else the menu)
        expected = (
            (flow, state)
            if flow not in (help_flow, program.exit_check)
            else (before[-1] if before else (program.menu, "choose"))
        )
        if (reply.flow, reply.state) != expected:
            failures.append(f"{flow}.{state}: back led to {reply.flow}.{reply.state}")
    assert failures == []


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_help_control_works_from_every_crisis_state(shipped_engine: Engine, locale: str) -> None:
    crisis = set(shipped_engine.current.program.crisis.values())
    for flow, state in input_states(shipped_engine):
        if flow not in crisis:
            continue
        session = place(shipped_engine, locale, flow, state)
        check = shipped_engine.turn(session, UserInput(command="help"))
        assert (check.flow, check.state) == ("crisis_exit", "help"), (flow, state)
        helped = shipped_engine.turn(session, UserInput(choice="safe")).flow
        assert helped == ("youth_help" if flow == "crisis_minor" else "help"), (flow, state)  # S7
        reply = shipped_engine.turn(session, UserInput(choice="back"))
        assert (reply.flow, reply.state) == (flow, state)
        assert session.stack == [ORIGIN]  # the interrupted module is still there to resume


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_help_page_names_emergency_numbers_lines_and_that_the_bot_cannot_alert(
    shipped_engine: Engine, locale: str
) -> None:
    _, reply = shipped_engine.start(locale, "help")
    numbers = {r.number for r in reply.resources}
    expected = {
        "en": {"112", "999", "911", "988", "116 123", "0808 1000 900", "1-888-773-8368"},
        "es": {"911", "988", "106", "137", "0800-222-1717", "147", "141"},
    }[locale]
    assert expected <= numbers
    assert reply.resources[0].kind == "emergency"
    keys = [m.key for m in reply.messages]
    assert {"help.child_danger", "help.cannot_alert", "help.stop_it_now"} <= set(keys)
    assert [o.id for o in reply.options] == [
        "back",
        "urge",
        "suicide",
        "child",
        "report",
        "country",
        "menu",
    ]


def test_the_urge_sos_from_help_ends_in_the_offer_to_resume(shipped_engine: Engine) -> None:
    session, _ = shipped_engine.start("en", "why_change")
    origin = (session.flow, session.state)
    shipped_engine.turn(session, UserInput(text="help"))
    reply = shipped_engine.turn(session, UserInput(choice="urge"))
    assert reply.flow == "crisis_urge"
    for choice in ("r8", "done", "walk", "back", "r3", "okay"):
        reply = shipped_engine.turn(session, UserInput(choice=choice))
    assert reply.state == "offer" and reply.flow == shipped_engine.current.program.resume
    reply = shipped_engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == origin
