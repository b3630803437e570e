"""The engine's crisis rules (bot/crisis.py): help first and no bare exit (S6), the youth lock
(S7), honest urge ratings. Every state is generated from the compiled flows, never listed by
hand, and every check runs in English and Spanish."""

from __future__ import annotations

import io
from collections import deque

import pytest

from bot.cli.chat import converse
from bot.crisis import note_ratings
from bot.engine import Engine
from bot.flow import AskState, ChoiceState
from bot.resources import KINDS
from bot.session import Reply, Session, UserInput

LOCALES = ["en", "es", "fi"]
ORIGIN = ("why_change", "ask_reason")
"""A module question a crisis message interrupts."""

SENTENCES = {
    "en": {
        "suicide": "I want to kill myself",
        "child_at_risk": "i think im going to hurt a child",
        "minor": "im 14",
        "abused": "I was sexually abused as a kid",
        "distress": "I am panicking and cant breathe",
        "urge": "I have an urge to look at it right now",
    },
    "es": {
        "suicide": "quiero matarme",
        "child_at_risk": "el sábado cuido a mi sobrina y tengo miedo de hacerle daño",
        "minor": "tengo 14 años",
        "abused": "abusaron de mí cuando era niño",
        "distress": "estoy teniendo un ataque de pánico",
        "urge": "tengo ganas de ver ese material ahora mismo",
    },
    "fi": {
        "suicide": "Haluan tappaa itseni",
        "child_at_risk": "pelkään että satutan lasta",
        "minor": "oon 14",
        "abused": "minua käytettiin hyväksi lapsena",
        "distress": "mulla on paniikkikohtaus enkä pysty hengittämään",
        "urge": "mulla on kova halu katsoa sitä materiaalia just nyt",
    },
}
"""A message of each crisis category, as a person types it."""


def at(engine: Engine, locale: str, flow: str, state: str, stack: list[tuple[str, str]] | None = None) -> Session:
    return Session(locale, engine.current.version, flow, state, stack=stack)


def input_states(engine: Engine, flows: set[str]) -> list[tuple[str, str]]:
    return [
        (flow, name)
        for flow in sorted(flows)
        for name, state in engine.current.flows[flow].flow.states.items()
        if isinstance(state, ChoiceState | AskState)
    ]


def phones(reply: Reply) -> list[str]:
    return [r.number for r in reply.resources if r.number and r.tel]


def words(engine: Engine, locale: str, command: str) -> str:
    return engine.current.catalogs[locale].meta.commands[command][0]


# -- S6: help first --------------------------------------------------------------------------


def test_the_sentences_cover_every_crisis_category(shipped_engine: Engine) -> None:
    for locale in LOCALES:
        assert set(SENTENCES[locale]) == set(shipped_engine.current.program.crisis)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", list(SENTENCES["en"]))
