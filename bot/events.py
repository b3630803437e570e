"""What the engine and the web layer report for the aggregate counters: event names, their
labels, and which flow entries count as which event.

An event is ``(name, label)``: a name from ``EVENTS`` and a label that is a language code, a
flow id, a screening category or a ``flow.state.option`` id from the content, never anything a
person typed. ``bot.counters`` adds them up per day; nothing links an event to a conversation.
docs/operations.md lists the same names: a new event is a line here, a line there, and a row in
the table of ``tests/test_counters.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.flow import Flow, Program

__all__ = ["EVENTS", "Events", "entry_events"]

Events = Callable[[str, str], None]
"""``events(name, label)``: the one hook the engine and the web layer report events through."""

EVENTS: dict[str, str] = {
    "conversation_started": "the conversation's language (en, es)",
    "module_reached": "the module's flow id, each time a conversation enters it",
    "module_completed": "the module's flow id, when it is left by its own last choice or ends",
    "crisis_entered": "the screening category of the crisis path (suicide, urge, ...)",
    "check_in_shown": "the category of the check-in (flow check_in_<category>)",
    "lapse_entered": "empty: the lapse path was entered",
    "feedback_answer": "flow.state.option of a `tally: true` choice (feedback.helped.a_lot)",
    "quick_exit": "empty: someone left with the quick exit",
}
"""Every event name, with what its label holds."""

CHECK_IN_PREFIX = "check_in_"


def entry_events(program: Program, flows: Mapping[str, Flow]) -> dict[str, tuple[str, str]]:
    """Flow id -> the event reported when a conversation enters that flow.

    Crisis paths are the program's ``crisis`` flows; check-ins are flows named
    ``check_in_<category>``; the lapse path is the program's ``lapse`` flow (if it has one);
    modules are the other flows the menu leads to (not the program's start, menu, help or resume).
    """
    out: dict[str, tuple[str, str]] = {}
    for category, flow in program.crisis.items():
        out[flow] = ("crisis_entered", category)
    for fid in flows:
        if fid.startswith(CHECK_IN_PREFIX) and fid not in out:
            out[fid] = ("check_in_shown", fid.removeprefix(CHECK_IN_PREFIX))
    lapse = getattr(program, "lapse", None)
    if isinstance(lapse, str) and lapse in flows and lapse not in out:
        out[lapse] = ("lapse_entered", "")
    roles = {program.start, program.menu, program.help, program.resume}
    menu = flows.get(program.menu)
    for state in menu.states.values() if menu else ():
        for opt in getattr(state, "options", None) or ():
            if opt.flow is not None and opt.flow not in roles and opt.flow not in out:
                out[opt.flow] = ("module_reached", opt.flow)
    return out
