"""Aggregate counters: each event the engine reports counts once, under a day and content ids
only. A new event name is a row in ``ENGINE_EVENTS`` (or ``WEB_EVENTS`` in
tests/web/test_counting.py, or ``ENTRY_ONLY`` until its flow exists), a line in
``bot.events.EVENTS`` and one in docs/operations.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from bot.counters import CounterError, Counters, field_of
from bot.engine import Engine, FlowSet
from bot.events import EVENTS, entry_events
from bot.paths import REPO_ROOT
from bot.session import Session, UserInput

Steps = Callable[[Engine], tuple[Session | None, list[dict[str, str]]]]


def _walk(flow: str, *steps: dict[str, str], locale: str = "en") -> Steps:
    """Start at ``flow``; the steps are turns, the last of which must report the event."""

    def run(engine: Engine) -> tuple[Session | None, list[dict[str, str]]]:
        session, _ = engine.start(locale, flow)
        return session, list(steps)

    return run


def _start(locale: str) -> Steps:
    def run(engine: Engine) -> tuple[Session | None, list[dict[str, str]]]:
        engine.start(locale)
        return None, []

    return run


ENGINE_EVENTS = [
    pytest.param("conversation_started", "es", _start("es"), id="conversation_started"),
    pytest.param("module_reached", "urges", _walk("menu", {"choice": "urges"}), id="module_reached-menu"),
    pytest.param("module_reached", "urges", _walk("menu", {"text": "7"}), id="module_reached-typed"),
    pytest.param("module_completed", "report_material",
                 _walk("report_material", {"choice": "uk"}, {"choice": "ok"}, {"choice": "okay"},
                       {"choice": "menu"}), id="module_completed-to-menu"),
    pytest.param("module_completed", "feedback",
                 _walk("feedback", {"choice": "no"}, {"choice": "finish"}), id="module_completed-end"),
    pytest.param("crisis_entered", "suicide",
                 _walk("why_change", {"text": "I dont want to live anymore"}), id="crisis_entered-typed"),
    pytest.param("crisis_entered", "urge",
                 _walk("report_material", {"choice": "uk"}, {"choice": "ok"}, {"choice": "urge"}),
                 id="crisis_entered-chosen"),
    pytest.param("feedback_answer", "feedback.helped.somewhat",
                 _walk("feedback", {"choice": "yes"}, {"text": "Somewhat"}), id="feedback_answer-typed"),
    pytest.param("feedback_answer", "feedback.confidence.c10",
                 _walk("feedback", {"choice": "yes"}, {"choice": "a_lot"}, {"choice": "skip"}, {"text": "10"},
                       locale="es"),
                 id="feedback_answer-es"),
    pytest.param("feedback_answer", "feedback.use.down",
                 _walk("feedback", {"choice": "yes"}, {"choice": "somewhat"}, {"choice": "down"}),
                 id="feedback_answer-use"),
    pytest.param("lapse_entered", "", _walk("why_change", {"text": "I looked at it again last night"}),
                 id="lapse_entered-typed"),
]
WEB_EVENTS = {"quick_exit"}
"""Reported by the web layer (tests/web/test_counting.py)."""
ENTRY_ONLY = {"check_in_shown"}
"""Flows other areas add (check-ins, the lapse path): their classification is tested below; at
merge, move them to ``ENGINE_EVENTS`` with a real walk."""


@pytest.fixture(scope="module")
def flowset() -> FlowSet:
    return FlowSet.from_paths(REPO_ROOT / "flows", REPO_ROOT / "locale")


def _recording(flowset: FlowSet, shipped_engine: Engine) -> tuple[Engine, list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    engine = Engine(flowset, screen=shipped_engine.screen, lapse=shipped_engine.lapse,
                    events=lambda name, label: seen.append((name, label)))
    return engine, seen


@pytest.mark.parametrize(("name", "label", "steps"), ENGINE_EVENTS)
def test_each_event_is_reported_once_by_the_step_that_causes_it(
    flowset: FlowSet, shipped_engine: Engine, name: str, label: str, steps: Steps
) -> None:
    engine, seen = _recording(flowset, shipped_engine)
    session, turns = steps(engine)
    for i, what in enumerate(turns):
        before = len(seen)
        assert session is not None
        engine.turn(session, UserInput(**what))
        caused = [e for e in seen[before:] if e[0] == name]
        if i < len(turns) - 1:
            assert (name, label) not in caused, f"{name}:{label} counted early, at step {what}"
        else:
            assert caused == [(name, label)]
    if not turns:
        assert [e for e in seen if e[0] == name] == [(name, label)]
    for event, lab in seen:  # every label is a content id, never the words typed
        field_of(event, lab)


def test_leaving_a_module_for_a_crisis_path_or_by_command_does_not_complete_it(
    flowset: FlowSet, shipped_engine: Engine
) -> None:
    engine, seen = _recording(flowset, shipped_engine)
    session, _ = engine.start("en", "report_material")
    for what in ({"choice": "uk"}, {"choice": "ok"}, {"choice": "urge"}):  # to the urge SOS
        engine.turn(session, UserInput(**what))
    engine.turn(session, UserInput(text="menu"))
    engine.turn(session, UserInput(command="help"))
    assert [e for e in seen if e[0] == "module_completed"] == []


def test_a_held_turn_reports_its_events_only_when_given_back(flowset: FlowSet, shipped_engine: Engine) -> None:
    """A turn the web may not keep (typed words that came late: bot/web/conversation.py) holds
    its events; a crisis it opens is counted once, when the turn is kept."""
    engine, seen = _recording(flowset, shipped_engine)
    session, _ = engine.start("en")
    seen.clear()
    held: list[tuple[str, str]] = []
    engine.turn(session, UserInput(text="i'm going to kill myself tonight"), held=held)
    assert ("crisis_entered", "suicide") in held and seen == []
    other, _ = engine.start("es")
    engine.turn(other, UserInput(text="me voy a matar esta noche"))  # not held: reported at once
    assert seen.count(("crisis_entered", "suicide")) == 1
    engine.report(held)
    assert seen.count(("crisis_entered", "suicide")) == 2


def test_every_event_name_has_a_test_and_a_line_in_the_operations_guide() -> None:
    tested = {p.values[0] for p in ENGINE_EVENTS} | WEB_EVENTS | ENTRY_ONLY
    assert tested == set(EVENTS)
    guide = (REPO_ROOT / "docs" / "operations.md").read_text("utf-8")
    for name in EVENTS:
        assert f"`{name}`" in guide, f"docs/operations.md does not list the event {name}"


def test_check_ins_and_the_lapse_path_are_counted_on_entry(flowset: FlowSet) -> None:
    flows = {fid: c.flow for fid, c in flowset.flows.items()}
    flows["check_in_urge"] = flows["urges"]
    program = flowset.program
    assert program.lapse is not None
    events = entry_events(program, flows)
    assert events["check_in_urge"] == ("check_in_shown", "urge")
    assert events[program.lapse] == ("lapse_entered", "")
    assert events["crisis_suicide"] == ("crisis_entered", "suicide")
    assert events["urges"] == ("module_reached", "urges")
    assert {"welcome", "menu", "help", "resume"}.isdisjoint(events)


def test_counters_keep_day_and_field_only(flowset: FlowSet) -> None:
    clock = SimpleNamespace(now=1_764_547_200.0)  # 2025-12-01 00:00 UTC
    counters = Counters(clock=lambda: clock.now)
    engine = Engine(flowset, events=counters)
    session, _ = engine.start("en", "menu")
    engine.turn(session, UserInput(choice="wellbeing"))
    clock.now += 86_400 - 0.5  # still the first day, then the next
    engine.start("en")
    clock.now += 1
    engine.start("es")
    assert counters.take() == {
        ("2025-12-01", "conversation_started:en"): 2,
        ("2025-12-01", "module_reached:wellbeing"): 1,
        ("2025-12-02", "conversation_started:es"): 1,
    }
    assert counters.take() == {}


@pytest.mark.parametrize(("name", "label", "message"), [
    ("conversation_ended", "en", "unknown event 'conversation_ended'"),
    ("crisis_entered", "I want to die", "not a content id"),
    ("module_reached", "x" * 201, "not a content id"),
    ("conversation_started", "es/MX", "not a content id"),
    ("module_reached", "urges:extra", "not a content id"),
])
def test_counters_refuse_unknown_events_and_labels_that_are_not_ids(name: str, label: str, message: str) -> None:
    with pytest.raises(CounterError, match=re.escape(message)) as err:
        Counters()(name, label)
    assert label == "en" or label not in str(err.value)  # never echoes what could be typed text


def test_counts_taken_and_given_back_are_not_lost() -> None:
    counters = Counters(clock=lambda: 0.0)
    counters("quick_exit")
    taken = counters.take()
    counters("quick_exit")
    counters.give_back(taken)  # the store refused the write
    assert counters.take() == {("1970-01-01", "quick_exit"): 2}
