"""The bugs issue 13 lists, each pinned by a test that fails on the text it was filed against."""

from __future__ import annotations

import io
import re

import pytest

from bot.cli.chat import converse
from bot.engine import Engine
from bot.flow import AskState
from bot.session import Reply, Session, UserInput


def _walk(engine: Engine, session: Session, *inputs: str) -> Reply:
    """Choose option ids; an input starting with '>' is typed text. Where screening is unsure of
    a typed answer ("the kids visiting at weekends" as a risky time), tap "No" on the check-in as
    a person would: the answer is then taken as it was."""
    reply = None
    for item in inputs:
        user = UserInput(text=item[1:]) if item.startswith(">") else UserInput(choice=item)
        reply = engine.turn(session, user)
        if user.text is not None and reply.flow.startswith("check_in_"):
            reply = engine.turn(session, UserInput(choice="no"))
    assert reply is not None
    return reply


def _text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


@pytest.mark.parametrize(("lang", "fill"), [("en", "Fill in the key parts now"),
                                            ("es", "Completar ahora las partes clave")])
def test_an_empty_plan_says_it_is_empty_once(shipped_engine: Engine, lang: str, fill: str) -> None:
    session, _ = shipped_engine.start(lang, "my_plan")
    reply = _walk(shipped_engine, session, "show")
    assert "my_plan.nothing_yet" in [m.key for m in reply.messages]
    assert _text(reply).count(fill) == 1, "'nothing yet' followed by a near-copy"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_environment_keeps_and_recaps_the_checklist_and_promises_no_plan_b(
    shipped_engine: Engine, lang: str
) -> None:
    session, _ = shipped_engine.start(lang, "environment")
    reply = _walk(shipped_engine, session, "night", "done", "will", "hard", "not_for_me", "will",
                  "done", "limits", ">the kids visiting at weekends")
    assert reply.state == "recap"
    slots = session.slots or {}
    labels = shipped_engine.current.catalogs[lang].messages
    expected = {
        "env_remove": "environment.opt_done", "env_filters": "environment.opt_will",
        "env_shared": "environment.opt_live_alone", "env_private": "environment.opt_not_for_me",
        "env_limits": "environment.opt_will", "env_routines": "environment.opt_done",
    }
    for slot, key in expected.items():
        assert slots[slot] == labels[key].render(None), slot
    keys = [m.key for m in reply.messages]
    assert [k for k in keys if k.startswith("my_plan.line_env_")] == [
        f"my_plan.line_{s}" for s in expected
    ]
    recap = " ".join(m.text for m in reply.messages if m.key.startswith("environment.recap"))
    assert "plan b" not in recap.casefold(), "the recap recalls a plan B no one was asked for"


@pytest.mark.parametrize(("lang", "panic"), [("en", "I'm having a panic attack"),
                                             ("es", "estoy teniendo un ataque de pánico")])
def test_after_the_panic_exercise_continue_brings_back_the_question_once(
    shipped_engine: Engine, lang: str, panic: str
) -> None:
    session, first = shipped_engine.start(lang, "triggers")
    asked = [m.key for m in first.messages]
    reply = _walk(shipped_engine, session, ">" + panic)
    assert reply.flow == "crisis_distress"
    reply = _walk(shipped_engine, session, "breathe", "done", "better", "resume")
    assert (reply.flow, reply.state) == ("triggers", "inner")
    keys = [m.key for m in reply.messages]
    assert keys == ["system.resumed", asked[-1]], "the whole preamble again, with no bridge"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_trigger_log_asks_the_four_things_it_announces(shipped_engine: Engine, lang: str) -> None:
    session, reply = shipped_engine.start(lang, "triggers")
    while reply.state != "log_intro":
        reply = _walk(shipped_engine, session, reply.options[0].id if reply.options else ">x")
    assert re.search(r"\b(four|cuatro)\b", _text(reply))
    questions = 0
    reply = _walk(shipped_engine, session, "try")
    while reply.flow == "triggers" and reply.state.startswith("log_"):
        questions += 1
        reply = _walk(shipped_engine, session, reply.options[0].id)
    assert questions == 4


