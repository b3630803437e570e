"""Which states and transitions of the flows scripted conversations reach, and which they miss.

Definitions (docs/test-tools.md says the same for testers):

- A **state** is reached when a reply rests in it (the reply's ``flow`` and ``state``), or when
  the conversation passes through it on the way there: the say and end states entered after a
  choice or an answer, and the start states of flows entered, which the flow files fix.
- A **transition** is a way out of a state, ``(flow, state, trigger)`` (see ``bot.graph``):
  ``choose:<option id>`` for an option, ``answer`` for text kept in an ask state's slot and
  ``next`` for a say state. It is reached when a turn takes it: the user chose that option (by
  button, number or words) or typed an answer the state kept, or a say state led on by itself.
  Commands (help, menu, end), crisis interruptions and repeated questions ("sorry, I didn't
  catch that") take no transition of the flow.

Only the replies are needed, so coverage works the same in-process and over the v1 API (the
flows read here must be the ones the server runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalog import clean_text, normalise
from bot.engine import MAX_HOPS, FlowSet
from bot.flow import AskState, ChoiceState
from bot.graph import Edge, transitions
from bot.script import Script
from bot.session import UserInput

__all__ = ["Coverage", "FlowCoverage", "render_coverage"]

Place = tuple[str, str]


@dataclass
class FlowCoverage:
    flow: str
    states: list[str]
    transitions: list[Edge]
    states_reached: set[str] = field(default_factory=set)
    transitions_reached: set[tuple[str, str]] = field(default_factory=set)

    @property
    def states_missed(self) -> list[str]:
        return [s for s in self.states if s not in self.states_reached]

    @property
    def transitions_missed(self) -> list[Edge]:
        return [e for e in self.transitions if (e.state, e.trigger) not in self.transitions_reached]

    @property
    def reached(self) -> int:
        return len(self.states) - len(self.states_missed) + self.transitions_hit

    @property
    def transitions_hit(self) -> int:
        return len(self.transitions) - len(self.transitions_missed)

    @property
    def total(self) -> int:
        return len(self.states) + len(self.transitions)


class Coverage:
    """Collects what scripts reach in the flows of ``flowset``."""

    def __init__(self, flowset: FlowSet) -> None:
        self.flowset = flowset
        self.scripts = 0
        self.flows = {
            fid: FlowCoverage(fid, list(c.flow.states), transitions(c.flow))
            for fid, c in sorted(flowset.flows.items())
        }

    # -- recording --------------------------------------------------------------------------

    def record(self, script: Script, replies: Sequence[dict[str, Any]]) -> None:
        """Count one script's conversation: its turns and the replies it got (maybe fewer)."""
        self.scripts += 1
        prev: dict[str, Any] | None = None
        for turn, reply in zip(script.turns, replies, strict=False):
            user = turn.user_input()
            passed: list[Place] = []
            if user is not None and prev is not None:
                edge = self._taken(prev, user, reply)
                if edge is not None:
                    self._hit_transition(prev["flow"], edge)
                    passed = self._follow(prev["flow"], edge)
            self._rest(reply, passed)
            prev = reply

    def _taken(self, prev: dict[str, Any], user: UserInput, reply: dict[str, Any]) -> Edge | None:
        """The transition a turn took from the state ``prev`` rested in, if any."""
        compiled = self.flowset.flows.get(prev["flow"])
        state = compiled.flow.states.get(prev["state"]) if compiled else None
        if state is None or prev.get("ended") or user.command is not None:
            return None
        options = state.options if isinstance(state, ChoiceState | AskState) else []
        if user.choice is not None:
            index = next((i for i, o in enumerate(options) if o.id == user.choice), None)
        else:
            text = clean_text(user.text or "")
            if self._interrupted(prev, reply) or normalise(text) in self.flowset.commands:
                return None
            index = self._typed_option(prev, len(options), text)
            if index is None and isinstance(state, AskState) and 0 < len(text) <= state.max:
                return self._edge(prev["flow"], prev["state"], "answer")
        if index is None:
            return None
        return self._edge(prev["flow"], prev["state"], f"choose:{options[index].id}")

    def _interrupted(self, prev: dict[str, Any], reply: dict[str, Any]) -> bool:
        crisis = {self.flowset.program.crisis.get(c) for c in reply.get("screened") or ()}
        return reply["flow"] in crisis and reply["flow"] != prev["flow"]

    def _typed_option(self, prev: dict[str, Any], count: int, text: str) -> int | None:
        if not count or not text:
            return None
        typed = normalise(text)
        locale = prev.get("locale") or "en"
        if locale in self.flowset.catalogs:
            found = self.flowset.choice_index(locale, prev["flow"], prev["state"]).get(typed)
            if found is None:  # "yeah right now" (bot/answers.py)
                found = self.flowset.typed_answer(locale, prev["flow"], prev["state"], typed)
            if found is not None:
                return found
        if typed.isdigit() and 1 <= int(typed) <= count:
            return int(typed) - 1
        return None

    def _edge(self, flow: str, state: str, trigger: str) -> Edge | None:
        return next(
            (e for e in self.flows[flow].transitions if e.state == state and e.trigger == trigger),
            None,
        )

    def _hit_transition(self, flow: str, edge: Edge) -> None:
        self.flows[flow].transitions_reached.add((edge.state, edge.trigger))

    def _follow(self, flow: str, edge: Edge) -> list[Place]:
        """The states an edge enters before the conversation waits, as far as the flows fix
        them (a ``back`` depends on the session, so it stops here)."""
        if edge.target == "go":
            return self._walk(flow, edge.dest)
        if edge.target == "flow" and edge.dest in self.flowset.flows:
            return self._walk(edge.dest, self.flowset.flows[edge.dest].flow.start)
        return []

    def _walk(self, flow: str, state: str) -> list[Place]:
        """From ``(flow, state)`` on through say states: the places entered, in order."""
        passed: list[Place] = []
        for _ in range(MAX_HOPS):
            compiled = self.flowset.flows.get(flow)
            if compiled is None or state not in compiled.flow.states:
                break
            passed.append((flow, state))
            edge = self._edge(flow, state, "next")  # only say states have one
            if edge is None:
                break
            if edge.target == "go":
                state = edge.dest
            elif edge.target == "flow" and edge.dest in self.flowset.flows:
                flow, state = edge.dest, self.flowset.flows[edge.dest].flow.start
            else:
                break
        return passed

    def _rest(self, reply: dict[str, Any], passed: list[Place]) -> None:
        """Mark what was passed and where the reply rests; when the flows alone do not explain
        how it got there (a command, a crisis, ``back``), a run of say states from the resting
        flow's start that ends there was passed too."""
        flow, state = reply["flow"], reply["state"]
        if flow not in self.flows:
            return
        if (flow, state) not in passed:
            run = self._walk(flow, self.flowset.flows[flow].flow.start)
            if (flow, state) in run:
                passed = passed + run[: run.index((flow, state)) + 1]
        for f, s in [*passed, (flow, state)]:
            if f not in self.flows:
                continue
            self.flows[f].states_reached.add(s)
            if self._edge(f, s, "next") is not None and (f, s) != (flow, state):
                self.flows[f].transitions_reached.add((s, "next"))

    # -- results ----------------------------------------------------------------------------

    @property
    def reached(self) -> int:
        return sum(f.reached for f in self.flows.values())

    @property
    def total(self) -> int:
        return sum(f.total for f in self.flows.values())

    @property
    def percent(self) -> float:
        """States and transitions reached, out of all, in percent."""
        return 100.0 * self.reached / self.total if self.total else 100.0


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    -"


