"""The engine: one turn at a time, on shared machines, with plain-data sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import load_engine, load_flowset
from bot.engine import MAX_INPUT_CHARS, Engine
from bot.errors import InputError, SessionEnded, UnknownVersion
from bot.session import Session, UserInput
from tests.contentkit import MENU, MESSAGES, write_content


@pytest.fixture
def engine(tiny: Path) -> Engine:
    return load_engine(tiny)


def keys(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.key for m in reply.messages]


def test_start_says_the_first_state_and_offers_its_options(engine: Engine) -> None:
    session, reply = engine.start("en")
    assert keys(reply) == ["menu.intro"]
    assert [(o.id, o.label) for o in reply.options] == [("breathe", "Breathe"), ("bye", "Leave")]
    assert (reply.flow, reply.state, reply.input, reply.ended) == ("menu", "choose", "choice", False)
    assert (session.flow, session.state, session.seq) == ("menu", "choose", 0)


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(UserInput(choice="breathe"), id="by-id"),
        pytest.param(UserInput(text="1"), id="by-number"),
        pytest.param(UserInput(text="  BREATHE!  "), id="by-label-any-case"),
        pytest.param(UserInput(text="breathe"), id="by-typed-id"),
    ],
)
def test_a_choice_can_be_made_by_id_number_or_label(engine: Engine, user: UserInput) -> None:
    session, _ = engine.start("en")
    reply = engine.turn(session, user)
    assert keys(reply) == ["menu.breathe"]
    assert reply.input == "text"


def test_spanish_labels_match_without_accents(tiny: Path) -> None:
    engine = load_engine(tiny)
    session, _ = engine.start("es")
    assert engine.turn(session, UserInput(text="respirar")).state == "breathe"


@pytest.mark.parametrize("typed", ["7", "0", "purple", "breathe please"])
def test_unknown_choice_repeats_the_question_politely(engine: Engine, typed: str) -> None:
    session, _ = engine.start("en")
    reply = engine.turn(session, UserInput(text=typed))
    assert keys(reply) == ["system.not_understood", "menu.intro"]
    assert [o.id for o in reply.options] == ["breathe", "bye"]
    assert session.state == "choose"


def test_a_stale_button_is_not_understood_rather_than_an_error(engine: Engine) -> None:
    session, _ = engine.start("en")
    reply = engine.turn(session, UserInput(choice="no-such-option"))
    assert keys(reply)[0] == "system.not_understood"


def test_free_text_fills_the_slot_and_is_said_back_literally(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(text="calm {feeling} <b>now</b>\x07"))
    assert reply.messages[0].text == "You feel: calm {feeling} <b>now</b>."
    assert session.slots == {"feeling": "calm {feeling} <b>now</b>"}
    assert reply.state == "choose"  # reflect said, then straight on to the menu


def test_text_over_the_state_limit_is_refused_with_the_limit(tiny: Path) -> None:
    limited = MENU.replace("    ask: feeling\n", "    ask: feeling\n    max: 10\n")
    root = write_content(tiny, flows={"menu.yaml": limited})
    engine = load_engine(root)
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(text="x" * 11))
    assert [m.text for m in reply.messages] == ["Too long, under 10 please.", "How do you feel?"]
    assert session.slots is None


def test_empty_text_asks_again(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    assert keys(engine.turn(session, UserInput(text="   "))) == ["system.empty", "menu.breathe"]


def test_text_beyond_the_engine_bound_is_an_input_error(engine: Engine) -> None:
    session, _ = engine.start("en")
    with pytest.raises(InputError, match="longer than 2000 characters"):
        engine.turn(session, UserInput(text="x" * (MAX_INPUT_CHARS + 1)))


def test_help_interrupts_and_back_resumes_the_same_state(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(text="HELP"))
    assert (reply.flow, keys(reply)) == ("help", ["help.now"])
    assert session.stack == [("menu", "breathe")]
    reply = engine.turn(session, UserInput(choice="back"))
    assert (reply.flow, reply.state, keys(reply)) == ("menu", "breathe", ["menu.breathe"])
    assert session.stack is None


def test_help_word_of_another_language_works_too(engine: Engine) -> None:
    session, _ = engine.start("en")
    assert engine.turn(session, UserInput(text="ayuda")).flow == "help"


def test_menu_command_goes_home_and_forgets_interruptions(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    engine.turn(session, UserInput(command="help"))
    reply = engine.turn(session, UserInput(text="menu"))
    assert (reply.flow, reply.state, session.stack) == ("menu", "choose", None)


def test_end_command_ends_and_forgets_the_slots(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    engine.turn(session, UserInput(text="tired"))
    reply = engine.turn(session, UserInput(text="end"))
    assert (keys(reply), reply.ended, reply.input, reply.options) == (["system.goodbye"], True, "none", ())
    assert session.slots is None
    with pytest.raises(SessionEnded):
        engine.turn(session, UserInput(text="hello"))


def test_reaching_an_end_state_ends_the_conversation(engine: Engine) -> None:
    session, _ = engine.start("en")
    reply = engine.turn(session, UserInput(choice="bye"))
    assert (keys(reply), reply.ended) == (["menu.bye"], True)


def test_an_interrupting_flow_that_ends_offers_to_resume(tiny: Path) -> None:
    help_ending = "flow: help\nstart: now\nstates:\n  now:\n    say: [help.now]\n    end: true\n"
    engine = load_engine(write_content(tiny, flows={"help.yaml": help_ending}))
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(command="help"))
    assert keys(reply) == ["help.now", "resume.offer"]
    assert (reply.flow, [o.id for o in reply.options]) == ("resume", ["resume", "menu"])
    reply = engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == ("menu", "breathe")


def test_several_crisis_categories_run_one_after_another_most_urgent_first(tiny: Path) -> None:
    crisis = (
        "flow: {n}\nstart: s\nstates:\n  s:\n    say: [help.now]\n    options:\n      - id: ok\n"
        "        label: help.opt_back\n        go: check\n  check:\n    say: [help.now]\n    options:\n"
        "      - id: ok\n        label: help.opt_back\n        go: e\n  e:\n    end: true\n"
    )
    program = (
        "program:\n  start: menu\n  menu: menu\n  help: help\n  resume: resume\n"
        "  crisis:\n    suicide: c_one\n    urge: c_two\n"
    )
    flows = {"program.yaml": program, "c_one.yaml": crisis.format(n="c_one"), "c_two.yaml": crisis.format(n="c_two")}
    root = write_content(tiny, flows=flows)
    engine = Engine(load_flowset(root), screen=lambda text, locale: ["urge", "suicide"] if "both" in text else [])
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(text="both of them"))
    assert (reply.flow, reply.screened) == ("c_one", ("urge", "suicide"))
    assert session.slots is None, "screened text is never kept in a slot"
    engine.turn(session, UserInput(choice="ok"))
    assert engine.turn(session, UserInput(choice="ok")).flow == "c_two"
    engine.turn(session, UserInput(choice="ok"))
    reply = engine.turn(session, UserInput(choice="ok"))
    assert reply.flow == "resume"
    reply = engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == ("menu", "breathe")


def test_screening_sees_every_free_text_before_the_flow(engine: Engine) -> None:
    seen: list[tuple[str, str]] = []
    engine.screen = lambda text, locale: seen.append((text, locale)) or []
    session, _ = engine.start("es")
    engine.turn(session, UserInput(text="1"))  # an option's number: a choice, not the person's words
    engine.turn(session, UserInput(text="cansado"))
    engine.turn(session, UserInput(choice="bye"))
    assert seen == [("cansado", "es")]


def test_a_session_finishes_on_the_version_it_started_with(tiny: Path) -> None:
    engine = load_engine(tiny)
    old_session, _ = engine.start("en")
    changed = MESSAGES["en"].replace("How do you feel?", "How are you feeling today?")
    engine.load(load_flowset(write_content(tiny, locale={"en/messages.yaml": changed})))
    new_session, _ = engine.start("en")
    assert old_session.version != new_session.version
    assert engine.turn(old_session, UserInput(choice="breathe")).messages[0].text == "How do you feel?"
    assert engine.turn(new_session, UserInput(choice="breathe")).messages[0].text == "How are you feeling today?"
    engine.forget_versions_except({new_session.version})
    with pytest.raises(UnknownVersion):
        engine.turn(old_session, UserInput(text="x"))


def test_the_same_files_give_the_same_version(tiny: Path) -> None:
    assert load_flowset(tiny).version == load_flowset(tiny).version


def test_sessions_share_one_machine_per_flow(engine: Engine) -> None:
    flowset = engine.current
    machines_before = {fid: id(cf.machine) for fid, cf in flowset.flows.items()}
    sessions = [engine.start("en")[0] for _ in range(1000)]
    for i, s in enumerate(sessions):
        engine.turn(s, UserInput(choice="breathe" if i % 2 else "bye"))
    assert {fid: id(cf.machine) for fid, cf in flowset.flows.items()} == machines_before
    assert {s.state for s in sessions} == {"breathe", "bye"}
    assert all(not hasattr(s, "__dict__") for s in sessions), "sessions are slotted plain data"


def test_session_round_trips_through_a_dict(engine: Engine) -> None:
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    engine.turn(session, UserInput(command="help"))
    assert Session.from_dict(session.to_dict()) == session


def test_unknown_locale_is_refused(engine: Engine) -> None:
    with pytest.raises(InputError, match="unknown locale 'fi' \\(known: en, es\\)"):
        engine.start("fi")


def test_user_input_takes_exactly_one_thing() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        UserInput(choice="a", text="b")


def test_a_crisis_flow_chosen_as_an_option_ends_by_offering_to_resume(tiny: Path) -> None:
    crisis = (
        "flow: c_one\nstart: s\nstates:\n  s:\n    say: [help.now]\n    options:\n      - id: ok\n"
        "        label: help.opt_back\n        go: check\n  check:\n    say: [help.now]\n    options:\n"
        "      - id: ok\n        label: help.opt_back\n        go: e\n  e:\n    end: true\n"
    )
    program = "program:\n  start: menu\n  menu: menu\n  help: help\n  resume: resume\n  crisis:\n    suicide: c_one\n"
    menu = MENU.replace("        go: breathe\n", "        flow: c_one\n").replace(
        "  breathe:\n    say: [menu.breathe]\n    ask: feeling\n    go: reflect\n  reflect:\n"
        "    say: [menu.reflect]\n    go: choose\n", "")
    engine = load_engine(write_content(tiny, flows={"program.yaml": program, "c_one.yaml": crisis, "menu.yaml": menu}))
    session, _ = engine.start("en")
    assert engine.turn(session, UserInput(choice="breathe")).flow == "c_one"
    engine.turn(session, UserInput(choice="ok"))
    reply = engine.turn(session, UserInput(choice="ok"))
    assert (reply.flow, reply.ended) == ("resume", False)
    assert engine.turn(session, UserInput(choice="resume")).state == "choose"


def test_asking_again_repeats_the_question_with_its_privacy_reminder(tiny: Path) -> None:
    flows = {"menu.yaml": MENU.replace("[menu.breathe]", "[menu.intro, menu.breathe, common.privacy_reminder]")}
    locale = {
        "en/more.yaml": "common.privacy_reminder: No names, please.\n",
        "es/more.yaml": "common.privacy_reminder: Sin nombres, por favor.\n",
    }
    engine = load_engine(write_content(tiny, flows=flows, locale=locale))
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    reply = engine.turn(session, UserInput(text=" "))
    assert keys(reply) == ["system.empty", "menu.breathe", "common.privacy_reminder"]


def test_a_message_can_be_said_only_while_slots_are_empty(tiny: Path) -> None:
    menu = MENU.replace("    say: [menu.intro]\n", "    say: [menu.intro, {key: menu.bye, unless: [feeling]}]\n")
    engine = load_engine(write_content(tiny, flows={"menu.yaml": menu}))
    session, reply = engine.start("en")
    assert keys(reply) == ["menu.intro", "menu.bye"]
    engine.turn(session, UserInput(choice="breathe"))
    assert keys(engine.turn(session, UserInput(text="calm"))) == ["menu.reflect", "menu.intro"]


# -- on the shipped program: what the crisis paths rely on ------------------------------------


def test_a_crisis_flow_with_nothing_to_resume_still_ends_in_the_resume_offer(
    shipped_engine: Engine,
) -> None:
    # e.g. the urge SOS chosen from the menu, which clears the stack
    engine = shipped_engine
    session, _ = engine.start("en", "menu")
    reply = engine.turn(session, UserInput(choice="crisis_urge"))
    assert reply.flow == "crisis_urge" and session.stack == [("menu", "choose")]
    for choice in ("r6", "done", "walk", "back", "r2", "okay"):
        reply = engine.turn(session, UserInput(choice=choice))
    assert (reply.flow, reply.state, reply.ended) == ("resume", "offer", False)
    reply = engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == ("menu", "choose")


def test_an_ordinary_flow_still_ends_the_conversation(shipped_engine: Engine) -> None:
    engine = shipped_engine
    session, _ = engine.start("en", "menu")
    reply = engine.turn(session, UserInput(choice="finish"))
    assert reply.ended


def test_an_empty_message_is_not_a_command_even_when_a_command_word_is_punctuation(tiny: Path) -> None:
    language = "language: en\nname: English\ncommands:\n  help: [help, \"?\"]\n  menu: [menu]\n  end: [end]\n"
    engine = load_engine(write_content(tiny, locale={"en/language.yaml": language}))
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    assert keys(engine.turn(session, UserInput(text="  "))) == ["system.empty", "menu.breathe"]
    assert engine.turn(session, UserInput(text=" ? ")).flow == "help"


def test_end_conversation_ends_it_even_with_a_place_to_resume_and_crisis_paths_queued(tiny: Path) -> None:
    youth = (
        "flow: c_one\nstart: s\nstates:\n  s:\n    say: [help.now]\n    options:\n      - id: ok\n"
        "        label: help.opt_back\n        go: check\n  check:\n    say: [help.now]\n    options:\n"
        "      - id: ok\n        label: help.opt_back\n        go: e\n"
        "  e:\n    say: [menu.bye]\n    end: conversation\n"
    )
    other = youth.replace("c_one", "c_two").replace("end: conversation", "end: true")
    program = (
        "program:\n  start: menu\n  menu: menu\n  help: help\n  resume: resume\n"
        "  crisis:\n    minor: c_one\n    urge: c_two\n"
    )
    root = write_content(tiny, flows={"program.yaml": program, "c_one.yaml": youth, "c_two.yaml": other})
    engine = Engine(load_flowset(root), screen=lambda text, locale: ["minor", "urge"])
    session, _ = engine.start("en")
    engine.turn(session, UserInput(choice="breathe"))
    assert engine.turn(session, UserInput(text="i am 15")).flow == "c_one"
    engine.turn(session, UserInput(choice="ok"))
    reply = engine.turn(session, UserInput(choice="ok"))
    assert (keys(reply), reply.ended, session.stack, session.slots) == (["menu.bye"], True, None, None)