BARE_ECHO = re.compile(r"^(You wrote|You chose|Escribiste|Elegiste):")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_reflections_not_bare_echoes_and_no_message_opens_with_the_persons_words(
    shipped_engine: Engine, lang: str
) -> None:
    catalog = shipped_engine.current.catalogs[lang]
    echoes = [k for k, t in catalog.messages.items() if t.slots and BARE_ECHO.match(t.render(None))]
    assert echoes == []
    typed = {
        state.ask
        for compiled in shipped_engine.current.flows.values()
        for state in compiled.flow.states.values()
        if isinstance(state, AskState)
    }
    opens = [k for k, t in catalog.messages.items()
             if t.slots and t.slots[0] in typed and not t.parts[0].strip(" \"'“")]
    assert opens == [], "a sentence typed into the slot would start the message"


def test_a_typed_sentence_reads_well_in_the_value_reflection(shipped_engine: Engine) -> None:
    session, reply = shipped_engine.start("en", "why_change")
    reply = _walk(shipped_engine, session, "unsure", "r5", "values", "skip",
                  ">I want to stop because of my niece")
    assert "why_change.reflect_value" in [m.key for m in reply.messages]
    text = _text(reply)
    assert '"I want to stop because of my niece" matters to you' not in text
    assert 'in your words: "I want to stop because of my niece".' in text


IRELAND_MODULES = ("urges", "environment", "my_plan", "more_help")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ireland_is_never_given_the_uk_number(shipped_engine: Engine, lang: str) -> None:
    catalog = shipped_engine.current.catalogs[lang]
    wrong = [k for k, t in catalog.messages.items()
             if re.search(r"(UK and Ireland|Reino Unido e Irlanda):? 0808", t.render(None))]
    assert wrong == []
    for key, template in catalog.messages.items():
        text = template.render(None)
        if key.split(".")[0] in IRELAND_MODULES and "0808 1000 900" in text:
            assert "stopitnow.org.uk/helpline" in text, f"{key}: no word for Ireland"


def test_the_terminal_numbers_the_menu_once_and_speaks_spanish(shipped_engine: Engine) -> None:
    out = io.StringIO()
    converse(shipped_engine, "es", "menu", io.StringIO("1\n"), out)
    shown = out.getvalue()
    assert "  1. 1." not in shown and "  1. Por qué cambiar" in shown
    assert "  13. Atracción y acción" in shown
    out = io.StringIO()
    converse(shipped_engine, "es", "why_change", io.StringIO("1\n1\n4\n"), out)
    assert "(escribe tu respuesta)" in out.getvalue()
    assert "(type your answer)" not in out.getvalue()


CALQUES = [
    "Dejarlo ahora es la única vez que funciona",
    "Vale la pena atrapar el pensamiento",
    "habla de la vergüenza con más calma",
    "Nada, o intento no pensar en ello",
    "Si podrías",
    "si podrías",
]


def test_no_spanish_calques(shipped_engine: Engine) -> None:
    catalog = shipped_engine.current.catalogs["es"]
    found = [(k, c) for k, t in catalog.messages.items() for c in CALQUES if c in t.render(None)]
    assert found == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_module_5_names_sexual_arousal_among_the_needs(shipped_engine: Engine, lang: str) -> None:
    session, reply = shipped_engine.start(lang, "needs")
    assert "arousal" in [o.id for o in reply.options]
    reply = _walk(shipped_engine, session, "arousal")
    label = shipped_engine.current.catalogs[lang].messages["needs.opt_arousal"].render(None)
    assert session.slots == {"need": label}
    assert reply.state == "really"
    assert [m.key for m in reply.messages][:2] == ["needs.arousal", "needs.ideas_arousal"]
