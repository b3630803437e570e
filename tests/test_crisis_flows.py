"""The crisis paths as content: every path ends in the offer to resume (S4), messages are
short, never use the wrong words, and never claim anyone is reading or can be alerted (S5)."""

from __future__ import annotations

import re
from collections import deque

import pytest

from bot.engine import Engine
from bot.flow import AskState, EndState
from bot.session import Session, UserInput

ORIGIN = ("why_change", "ask_reason")
OWN_FLOWS = ("crisis_", "report_material", "help")


def crisis_flows(shipped_engine: Engine) -> list[str]:
    return list(shipped_engine.current.program.crisis.values())


YOUTH = "crisis_minor"
"""The youth path ends the whole conversation instead: no adult program content (CONTENT.md)."""


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_path_through_every_crisis_flow_ends_in_the_offer_to_resume(
    shipped_engine: Engine, locale: str
) -> None:
    fs = shipped_engine.current
    crisis = set(crisis_flows(shipped_engine))
    problems = []
    for flow in crisis_flows(shipped_engine):
        states = fs.flows[flow].flow.states
        _, first = shipped_engine.start(locale, flow)
        seen = {first.state}
        queue = deque(seen)
        resumed = closed = 0
        while queue:
            name = queue.popleft()
            state = states[name]
            inputs = [UserInput(choice=o.id) for o in getattr(state, "options", None) or ()]
            if isinstance(state, AskState):
                inputs.append(UserInput(text="a walk"))
            for user in inputs:
                session = Session(locale, fs.version, flow, name, stack=[ORIGIN])
                reply = shipped_engine.turn(session, user)
                if reply.ended:
                    if not isinstance(states.get(reply.state), EndState) or flow != YOUTH:
                        problems.append(f"{flow}.{name} {user}: the conversation ended")
                    closed += 1
                elif reply.flow == flow:
                    if reply.state not in seen:
                        seen.add(reply.state)
                        queue.append(reply.state)
                elif reply.flow == fs.program.resume:
                    resumed += 1
                    assert session.stack == [ORIGIN]
                elif reply.flow not in crisis:
                    problems.append(f"{flow}.{name} {user}: left for {reply.flow}")
        if flow == YOUTH:
            if resumed or not closed:
                problems.append(f"{flow}: the youth path must end the conversation, never resume")
        elif not resumed:
            problems.append(f"{flow}: no path reaches the offer to resume")
        unreached = set(states) - seen - {n for n, s in states.items() if not hasattr(s, "options")}
        if unreached:
            problems.append(f"{flow}: states no walk reached: {sorted(unreached)}")
    assert problems == []


def own_messages(shipped_engine: Engine, locale: str) -> dict[str, str]:
    cat = shipped_engine.current.catalogs[locale]
    return {key: tpl.render({}) for key, tpl in cat.messages.items() if key.startswith(OWN_FLOWS)}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_crisis_and_help_bubbles_are_short(shipped_engine: Engine, locale: str) -> None:
    long = {k: len(v) for k, v in own_messages(shipped_engine, locale).items() if len(v) > 280}
    assert long == {}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_no_message_anywhere_says_child_pornography(shipped_engine: Engine, locale: str) -> None:
    wrong = re.compile(r"child porn|pornograf[ií]a infantil|porno infantil", re.IGNORECASE)
    cat = shipped_engine.current.catalogs[locale]
    assert [k for k, t in cat.messages.items() if wrong.search(t.source)] == []


CLAIMS = re.compile(
    r"I(?: will|'ll| can) (call|alert|contact|notify|tell)|someone (is|will be) (reading|watching)"
    r"|a (counsellor|counselor|person) (is|will)|our team|we will contact|I have (alerted|told)"
    r"|(te )?llamar[ée]|avisar[ée]|alguien (está|estará) leyendo|nuestro equipo",
    re.IGNORECASE,
)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_no_crisis_message_claims_a_person_is_reading_or_that_the_bot_can_alert_anyone(
    shipped_engine: Engine, locale: str
) -> None:
    said = {k: v for k, v in own_messages(shipped_engine, locale).items() if ".opt_" not in k}
    claims = {k: v for k, v in said.items() if CLAIMS.search(v)}  # options are the user's voice
    assert claims == {}


def test_the_claims_check_can_fail() -> None:
    assert CLAIMS.search("Don't worry, I'll alert someone for you.")
    assert CLAIMS.search("Un miembro de nuestro equipo te responderá.")
    assert not CLAIMS.search("I'm a program and cannot alert or contact anyone for you.")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_reply_of_every_crisis_flow_carries_a_phone_number(shipped_engine: Engine, locale: str) -> None:
    """Not only the first: the numbers stay with the person all through a crisis path (S6)."""
    fs = shipped_engine.current
    missing = []
    for flow in crisis_flows(shipped_engine):
        for name, state in fs.flows[flow].flow.states.items():
            if not hasattr(state, "options"):
                continue
            session = Session(locale, fs.version, flow, name, stack=[ORIGIN])
            reply = shipped_engine.turn(session, UserInput(choice=state.options[0].id))
            if reply.flow == flow and not any(r.number for r in reply.resources):
                missing.append(f"{flow}.{reply.state}")
    assert missing == []


def test_the_child_at_risk_urge_tools_ask_about_children_first_and_never_leave_a_child_alone(
    shipped_engine: Engine,
) -> None:
    flow = shipped_engine.current.flows["crisis_child_at_risk"].flow
    leads = [
        (name, opt)
        for name, state in flow.states.items()
        for opt in getattr(state, "options", None) or ()
    ]
    assert all(opt.flow != "crisis_urge" for _, opt in leads), "the general SOS suggests a walk"
    into_tools = {name for name, opt in leads if opt.go == "tools"}
    assert into_tools == {"tools_away", "tools_not_away", "tools_cant_leave"}
    assert {opt.go for _, opt in leads if opt.id == "urge_sos"} == {"tools_away"}
    assert flow.states["tools_away"].say[0].key == "crisis_child_at_risk.ask_away"
    leaving = re.compile(r"walk|outside|shower|bath|paseo|salir|ducha|baño", re.IGNORECASE)
    for locale in ("en", "es"):
        messages = shipped_engine.current.catalogs[locale].messages
        labels = [messages[o.label].render({}) for o in flow.states["tools"].options]  # type: ignore[union-attr]
        assert [label for label in labels if leaving.search(label)] == []


@pytest.mark.parametrize("locale", ["en", "es"])
def test_contact_coming_up_gets_a_plan_before_the_helplines(shipped_engine: Engine, locale: str) -> None:
    session, first = shipped_engine.start(locale, "crisis_child_at_risk")
    assert [o.id for o in first.options] == ["now", "soon"]
    reply = shipped_engine.turn(session, UserInput(choice="soon"))
    assert [m.key.rsplit(".", 1)[1] for m in reply.messages] == [
        "soon_intro", "soon_not_alone", "soon_safe_adult", "soon_leave_early", "soon_call_before",
    ]
    assert any(r.kind == "prevention" or r.kind == "survivors" or r.kind == "youth" for r in reply.resources)
