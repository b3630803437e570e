"""The unsure band: a gentle check-in, and the small numeric risk note a "No" leaves behind.

When screening is unsure about a category (:class:`bot.screening.Screening`), the engine asks
the check-in flow ``check_in_<category>`` of the most urgent such category ("Are you having
thoughts of ending your life right now?" Yes / No / Not sure), holding what the person typed:

- **Yes** or **Not sure** lead into the category's crisis path, which ends by offering to
  resume where they were (the held text is dropped). Typed in the person's own words ("yes,
  right now"), they make the category sure beside whatever screening finds in those words
  (the engine's ``_with_confirmed``): the answer is to the question asked.
- **No** (the flow's option that goes ``back``) returns them exactly where they were, and the
  held text is taken there as the answer it was: one tap lost, never their place or their words.
  The session keeps a risk note, ``{category: turns left}`` (numbers only, never text), so an
  unsure message for that category within :data:`RISK_TURNS` turns is taken as sure.

A category without a ``check_in_<category>`` flow is taken as sure when unsure: missing
content never makes screening quieter. Beside a sure crisis an unsure ``minor`` is asked about
once that crisis path ends (:func:`after_crisis`). Nothing here logs anything.

**Expected answers.** Where the program itself asks about a category (``expects: [urge,
distress]`` on the ``ask`` state of "What are your warning signs?"), an answer that screening is
only *unsure* about in that category is the answer to the question, not a crisis: it gets no
check-in there (:func:`expected`). That includes a category chosen by the ``any`` head alone.
Sure categories interrupt everywhere; :data:`NEVER_EXPECTED` are never dropped; a category with
a risk note (a "No" a few turns ago) is still taken as sure.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from bot.screening import CATEGORIES, Screening
from bot.screening.screener import NEVER_LEADS
from bot.session import Session

__all__ = [
    "FLOW_PREFIX",
    "NEVER_EXPECTED",
    "RISK_TURNS",
    "after_crisis",
    "as_screening",
    "category_of",
    "expected",
    "is_check_in",
    "note_declined",
    "sure_now",
    "tick",
    "to_ask",
]

FLOW_PREFIX = "check_in_"
RISK_TURNS = 6
"""How many turns after a "No" an unsure message of that category counts as sure."""


NEVER_EXPECTED = {
    "suicide": "a check-in about ending one's life is always worth a tap",
    "child_at_risk": "a check-in about a child in danger is always worth a tap",
}
"""Categories a state may never list in ``expects``, and why (lint refuses them and says so;
:func:`expected` ignores them)."""


def as_screening(found: Screening | Sequence[str]) -> Screening:
    """A screen hook may return plain categories (all sure), as simple hooks in tests do."""
    if isinstance(found, Screening):
        return found
    return Screening(sure=tuple(found))


def is_check_in(flow: str) -> bool:
    return flow.startswith(FLOW_PREFIX) and flow[len(FLOW_PREFIX) :] in CATEGORIES


def category_of(flow: str) -> str:
    return flow[len(FLOW_PREFIX) :]


def tick(session: Session) -> None:
    """One turn passed: every risk note counts down, and goes at zero."""
    if session.risk:
        left = {cat: n - 1 for cat, n in session.risk.items() if n > 1}
        session.risk = left or None


def note_declined(session: Session, category: str) -> None:
    """The person answered "No" to ``category``'s check-in."""
    session.risk = {**(session.risk or {}), category: RISK_TURNS}


def sure_now(session: Session, found: Screening, flows: Collection[str]) -> tuple[str, ...]:
    """Sure categories: screening's, unsure ones the risk note makes sure, and unsure ones that
    have no check-in flow to ask with (screening's order kept)."""
    noted = session.risk or {}
    extra = {c for c in found.unsure if noted.get(c, 0) > 0 or FLOW_PREFIX + c not in flows}
    return (*found.sure, *(c for c in found.unsure if c in extra))


def after_crisis(found: Screening, sure: Collection[str], flows: Collection[str]) -> tuple[str, ...]:
    """The check-in flows to ask once the crisis paths of ``sure`` end: an unsure category that
    never leads a sure one (``minor``: :data:`bot.screening.screener.NEVER_LEADS`) is still
    asked about, after the help the person needed first. "im so scared, cant breathe, my
    parents are asleep" opens the distress path, then asks "are you under 18?": Yes opens the
    youth path, No goes back where they were."""
    return tuple(
        FLOW_PREFIX + c for c in found.unsure if c in NEVER_LEADS and c not in sure and FLOW_PREFIX + c in flows
    )


def to_ask(found: Screening, flows: Collection[str]) -> str | None:
    """The check-in flow of the most urgent unsure category, if any."""
    for cat in found.unsure:
        if FLOW_PREFIX + cat in flows:
            return FLOW_PREFIX + cat
    return None


def expected(session: Session, found: Screening, expects: Collection[str]) -> Screening:
    """``found`` without the unsure categories the current question asks about (its state's
    ``expects``): the typed text answers the question, so they get no check-in. Sure categories,
    :data:`NEVER_EXPECTED` ones, ones with a risk note and phrase-rule hits the learned stage
    doubted (``Screening.doubted``: a rule hit is never silent) are kept."""
    if not expects or not found.unsure:
        return found
    noted = session.risk or {}
    unsure = tuple(
        c
        for c in found.unsure
        if c not in expects or c in NEVER_EXPECTED or noted.get(c, 0) > 0 or c in found.doubted
    )
    return found if unsure == found.unsure else replace(found, unsure=unsure)
