"""Logs tell nothing (P7): walking every crisis path at DEBUG, with every library logger at
DEBUG too, no record names a crisis flow or one of its states; asyncio's accept errors are
rate-limited; library records keep only their level, logger and exception type."""

from __future__ import annotations

import logging
import re
from collections import deque

import pytest

from bot.engine import Engine
from bot.flow import AskState
from bot.logs import SCRUBBED_LOGGERS, Scrub, scrub_library_logs
from bot.session import Session, UserInput

ORIGIN = ("why_change", "ask_reason")


def _crisis_names(engine: Engine) -> set[str]:
    """Crisis flow names, and state names found only in crisis flows."""
    fs = engine.current
    crisis = set(fs.program.crisis.values())
    elsewhere = {s for name, f in fs.flows.items() if name not in crisis for s in f.flow.states}
    states = {s for name in crisis for s in fs.flows[name].flow.states} - elsewhere
    return crisis | states


def _walk(engine: Engine, locale: str) -> int:
    """Every option and a text answer in every state of every crisis flow; the turns taken."""
    fs = engine.current
    turns = 0
    for flow in fs.program.crisis.values():
        states = fs.flows[flow].flow.states
        _, first = engine.start(locale, flow)
        seen = {first.state}
        queue = deque(seen)
        while queue:
            name = queue.popleft()
            state = states[name]
            inputs = [UserInput(choice=o.id) for o in state.choices()]
            if isinstance(state, AskState):
                inputs.append(UserInput(text="I feel awful"))
            for user in inputs:
                reply = engine.turn(Session(locale, fs.version, flow, name, stack=[ORIGIN]), user)
                turns += 1
                if reply.flow == flow and not reply.ended and reply.state not in seen:
                    seen.add(reply.state)
                    queue.append(reply.state)
    return turns


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_crisis_path_at_debug_leaves_no_crisis_name_in_any_record(
    shipped_engine: Engine, locale: str, caplog: pytest.LogCaptureFixture
) -> None:
    scrub_library_logs()  # as load_engine and the web app do
    caplog.set_level(logging.DEBUG)
    for name in (*SCRUBBED_LOGGERS, "transitions", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)  # a deployer who turns everything up
    names = _crisis_names(shipped_engine)
    assert "crisis_suicide" in names and len(names) > 10
    assert _walk(shipped_engine, locale) > 20
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    formatter = logging.Formatter("%(name)s %(message)s %(exc_info)s")
    leaks = [line for rec in caplog.records if pattern.search(line := formatter.format(rec))]
    assert leaks == []


def test_transitions_says_nothing_below_warning_and_nothing_of_states_above() -> None:
    scrub = Scrub(quiet_below=logging.WARNING)
    info = logging.LogRecord("transitions.core", logging.INFO, "core.py", 1,
                             "%sFinished processing state %s enter callbacks.", ("", "q_wish"), None)
    assert scrub.filter(info) is False
    warning = logging.LogRecord("transitions.core", logging.WARNING, "core.py", 1,
                                "state %s", ("q_wish",), None)
    assert scrub.filter(warning) is True
    assert "q_wish" not in warning.getMessage()


def test_a_flood_of_accept_errors_writes_one_line_per_window() -> None:
    now = [0.0]
    scrub = Scrub(window=10.0, clock=lambda: now[0])

    def accept_error() -> logging.LogRecord:
        try:
            raise OSError(24, "Too many open files")
        except OSError:
            import sys

            return logging.LogRecord("asyncio", logging.ERROR, "base_events.py", 1,
                                     "socket.accept() out of system resource\nsocket: %r",
                                     ("<socket laddr=('127.0.0.1', 8080)>",), sys.exc_info())

    passed = [r for _ in range(60_000) if scrub.filter(r := accept_error())]
    assert len(passed) == 1
    assert "127.0.0.1" not in passed[0].getMessage() and passed[0].exc_info is None
    now[0] = 10.5
    later = accept_error()
    assert scrub.filter(later)
    assert "59999 more like it" in later.getMessage()