def test_the_first_reply_to_a_crisis_message_carries_phone_numbers_in_its_language(
    shipped_engine: Engine, locale: str, category: str
) -> None:
    session = at(shipped_engine, locale, *ORIGIN)
    reply = shipped_engine.turn(session, UserInput(text=SENTENCES[locale][category]))
    assert reply.screened == (category,)
    assert reply.flow == shipped_engine.current.program.crisis[category]
    assert phones(reply), f"{category}: no phone number in the first reply"
    directory = {r.id: r for r in shipped_engine.current.resources.resources}
    for view in reply.resources:
        assert view.kind in KINDS
        assert view.name == directory[view.id].name[locale]
        assert view.description == directory[view.id].description[locale]
        assert directory[view.id].speaks(locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_crisis_flow_shows_numbers_on_entering_it_however_it_is_entered(
    shipped_engine: Engine, locale: str
) -> None:
    for category, flow in shipped_engine.current.program.crisis.items():
        _, reply = shipped_engine.start(locale, flow)
        assert phones(reply), flow
        assert {r.id for r in reply.resources} == {
            r.id for r in shipped_engine.current.resources.for_category(locale, category)
        }


@pytest.mark.parametrize("locale", LOCALES)
def test_a_chosen_country_narrows_the_numbers_of_a_later_crisis_path(
    shipped_engine: Engine, locale: str
) -> None:
    session = at(shipped_engine, locale, *ORIGIN)
    shipped_engine.turn(session, UserInput(command="help"))
    shipped_engine.turn(session, UserInput(choice="country"))
    shipped_engine.turn(session, UserInput(choice="ie"))
    shipped_engine.turn(session, UserInput(choice="back"))
    reply = shipped_engine.turn(session, UserInput(text=SENTENCES[locale]["urge"]))
    assert {r.country for r in reply.resources} <= {"IE", None}
    assert "ie_stop_it_now" in {r.id for r in reply.resources}
    assert "gb_stop_it_now" not in {r.id for r in reply.resources}  # free from the UK only


@pytest.mark.parametrize("locale", LOCALES)
def test_the_terminal_prints_the_numbers_of_the_first_crisis_reply(shipped_engine: Engine, locale: str) -> None:
    for category, sentence in SENTENCES[locale].items():
        out = io.StringIO()
        converse(shipped_engine, locale, ORIGIN[0], io.StringIO(f"1\n1\n1\n{sentence}\n"), out)
        printed = out.getvalue().split(f"> {sentence}\n", 1)[1]
        session = at(shipped_engine, locale, *ORIGIN)
        reply = shipped_engine.turn(session, UserInput(text=sentence))
        for view in reply.resources:
            line = f"  * {view.name}: {view.number}" if view.number else f"  * {view.name}: {view.url}"
            assert line in printed, (category, line)
        assert printed.index("  * ") < printed.index("  1. "), "numbers come before the options"


# -- S6: no bare exit ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("command", ["menu", "help", "end"])
@pytest.mark.parametrize("typed", [True, False], ids=["typed", "control"])
def test_leaving_any_state_of_any_crisis_flow_checks_in_first_with_a_way_back(
    shipped_engine: Engine, locale: str, command: str, typed: bool
) -> None:
    program = shipped_engine.current.program
    crisis = set(program.crisis.values())
    failures = []
    for flow, state in input_states(shipped_engine, crisis):
        user = UserInput(text=words(shipped_engine, locale, command)) if typed else UserInput(command=command)
        session = at(shipped_engine, locale, flow, state, [ORIGIN])
        reply = shipped_engine.turn(session, user)
        if (reply.flow, reply.state) != (program.exit_check, command) or reply.ended:
            failures.append(f"{flow}.{state}: {command} led to {reply.flow}.{reply.state}")
            continue
        if not phones(reply) or [o.id for o in reply.options][:1] != ["back"]:
            failures.append(f"{flow}.{state}: the check-in has no numbers or no way back")
        again = shipped_engine.turn(session, UserInput(choice="back"))
        if (again.flow, again.state, session.stack) != (flow, state, [ORIGIN]):
            failures.append(f"{flow}.{state}: back led to {again.flow}.{again.state}")
        shipped_engine.turn(session, user)
        left = shipped_engine.turn(session, UserInput(choice="safe"))
        youth = flow == program.crisis["minor"]
        expected = {
            "menu": "youth_help" if youth else program.menu,
            "help": "youth_help" if youth else program.help,
            "end": program.exit_check,
        }[command]
        if left.flow != expected or left.ended != (command == "end"):
            failures.append(f"{flow}.{state}: safe after {command} led to {left.flow}.{left.state}")
    assert failures == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_menu_option_of_help_opened_inside_a_crisis_path_checks_in_too(
    shipped_engine: Engine, locale: str
) -> None:
    program = shipped_engine.current.program
    for flow, state in input_states(shipped_engine, set(program.crisis.values()) - {"crisis_minor"}):
        session = at(shipped_engine, locale, flow, state, [ORIGIN])
        shipped_engine.turn(session, UserInput(command="help"))
        shipped_engine.turn(session, UserInput(choice="safe"))
        reply = shipped_engine.turn(session, UserInput(choice="menu"))
        assert (reply.flow, reply.state) == (program.exit_check, "menu"), (flow, state)
        assert shipped_engine.turn(session, UserInput(choice="back")).flow == program.help
        reply = shipped_engine.turn(session, UserInput(choice="back"))
        assert (reply.flow, reply.state) == (flow, state)


def test_outside_a_crisis_path_menu_and_end_leave_at_once(shipped_engine: Engine) -> None:
    session = at(shipped_engine, "en", *ORIGIN)
    assert shipped_engine.turn(session, UserInput(text="menu")).flow == "menu"
    session = at(shipped_engine, "en", *ORIGIN)
    assert shipped_engine.turn(session, UserInput(text="end")).ended


# -- S7: the youth lock ----------------------------------------------------------------------


def after_minor(engine: Engine, locale: str) -> Session:
    session = at(engine, locale, *ORIGIN)
    reply = engine.turn(session, UserInput(text=SENTENCES[locale]["minor"]))
    assert reply.flow == "crisis_minor" and session.youth
    return session


@pytest.mark.parametrize("locale", LOCALES)
def test_nothing_of_the_adult_program_is_reachable_after_minor(shipped_engine: Engine, locale: str) -> None:
    """Walks every state reachable after "I'm 14": every option, the help, menu and end words,
    and a message of every crisis category typed in each state."""
    program = shipped_engine.current.program
    assert program.youth is not None
    allowed = {*program.youth.allow, program.youth.help, program.crisis["minor"]}
    typed = [words(shipped_engine, locale, c) for c in ("help", "menu", "end")]
    typed += list(SENTENCES[locale].values())
    start = after_minor(shipped_engine, locale)
    seen = {(start.flow, start.state)}
    queue = deque([start])
    failures: list[str] = []
    while queue:
        here = queue.popleft()
        state = shipped_engine.current.flows[here.flow].flow.states[here.state]
        inputs = [UserInput(choice=o.id) for o in getattr(state, "options", None) or ()]
        inputs += [UserInput(text=t) for t in typed]
        if isinstance(state, AskState):
            inputs.append(UserInput(text="a walk"))
        for user in inputs:
            session = Session.from_dict(here.to_dict())
            reply = shipped_engine.turn(session, user)
            where = f"{here.flow}.{here.state} {user}"
            if reply.flow not in allowed:
                failures.append(f"{where}: reached {reply.flow}.{reply.state}")
            if any(r.kind == "prevention" for r in reply.resources):
                failures.append(f"{where}: offered an adult prevention service")
            if reply.flow == program.youth.help and not any(r.kind == "youth" for r in reply.resources):
                failures.append(f"{where}: youth help without youth services")
            key = (session.flow, session.state)
            if not reply.ended and key not in seen and len(session.stack or ()) <= 4:
                seen.add(key)
                queue.append(session)
    assert failures == []
    reached = {flow for flow, _ in seen}
    assert {"crisis_minor", "youth_help", "crisis_exit", "crisis_suicide", "crisis_distress"} <= reached
    assert len(seen) > 30


@pytest.mark.parametrize("locale", LOCALES)
def test_under_18_said_with_another_crisis_locks_at_once(shipped_engine: Engine, locale: str) -> None:
    text = {"en": "im 15 and i want to kill myself", "es": "tengo 15 años y quiero matarme",
            "fi": "oon 15 ja haluun tappaa itteni"}[locale]
    session = at(shipped_engine, locale, *ORIGIN)
    reply = shipped_engine.turn(session, UserInput(text=text))
    assert reply.flow == "crisis_suicide" and session.youth
    assert any(r.kind == "youth" for r in reply.resources)
    assert shipped_engine.turn(session, UserInput(text=words(shipped_engine, locale, "menu"))).state == "menu"
    assert shipped_engine.turn(session, UserInput(choice="safe")).flow == "youth_help"


def test_the_youth_lock_survives_the_store(shipped_engine: Engine) -> None:
    session = Session.from_dict(after_minor(shipped_engine, "en").to_dict())
    shipped_engine.turn(session, UserInput(choice="ok"))
    shipped_engine.turn(session, UserInput(choice="okay"))
    reply = shipped_engine.turn(session, UserInput(command="help"))
    assert shipped_engine.turn(session, UserInput(choice="safe")).flow == "youth_help", reply


# -- the urge path answers a rising rating honestly -----------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "rose"),
    [("3", "7", True), ("7", "3", False), ("5", "5", False), ("9", "10", True)],
)
def test_a_higher_second_rating_fills_the_rose_slot(before: str, after: str, rose: bool) -> None:
    session = Session("en", "v", "crisis_urge", "compare",
                      slots={"urge_before": before, "urge_after": after})
    note_ratings(session)
    assert ("urge_rose" in (session.slots or {})) == rose


