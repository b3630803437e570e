"""Modules 7-12 (urges, environment, wellbeing, my_plan, more_help, feedback): what the general
content rules (test_content_rules.py) and script runs (test_conversations.py) don't cover - each
module's way on, published numbers only, every question reached by a script, the plan's
contract with the other modules, and feedback counted in aggregate only."""

from __future__ import annotations

import re

import pytest

from bot import plan
from bot.bootstrap import load_flowset
from bot.engine import Engine
from bot.flow import AskState, ChoiceState, EndState, Flow
from bot.paths import REPO_ROOT
from bot.script import EngineDriver, load_script, run_script
from bot.session import UserInput

SCRIPTS = REPO_ROOT / "tests" / "conversations" / "modules"
LOCALES = ("en", "es")

MODULES = {
    # flow id -> the flow its "continue" option leads to
    "urges": "environment",
    "environment": "wellbeing",
    "wellbeing": "my_plan",
    "my_plan": "more_help",
    "more_help": "feedback",
    "feedback": None,  # the end of the program: the menu, or end the conversation
}

PUBLISHED_NUMBERS = {"0808 1000 900", "1-888-773-8368"}
"""Phone numbers of 7 digits or more that CONTENT.md lists and these modules use (Stop It Now UK
and Ireland, Stop It Now US); emergency numbers are too short for the check."""


def _flow(engine: Engine, flow_id: str) -> Flow:
    return engine.current.flows[flow_id].flow


@pytest.mark.parametrize("flow_id", MODULES)
def test_every_module_ends_with_a_recap_leading_on_and_to_the_menu(
    shipped_engine: Engine, flow_id: str
) -> None:
    flow = _flow(shipped_engine, flow_id)
    recap = flow.states["recap"]
    assert isinstance(recap, ChoiceState)
    assert recap.say[0].key == f"{flow_id}.recap"
    by_id = {o.id: o for o in recap.options}
    assert by_id["menu"].target() == ("flow", "menu")
    following = MODULES[flow_id]
    if following is not None:
        assert by_id["continue"].target() == ("flow", following)
    else:
        kind, state = by_id["finish"].target() or ("", "")
        assert kind == "go"
        assert isinstance(flow.states[state], EndState)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("flow_id", MODULES)
def test_only_published_phone_numbers(shipped_engine: Engine, flow_id: str, lang: str) -> None:
    """Never invent a number: every phone-like number is one the content guide lists."""
    messages = shipped_engine.current.catalogs[lang].messages
    for key, template in messages.items():
        if not key.startswith(f"{flow_id}."):
            continue
        for number in re.findall(r"\d[\d -]{5,}\d", template.source):
            if sum(c.isdigit() for c in number) < 7:  # "5-4-3-2-1" is an exercise
                continue
            assert number in PUBLISHED_NUMBERS, f"{key}: {number!r} is not a listed number"


def test_every_question_of_these_modules_is_reached_by_a_script(shipped_engine: Engine) -> None:
    """Every state that waits for the user (a choice or a question) is where some script rests."""
    reached = set()
    for path in SCRIPTS.glob("*.yaml"):
        result = run_script(load_script(path), EngineDriver(shipped_engine))
        reached |= {(r["flow"], r["state"]) for r in result.replies}
    missing = [
        f"{flow_id}.{name}"
        for flow_id in MODULES
        for name, state in _flow(shipped_engine, flow_id).states.items()
        if isinstance(state, ChoiceState | AskState) and (flow_id, name) not in reached
    ]
    assert missing == []


# -- the plan (module 10) ------------------------------------------------------------------

PLAN_SLOTS = set(plan.PLAN_SLOTS)
"""The slots the plan gathers (bot/plan.py): the contract between module 10 and the modules that
fill them."""

FIXED_SUMMARY = ["my_plan.summary_head", "my_plan.group_people", "my_plan.line_services", "my_plan.keep_it"]
"""What the summary always says: its head, people and services (the services line), keeping it."""
EMPTY_SUMMARY = [*FIXED_SUMMARY[:1], "my_plan.nothing_yet", *FIXED_SUMMARY[1:]]
GROUP_HEADINGS = [f"my_plan.group_{g}" for g, _ in plan.GROUPS if g != "people"]


def test_the_plan_summary_gathers_exactly_the_contracted_slots(shipped_engine: Engine) -> None:
    summary = _flow(shipped_engine, "my_plan").states["summary"]
    catalogs = shipped_engine.current.catalogs.values()
    shown: set[str] = set()
    empty = [ref for ref in summary.say if ref.unless]
    assert [ref.key for ref in empty] == ["my_plan.nothing_yet"]
    assert set(empty[0].unless or ()) == PLAN_SLOTS, "'nothing yet' is said only while every plan slot is empty"
    for ref in summary.say:
        used = {s for cat in catalogs for s in cat.messages[ref.key].slots}
        assert len(used) <= 1, f"{ref.key} uses {sorted(used)}: one slot per line"
        if used:
            (slot,) = used
            assert ref.if_filled == slot, f"{ref.key} shows {slot} without `if: {slot}`"
            shown.add(slot)
    assert shown == PLAN_SLOTS