def render_coverage(cov: Coverage) -> str:
    """The report ``replay --coverage`` prints: a table per flow, then everything missed."""
    width = max([len("flow"), *(len(f) for f in cov.flows)])
    lines = [
        f"coverage: {cov.scripts} script(s), {len(cov.flows)} flow(s)",
        f"  {'flow':<{width}}  {'states':>13}  {'transitions':>13}",
    ]
    for f in cov.flows.values():
        s_hit = len(f.states) - len(f.states_missed)
        lines.append(
            f"  {f.flow:<{width}}  {s_hit:>3}/{len(f.states):<3}{_pct(s_hit, len(f.states))}"
            f"  {f.transitions_hit:>3}/{len(f.transitions):<3}"
            f"{_pct(f.transitions_hit, len(f.transitions))}"
        )
    states = sum(len(f.states) for f in cov.flows.values())
    s_hit = sum(len(f.states) - len(f.states_missed) for f in cov.flows.values())
    trans = sum(len(f.transitions) for f in cov.flows.values())
    t_hit = sum(f.transitions_hit for f in cov.flows.values())
    lines.append(
        f"  {'total':<{width}}  {s_hit:>3}/{states:<3}{_pct(s_hit, states)}"
        f"  {t_hit:>3}/{trans:<3}{_pct(t_hit, trans)}"
    )
    missed = [f for f in cov.flows.values() if f.states_missed or f.transitions_missed]
    if missed:
        lines.append("not reached:")
        for f in missed:
            for s in f.states_missed:
                lines.append(f"  {f.flow}.{s}  (state)")
            for e in f.transitions_missed:
                dest = {"go": e.dest, "flow": f"flow {e.dest}", "back": "back"}[e.target]
                lines.append(f"  {f.flow}.{e.state}  {e.trigger} -> {dest}")
    lines.append(f"coverage: {cov.reached}/{cov.total} states and transitions, {cov.percent:.1f}%")
    return "\n".join(lines) + "\n"
