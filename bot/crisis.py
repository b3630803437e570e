"""The engine's crisis rules, kept apart from the turn machinery:

- help first (S6): every reply of a crisis path (so its first, before any question), of the
  help flow, the youth help and the exit check-in carries the fitting helplines as data
  (``Reply.resources``);
- no bare exit (S6): ``menu``, ``help`` and ``end`` inside a crisis path (and the menu option of
  help opened from one) first go to the program's ``exit_check`` flow, one state per command,
  with a way back into the path;
- the youth lock (S7): once the youth path (the ``minor`` crisis flow) is entered or queued,
  only the flows the program's ``youth.allow`` lists are ever shown; anything else leads to
  ``youth.help``;
- ratings: a slot pair ``<name>_before`` / ``<name>_after`` holding numbers fills
  ``<name>_rose`` when the second is higher, so a flow can answer a rising urge honestly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from bot.session import ResourceView, Session

if TYPE_CHECKING:
    from bot.engine import FlowSet
    from bot.resources import Directory, Resource

__all__ = [
    "COUNTRY_SLOT",
    "country_of",
    "exit_detour",
    "in_crisis_path",
    "note_ratings",
    "reply_resources",
    "youth_guard",
]

COUNTRY_SLOT = "country"
"""The slot the help flow keeps the person's country in (an option label; its id is the code)."""
MINOR = "minor"


def category_of(fs: FlowSet, flow: str) -> str | None:
    for category, flow_id in fs.program.crisis.items():
        if flow_id == flow:
            return category
    return None


def country_of(fs: FlowSet, session: Session) -> str | None:
    """The ISO code of the country the person chose (kept only for the conversation), if any:
    the id of the option whose label the slot holds, when that id is a two-letter code."""
    said = (session.slots or {}).get(COUNTRY_SLOT)
    if not said:
        return None
    codes = _COUNTRY_CODES.get(fs)
    if codes is None:
        codes = _COUNTRY_CODES[fs] = _country_codes(fs)
    return codes.get((session.locale, said))


_COUNTRY_CODES: WeakKeyDictionary[FlowSet, dict[tuple[str, str], str | None]] = WeakKeyDictionary()


def _country_codes(fs: FlowSet) -> dict[tuple[str, str], str | None]:
    """(locale, label) -> code, for every option that saves the country slot."""
    out: dict[tuple[str, str], str | None] = {}
    for locale, catalog in fs.catalogs.items():
        for compiled in fs.flows.values():
            for state in compiled.flow.states.values():
                for opt in state.choices():
                    if opt.save == COUNTRY_SLOT:
                        label = catalog.messages[opt.label].render(None)
                        out[(locale, label)] = opt.id.upper() if len(opt.id) == 2 else None
    return out


def in_crisis_path(fs: FlowSet, session: Session) -> bool:
    """In a crisis flow, or on the help page opened from one."""
    crisis = fs.program.crisis.values()
    if session.flow in crisis:
        return True
    if session.flow == fs.program.help and session.stack:
        return session.stack[-1][0] in crisis
    return False


def exit_detour(fs: FlowSet, session: Session, leaving_to: str) -> str | None:
    """The ``exit_check`` state to stop at before leaving a crisis path for ``leaving_to`` (a
    flow id, or ``"end"``), or None when the move needs no check-in."""
    check = fs.program.exit_check
    if check is None or not in_crisis_path(fs, session):
        return None
    if leaving_to == fs.program.menu or leaving_to == "end":
        return "menu" if leaving_to == fs.program.menu else "end"
    if leaving_to == fs.program.help and session.flow != fs.program.help:
        return "help"
    return None


def youth_guard(fs: FlowSet, session: Session) -> None:
    """S7: entering the youth path locks the conversation; a locked one only ever rests in
    the flows ``youth.allow`` lists, and goes to ``youth.help`` from anywhere else."""
    youth = fs.program.youth
    minor = fs.program.crisis.get(MINOR)
    if youth is None or minor is None:
        return
    if session.flow == minor or any(f == minor for f, _ in session.stack or ()):
        session.youth = True  # said now, even while a more urgent path runs first
    if session.youth and session.flow not in youth.allow and session.flow not in (minor, youth.help):
        session.flow, session.state = youth.help, fs.flows[youth.help].flow.start


def note_ratings(session: Session) -> None:
    """Fill ``<name>_rose`` when ``<name>_after`` is higher than ``<name>_before``."""
    slots = session.slots
    if not slots:
        return
    for key in [k for k in slots if k.endswith("_after")]:
        stem = key.removesuffix("_after")
        before, after = slots.get(f"{stem}_before", ""), slots[key]
        if before.isdigit() and after.isdigit() and int(after) > int(before):
            slots[f"{stem}_rose"] = after
        else:
            slots.pop(f"{stem}_rose", None)


CHECK_IN_PREFIX = "check_in_"
"""Screening's check-in flows are ``check_in_<category>`` (bot/check_in.py)."""


def reply_resources(fs: FlowSet, session: Session) -> tuple[ResourceView, ...]:
    """The helplines a reply carries (S6): every reply of a crisis path carries its category's
    (so its first reply does, before any question), the help flow everything for the person's
    language or country, the exit check-in those of the path being left. Once the youth path
    is entered: youth services first, never a service for adults (prevention lines), and the
    youth help always carries them. Empty everywhere else."""
    flow, locale, directory = session.flow, session.locale, fs.resources
    youth = fs.program.youth
    if flow == fs.program.exit_check:
        what = category_of(fs, session.stack[-1][0]) if session.stack else None
        what = what or ""  # "": help without reporting
    elif flow == fs.program.help:
        what = "*"  # all of help
    elif (category := category_of(fs, flow)) is not None:
        what = category
    elif youth is not None and flow == youth.help:
        what = MINOR
    elif flow.startswith(CHECK_IN_PREFIX) and flow.removeprefix(CHECK_IN_PREFIX) in fs.program.crisis:
        what = flow.removeprefix(CHECK_IN_PREFIX)  # a check-in shows its category's numbers too
    else:
        return ()
    country = country_of(fs, session)
    return directory.shown(
        (what, locale, country, session.youth),
        lambda: _choose(directory, what, locale, country, session.youth),
        locale,
    )


def _choose(directory: Directory, what: str, locale: str, country: str | None, youth: bool) -> list[Resource]:
    if what == "*":
        chosen = directory.for_help(locale, country)
    elif what == "":
        chosen = directory.for_help(locale, country, report=False)
    else:
        chosen = directory.for_category(locale, what, country)
    if youth:
        own = directory.for_category(locale, MINOR, country)
        chosen = own + [r for r in chosen if r not in own and r.kind != "prevention"]
    return chosen
