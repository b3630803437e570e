"""The person's plan as a document: every answer they gave in this conversation, grouped.

    my reasons | my warning signs and triggers | what I do when an urge comes
    | people and services | my next step

Built from a session's slots and the catalog of its language, never stored: the web serves it
as a printable page (``bot.web.plan``), the terminal chat writes it to a file the person names.
Each group is headed by ``my_plan.group_<id>`` and each slot shown by its line
``my_plan.line_<slot>``: the same headings and lines the chat's summary in module 10 says, in the
same order, so a slot's words read the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog import Catalog

__all__ = ["GROUPS", "PLAN_SLOTS", "Plan", "PlanGroup", "build_plan", "has_entries"]

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reasons", ("reason", "value", "change_gain", "view_matters", "child_view", "readiness",
                 "change_cost")),
    ("warning", ("warning_signs", "urge_sign", "slide_sign", "lapse_before", "cycle_thought",
                 "cycle_feeling", "pattern", "trigger_inner", "trigger_outer", "log_time",
                 "log_feeling", "high_risk", "risky_date", "trap", "need")),
    ("urge", ("coping", "distraction", "activity", "arousal_tool", "answer", "other_way",
              "kind_words", "plan_coping")),
    ("people", ("safe_person", "help_worry")),
    ("next_step", ("help_step", "lapse_step", "env_step", "env_obstacle", "wellbeing_step",
                   "env_remove", "env_filters", "env_shared", "env_private", "env_limits",
                   "env_routines")),
)
"""Group id -> the slots it shows, in order. tests/test_plan.py checks that every slot a flow
fills is here or named in ``NOT_IN_PLAN`` there, with a reason."""

PLAN_SLOTS: tuple[str, ...] = tuple(slot for _, slots in GROUPS for slot in slots)
LINE_KEY = "my_plan.line_{}"
GROUP_KEY = "my_plan.group_{}"
SERVICES_KEY = "my_plan.line_services"


@dataclass(frozen=True, slots=True)
class PlanGroup:
    id: str
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    locale: str
    title: str
    groups: tuple[PlanGroup, ...]
    """Every group, in order; a group with no answer has no lines (people always has one)."""
    notes: tuple[str, ...]
    """What the page says about keeping it: nothing stored, anyone with the device can see it."""

    @property
    def empty(self) -> bool:
        """True when no line holds the person's own words (services are always there)."""
        return not any(g.lines for g in self.groups if g.id != "people") and len(
            self.group("people").lines
        ) <= 1

    def group(self, group_id: str) -> PlanGroup:
        return next(g for g in self.groups if g.id == group_id)

    def to_text(self) -> str:
        """Plain text for a file: the title, each group with its lines, the notes."""
        out = [self.title, "=" * len(self.title), ""]
        for group in self.groups:
            if not group.lines:
                continue
            out += [group.heading, "-" * len(group.heading)]
            out += [f"- {line}" for line in group.lines]
            out.append("")
        out += list(self.notes)
        return "\n".join(out) + "\n"


def has_entries(slots: Mapping[str, str] | None) -> bool:
    """Whether the plan holds at least one answer of the person's own (``Reply.plan``)."""
    return bool(slots) and any(slots.get(slot) for slot in PLAN_SLOTS)  # type: ignore[union-attr]


def build_plan(catalog: Catalog, locale: str, slots: Mapping[str, str] | None) -> Plan:
    """The plan of a conversation whose slots are ``slots``, in ``catalog``'s language."""
    values = dict(slots or {})
    msg = catalog.messages
    groups = []
    for group_id, group_slots in GROUPS:
        lines = [msg[LINE_KEY.format(s)].render(values) for s in group_slots if values.get(s)]
        if group_id == "people":
            lines.append(msg[SERVICES_KEY].render(values))
        groups.append(PlanGroup(group_id, msg[GROUP_KEY.format(group_id)].render(None), tuple(lines)))
    notes = tuple(msg[key].render(None) for key in ("web.plan.not_stored", "web.plan.device"))
    return Plan(locale, msg["web.plan.title"].render(None), tuple(groups), notes)