def test_the_slots_the_plan_gathers_are_filled_somewhere(shipped_engine: Engine) -> None:
    filled = set()
    for compiled in shipped_engine.current.flows.values():
        for state in compiled.flow.states.values():
            if isinstance(state, AskState):
                filled.add(state.ask)
            filled |= {o.save for o in getattr(state, "options", None) or () if o.save}
    assert filled >= PLAN_SLOTS, sorted(PLAN_SLOTS - filled)


@pytest.mark.parametrize("lang", LOCALES)
def test_a_full_plan_shows_every_answer(shipped_engine: Engine, lang: str) -> None:
    session, _ = shipped_engine.start(lang, "my_plan")
    session.slots = {slot: f"answer-for-{slot}" for slot in PLAN_SLOTS}
    reply = shipped_engine.turn(session, UserInput(choice="show"))
    text = "\n".join(m.text for m in reply.messages)
    for slot in PLAN_SLOTS:
        assert f"answer-for-{slot}" in text
    keys = [m.key for m in reply.messages]
    assert keys[0] == "my_plan.summary_head"
    assert keys[-1] == "my_plan.keep_it"
    assert [k for k in keys if k.startswith("my_plan.group_")] == [f"my_plan.group_{g}" for g, _ in plan.GROUPS]
    assert len(keys) == len(PLAN_SLOTS) + len(FIXED_SUMMARY) + len(GROUP_HEADINGS)


@pytest.mark.parametrize("lang", LOCALES)
def test_an_empty_plan_shows_only_the_fixed_parts_and_offers_to_fill_them(
    shipped_engine: Engine, lang: str
) -> None:
    session, _ = shipped_engine.start(lang, "my_plan")
    reply = shipped_engine.turn(session, UserInput(choice="show"))
    assert [m.key for m in reply.messages] == EMPTY_SUMMARY
    assert "fill" in [o.id for o in reply.options]


# -- feedback (module 12) ------------------------------------------------------------------


def _counting_engine() -> tuple[Engine, list[tuple[str, ...]]]:
    """An engine whose feedback answers (the ``feedback_answer`` event) land in a list."""
    counted: list[tuple[str, ...]] = []

    def events(name: str, label: str) -> None:
        if name == "feedback_answer":
            counted.append(tuple(label.split(".")))

    return Engine(load_flowset(REPO_ROOT), events=events), counted


@pytest.mark.parametrize("lang", LOCALES)
def test_feedback_is_tallied_in_aggregate_and_never_kept_with_the_conversation(lang: str) -> None:
    engine, counted = _counting_engine()
    session, _ = engine.start(lang, "feedback")
    for choice in ("yes", "a_lot", "down", "c7"):
        engine.turn(session, UserInput(choice=choice))
    assert counted == [
        ("feedback", "helped", "a_lot"), ("feedback", "use", "down"), ("feedback", "confidence", "c7")
    ]
    assert not session.slots
    reply = engine.turn(session, UserInput(text="10"))  # not an option here: nothing counted
    assert counted[-1] == ("feedback", "confidence", "c7")
    assert reply.state == "recap"


@pytest.mark.parametrize("lang", LOCALES)
def test_typing_a_number_picks_that_confidence(lang: str) -> None:
    engine, counted = _counting_engine()
    session, _ = engine.start(lang, "feedback")
    engine.turn(session, UserInput(choice="yes"))
    engine.turn(session, UserInput(choice="somewhat"))
    engine.turn(session, UserInput(choice="skip"))  # rather not say whether use changed: not counted
    engine.turn(session, UserInput(text="10"))
    assert counted == [("feedback", "helped", "somewhat"), ("feedback", "confidence", "c10")]


@pytest.mark.parametrize(("lang", "typed", "option"), [
    ("en", "It has gone up", "up"), ("en", "it has stayed about the same", "same"),
    ("es", "Ha bajado o lo he dejado", "down"),
])
def test_module_12_asks_whether_use_went_down_stayed_or_went_up_counted_in_aggregate_only(
    lang: str, typed: str, option: str
) -> None:
    engine, counted = _counting_engine()
    session, _ = engine.start(lang, "feedback")
    engine.turn(session, UserInput(choice="yes"))
    reply = engine.turn(session, UserInput(choice="not_really"))
    assert reply.state == "use"
    assert [o.id for o in reply.options] == ["down", "same", "up", "skip"]
    reply = engine.turn(session, UserInput(text=typed))
    assert counted[-1] == ("feedback", "use", option)
    assert reply.state == "confidence"
    assert not session.slots
