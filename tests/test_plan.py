"""The plan as a document (bot/plan.py): every answer of the conversation, grouped, the same
lines as module 10's summary; Reply.plan; the terminal chat writes it to a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.chat import converse
from bot.engine import Engine
from bot.flow import AskState
from bot.plan import GROUPS, PLAN_SLOTS, build_plan, has_entries
from bot.session import UserInput

NOT_IN_PLAN = {
    "country": "which helplines to show; not the person's words",
    "change_stage": "a stage of change, said back in module 1's recap",
    "view_self": "how the person feels about their use (ashamed, numb...): not a plan step",
    "other_way_when": "today or this week: said with the other way in module 5's recap",
    "log_strength": "one remembered urge's strength: the log's own, not a plan step",
    "log_outcome": "whether the person used that time: never written into a printable plan",
    "urge_before": "a 0-10 rating inside the urge SOS",
    "urge_after": "a 0-10 rating inside the urge SOS",
    "plan_person": "yes / no / not sure inside the suicide safety plan; the person is safe_person",
}
"""Slots a flow fills that the plan leaves out, each with its reason."""


def _filled(engine: Engine) -> set[str]:
    out = set()
    for compiled in engine.current.flows.values():
        for state in compiled.flow.states.values():
            if isinstance(state, AskState):
                out.add(state.ask)
            out |= {o.save for o in getattr(state, "options", None) or () if o.save}
    return out


def test_every_answer_a_flow_keeps_is_in_the_plan_or_left_out_for_a_reason(shipped_engine: Engine) -> None:
    filled = _filled(shipped_engine)
    assert filled - set(PLAN_SLOTS) == set(NOT_IN_PLAN), "add the slot to bot/plan.py GROUPS or NOT_IN_PLAN"
    assert set(PLAN_SLOTS) <= filled, sorted(set(PLAN_SLOTS) - filled)
    assert len(PLAN_SLOTS) == len(set(PLAN_SLOTS))


def test_every_text_answer_is_in_the_plan(shipped_engine: Engine) -> None:
    asked = {
        state.ask
        for compiled in shipped_engine.current.flows.values()
        for state in compiled.flow.states.values()
        if isinstance(state, AskState)
    }
    assert asked <= set(PLAN_SLOTS), sorted(asked - set(PLAN_SLOTS))


def test_module_10_says_the_plan_in_the_documents_order(shipped_engine: Engine) -> None:
    summary = shipped_engine.current.flows["my_plan"].flow.states["summary"]
    lines = [ref.if_filled for ref in summary.say if ref.if_filled]
    assert lines == list(PLAN_SLOTS)
    assert [ref.key for ref in summary.say if ref.if_filled] == [f"my_plan.line_{s}" for s in PLAN_SLOTS]
    headings = [(ref.key, ref.if_any) for ref in summary.say if ref.key.startswith("my_plan.group_")]
    assert headings == [
        (f"my_plan.group_{g}", None if g == "people" else list(slots)) for g, slots in GROUPS
    ], "each heading is said when any of its group's slots is filled (people: always, for the services)"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_chat_summary_heads_only_the_groups_that_hold_an_answer(shipped_engine: Engine, lang: str) -> None:
    session, _ = shipped_engine.start(lang, "my_plan")
    session.slots = {"reason": "my niece", "help_step": "Call a helpline"}
    reply = shipped_engine.turn(session, UserInput(choice="show"))
    assert [m.key for m in reply.messages] == [
        "my_plan.summary_head",
        "my_plan.group_reasons", "my_plan.line_reason",
        "my_plan.group_people", "my_plan.line_services",
        "my_plan.group_next_step", "my_plan.line_help_step",
        "my_plan.keep_it",
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_document_groups_the_persons_words(shipped_engine: Engine, lang: str) -> None:
    catalog = shipped_engine.current.catalogs[lang]
    slots = {
        "reason": "my niece",
        "warning_signs": "feeling empty on Sunday nights",
        "lapse_before": "a row with my brother",
        "coping": "call my sister",
        "safe_person": "my GP",
        "help_step": "Call a helpline",
        "country": "gb",
    }
    plan = build_plan(catalog, lang, slots)
    assert [g.id for g in plan.groups] == [g for g, _ in GROUPS]
    by_id = {g.id: g.lines for g in plan.groups}
    assert [line for line in by_id["reasons"] if "my niece" in line]
    assert len(by_id["warning"]) == 2 and "Sunday nights" in by_id["warning"][0]
    assert "a row with my brother" in by_id["warning"][1]
    assert "call my sister" in by_id["urge"][0]
    assert "my GP" in by_id["people"][0] and "0808 1000 900" in by_id["people"][-1]
    assert "Call a helpline" in by_id["next_step"][0]
    assert not plan.empty
    text = plan.to_text()
    assert text.startswith(plan.title + "\n")
    for group in plan.groups:
        assert group.heading in text
    assert "gb" not in text.split()


def test_an_empty_plan_says_so_and_keeps_the_services(shipped_engine: Engine) -> None:
    plan = build_plan(shipped_engine.current.catalogs["en"], "en", None)
    assert plan.empty
    assert [g.id for g in plan.groups if g.lines] == ["people"]
    assert "My reasons" not in plan.to_text()
    assert "Nothing of it is stored on the server" in plan.to_text()


def test_reply_plan_is_true_once_the_plan_holds_an_answer(shipped_engine: Engine) -> None:
    assert not has_entries(None) and not has_entries({}) and not has_entries({"country": "gb"})
    session, reply = shipped_engine.start("en", "my_plan")
    assert reply.plan is False
    reply = shipped_engine.turn(session, UserInput(choice="build"))
    assert reply.plan is False
    reply = shipped_engine.turn(session, UserInput(text="Sunday nights alone with my laptop"))
    assert reply.plan is True


def test_the_terminal_chat_writes_the_plan_to_a_file_the_person_names(
    shipped_engine: Engine, tmp_path: Path
) -> None:
    target = tmp_path / "mi plan.txt"
    typed = f"1\nlos domingos por la noche\n/plan {target}\n/plan\n/plan {tmp_path / 'no' / 'x.txt'}\n"
    out = io.StringIO()
    assert converse(shipped_engine, "es", "my_plan", io.StringIO(typed), out) == 0
    shown = out.getvalue()
    assert "(escribe tu respuesta)" in shown and "(type your answer)" not in shown
    assert "(para guardar tu plan en un archivo, escribe /plan y un nombre de archivo)" in shown
    assert f"Tu plan está guardado en el archivo {target}." in shown
    assert f"! No se pudo guardar el plan en {tmp_path / 'no' / 'x.txt'}: " in shown
    assert shown.count("bot: Tus señales de alarma") == 1, "the reply is not said again after /plan"
    saved = target.read_text(encoding="utf-8")
    assert saved.startswith("Mi plan\n=======\n")
    assert "Mis señales de alarma y detonantes\n" in saved
    assert '- Mis señales de alarma: "los domingos por la noche"' in saved
    assert "/plan" not in saved  # the command itself is not an answer
