"""Modules 7-12 (urges, environment, wellbeing, my_plan, more_help, feedback): the content rules
a machine can check, the plan's contract with the other modules, and their scripted
conversations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.bootstrap import load_engine, load_flowset
from bot.content import Content, load_content
from bot.engine import Engine
from bot.flow import AskState, ChoiceState, EndState, Flow
from bot.script import EngineDriver, load_script, run_script
from bot.session import UserInput

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "conversations" / "modules"

MODULES = {
    # flow id -> the flow its "continue" option leads to
    "urges": "environment",
    "environment": "wellbeing",
    "wellbeing": "my_plan",
    "my_plan": "more_help",
    "more_help": "feedback",
    "feedback": None,  # the end of the program: the menu, or end the conversation
}
LOCALES = ("en", "es")
PUBLISHED_NUMBERS = {"0808 1000 900", "1-888-773-8368"}
"""Phone numbers of 7 digits or more that the content guide lists and these modules use (Stop It
Now UK and Ireland, Stop It Now US); emergency numbers are too short for the check."""
MAX_BUBBLE = 280


@pytest.fixture(scope="module")
def content() -> Content:
    loaded, problems = load_content(ROOT / "flows", ROOT / "locale", base=ROOT)
    assert not [p for p in problems if p.severity == "error"]
    return loaded


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(ROOT)


def _catalog(flow_id: str, lang: str) -> dict[str, str]:
    data = yaml.safe_load((ROOT / "locale" / lang / f"{flow_id}.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("flow_id", MODULES)
def test_english_and_spanish_catalogs_have_the_same_keys(flow_id: str) -> None:
    assert set(_catalog(flow_id, "en")) == set(_catalog(flow_id, "es"))


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("flow_id", MODULES)
def test_every_bubble_is_short(flow_id: str, lang: str) -> None:
    long = {k: len(v) for k, v in _catalog(flow_id, lang).items() if len(v) > MAX_BUBBLE}
    assert not long, f"bubbles over {MAX_BUBBLE} characters: {long}"


FORBIDDEN = re.compile(r"child porn|pornograf[ií]a infantil|\bkiddie|\bCP\b", re.IGNORECASE)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("flow_id", MODULES)
def test_no_forbidden_terms(flow_id: str, lang: str) -> None:
    bad = {k: v for k, v in _catalog(flow_id, lang).items() if FORBIDDEN.search(v)}
    assert not bad


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("flow_id", MODULES)
def test_only_published_phone_numbers(flow_id: str, lang: str) -> None:
    """Every phone-like number is one the content guide lists: never invent a number."""
    for key, text in _catalog(flow_id, lang).items():
        for number in re.findall(r"\d[\d -]{5,}\d", text):
            if sum(c.isdigit() for c in number) < 7:  # "5-4-3-2-1" is an exercise
                continue
            assert number in PUBLISHED_NUMBERS, f"{key}: {number!r} is not a listed number"


def _flow(content: Content, flow_id: str) -> Flow:
    flow: Flow = content.flows[flow_id]
    if "recap" not in flow.states:
        pytest.skip(f"{flow_id} is still a stub")
    return flow


@pytest.mark.parametrize("flow_id", MODULES)
def test_every_free_text_prompt_carries_the_privacy_reminder(
    content: Content, flow_id: str
) -> None:
    for name, state in _flow(content, flow_id).states.items():
        if isinstance(state, AskState):
            keys = [ref.key for ref in state.say]
            assert "common.privacy_reminder" in keys, f"{flow_id}.{name}"


@pytest.mark.parametrize("flow_id", MODULES)
def test_every_module_ends_with_a_recap_and_a_way_on(content: Content, flow_id: str) -> None:
    recap = _flow(content, flow_id).states["recap"]
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
        assert isinstance(_flow(content, flow_id).states[state], EndState)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("flow_id", MODULES)
def test_every_module_has_two_scripts_per_language(
    content: Content, flow_id: str, lang: str
) -> None:
    _flow(content, flow_id)
    scripts = [load_script(p) for p in SCRIPTS.glob(f"{flow_id}_*.yaml")]
    assert len([s for s in scripts if s.locale == lang]) >= 2


@pytest.mark.parametrize(
    "path", sorted(SCRIPTS.glob("*.yaml")), ids=lambda p: p.stem
)
def test_scripted_conversation(engine: Engine, path: Path) -> None:
    result = run_script(load_script(path), EngineDriver(engine))
    assert result.ok, "\n".join([result.error or "", *(f.render() for f in result.failures)])


def test_every_question_of_these_modules_is_reached_by_a_script(engine: Engine) -> None:
    """Every state that waits for the user (a choice or a question) is where some script rests."""
    reached = set()
    for path in SCRIPTS.glob("*.yaml"):
        result = run_script(load_script(path), EngineDriver(engine))
        reached |= {(r["flow"], r["state"]) for r in result.replies}
    missing = [
        f"{flow_id}.{name}"
        for flow_id in MODULES
        for name, state in engine.current.flows[flow_id].flow.states.items()
        if isinstance(state, ChoiceState | AskState) and (flow_id, name) not in reached
    ]
    assert missing == []


# -- the plan (module 10) ------------------------------------------------------------------

PLAN_SLOTS = {
    "reason", "value", "readiness",            # 1. why change
    "pattern",                                  # 2. understanding my use
    "trigger_inner", "trigger_outer", "high_risk",  # 4. triggers
    "need", "other_way",                        # 5. needs
    "trap", "answer",                           # 6. thinking traps
    "coping",                                   # 7. urges
    "env_step",                                 # 8. environment
    "wellbeing_step",                           # 9. wellbeing
    "warning_signs", "safe_person",             # 10. the plan's own
}
"""The slots the plan gathers: the contract between module 10 and the modules that fill them."""

FIXED_SUMMARY = ["my_plan.summary_head", "my_plan.line_services", "my_plan.missing_parts",
                 "my_plan.keep_it"]


def test_the_plan_summary_gathers_exactly_the_contracted_slots(content: Content) -> None:
    summary = content.flows["my_plan"].states["summary"]
    shown: set[str] = set()
    for ref in summary.say:
        used = {s for cat in content.catalogs.values() for s in cat.messages[ref.key].slots}
        assert len(used) <= 1, f"{ref.key} uses {sorted(used)}: one slot per line"
        if used:
            (slot,) = used
            assert ref.if_filled == slot, f"{ref.key} shows {slot} without `if: {slot}`"
            shown.add(slot)
    assert shown == PLAN_SLOTS


@pytest.mark.parametrize("lang", LOCALES)
def test_a_full_plan_shows_every_answer(engine: Engine, lang: str) -> None:
    session, _ = engine.start(lang, "my_plan")
    session.slots = {slot: f"answer-for-{slot}" for slot in PLAN_SLOTS}
    reply = engine.turn(session, UserInput(choice="show"))
    text = "\n".join(m.text for m in reply.messages)
    for slot in PLAN_SLOTS:
        assert f"answer-for-{slot}" in text
    keys = [m.key for m in reply.messages]
    assert keys[0] == "my_plan.summary_head"
    assert keys[-3:] == FIXED_SUMMARY[1:]
    assert len(keys) == len(PLAN_SLOTS) + len(FIXED_SUMMARY)


@pytest.mark.parametrize("lang", LOCALES)
def test_an_empty_plan_shows_only_the_fixed_parts_and_offers_to_fill_them(
    engine: Engine, lang: str
) -> None:
    session, _ = engine.start(lang, "my_plan")
    reply = engine.turn(session, UserInput(choice="show"))
    assert [m.key for m in reply.messages] == FIXED_SUMMARY
    assert "fill" in [o.id for o in reply.options]


# -- feedback (module 12) ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_feedback_is_tallied_in_aggregate_and_never_kept_with_the_conversation(lang: str) -> None:
    counted: list[tuple[str, str, str]] = []
    engine = Engine(load_flowset(ROOT), tally=lambda *choice: counted.append(choice))
    session, _ = engine.start(lang, "feedback")
    for choice in ("yes", "a_lot", "c7"):
        engine.turn(session, UserInput(choice=choice))
    assert counted == [("feedback", "helped", "a_lot"), ("feedback", "confidence", "c7")]
    assert not session.slots
    reply = engine.turn(session, UserInput(text="10"))  # not an option here: nothing counted
    assert counted[-1] == ("feedback", "confidence", "c7")
    assert reply.state == "recap"


@pytest.mark.parametrize("lang", LOCALES)
def test_typing_a_number_picks_that_confidence(lang: str) -> None:
    counted: list[tuple[str, str, str]] = []
    engine = Engine(load_flowset(ROOT), tally=lambda *choice: counted.append(choice))
    session, _ = engine.start(lang, "feedback")
    engine.turn(session, UserInput(choice="yes"))
    engine.turn(session, UserInput(choice="somewhat"))
    engine.turn(session, UserInput(text="10"))
    assert counted[-1] == ("feedback", "confidence", "c10")