def test_a_later_lower_rating_clears_the_rose_slot() -> None:
    session = Session("en", "v", "crisis_urge", "compare",
                      slots={"urge_before": "3", "urge_after": "8", "urge_rose": "8"})
    assert session.slots is not None
    session.slots["urge_after"] = "2"
    note_ratings(session)
    assert "urge_rose" not in session.slots


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("before", "after"), [("r3", "r7"), ("r7", "r3"), ("r5", "r5")])
def test_the_urge_path_never_says_you_rode_it_out_when_it_got_stronger(
    shipped_engine: Engine, locale: str, before: str, after: str
) -> None:
    session, _ = shipped_engine.start(locale, "crisis_urge")
    for choice in (before, "done", "breathe", "back"):
        shipped_engine.turn(session, UserInput(choice=choice))
    reply = shipped_engine.turn(session, UserInput(choice=after))
    keys = [m.key for m in reply.messages]
    rose = int(after[1:]) > int(before[1:])
    assert ("crisis_urge.rode_it_out" in keys) == (not rose)
    assert ("crisis_urge.got_stronger" in keys) == rose
    assert phones(reply)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_urge_path_brings_back_the_persons_own_reason_and_tool(shipped_engine: Engine, locale: str) -> None:
    session = at(shipped_engine, locale, *ORIGIN)
    session.slots = {"reason": "my nephews", "coping": "Slow breathing"}
    reply = shipped_engine.turn(session, UserInput(text=SENTENCES[locale]["urge"]))
    assert '"my nephews"' in " ".join(m.text for m in reply.messages)
    reply = shipped_engine.turn(session, UserInput(choice="r6"))
    reply = shipped_engine.turn(session, UserInput(choice="done"))
    assert '"Slow breathing"' in " ".join(m.text for m in reply.messages)
    session, reply = shipped_engine.start(locale, "crisis_urge")
    assert "crisis_urge.your_reason" not in [m.key for m in reply.messages]
