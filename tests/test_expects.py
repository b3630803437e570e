"""``expects``: a question that asks about urges or feelings does not check in on its own answers.

Where the program asks "What tells you an urge is starting?", an answer the learned stage is only
unsure about as ``urge`` is the answer, not a crisis: no check-in. Sure categories interrupt
everywhere, and ``suicide`` and ``child_at_risk`` can never be listed. The screener here is a fake
returning a fixed ``Screening``, so these tests do not move when the model is retrained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import check_in
from bot.bootstrap import load_flowset
from bot.engine import Engine, FlowSet
from bot.flow import AskState
from bot.lint import lint_paths
from bot.screening import Screening
from bot.session import Session, UserInput
from tests.contentkit import HELP, MENU, write_content

ROOT = Path(__file__).resolve().parent.parent

MARKED = ("urges", "ask_sign")
"""Asks "What tells you an urge is starting?"; expects [urge, distress]."""
UNMARKED = ("why_change", "ask_reason")
"""Asks for the main reason to stop; expects nothing."""
TEXT = "i get restless and start browsing late at night"


class FixedScreen:
    """Returns the same ``Screening`` for every text."""

    def __init__(self, found: Screening) -> None:
        self.found = found

    def __call__(self, text: str, locale: str) -> Screening:
        return self.found


UNSURE_URGE = Screening(unsure=("urge",), scores={"urge": 0.5})
ANY_URGE = Screening(unsure=("urge",), scores={"urge": 0.2, "any": 0.9})
"""What the screener gives when only the ``any`` head fired and ``urge`` is the likeliest."""


@pytest.fixture(scope="module")
def flowset() -> FlowSet:
    return load_flowset(ROOT)


def at(engine: Engine, place: tuple[str, str]) -> Session:
    session, _ = engine.start("en")
    session.flow, session.state = place
    return session


def test_the_marked_state_is_marked_as_these_tests_assume(flowset: FlowSet) -> None:
    marked = flowset.flows[MARKED[0]].flow.states[MARKED[1]]
    unmarked = flowset.flows[UNMARKED[0]].flow.states[UNMARKED[1]]
    assert isinstance(marked, AskState) and {"urge", "distress"} <= set(marked.expects)
    assert isinstance(unmarked, AskState) and unmarked.expects == []


@pytest.mark.parametrize("found", [UNSURE_URGE, ANY_URGE], ids=["unsure", "any-fallback"])
def test_an_unsure_expected_category_gets_no_check_in_in_a_marked_state(flowset: FlowSet, found: Screening) -> None:
    engine = Engine(flowset, screen=FixedScreen(found))
    session = at(engine, MARKED)
    reply = engine.turn(session, UserInput(text=TEXT))
    assert reply.flow == "urges" and reply.state != "ask_sign"  # the answer was taken
    assert (session.slots or {}).get("urge_sign") == TEXT
    assert reply.screened == () and session.stack is None and session.held is None


@pytest.mark.parametrize("found", [UNSURE_URGE, ANY_URGE], ids=["unsure", "any-fallback"])
def test_the_same_text_in_an_unmarked_state_asks_a_check_in(flowset: FlowSet, found: Screening) -> None:
    engine = Engine(flowset, screen=FixedScreen(found))
    session = at(engine, UNMARKED)
    reply = engine.turn(session, UserInput(text=TEXT))
    assert (reply.flow, reply.state) == ("check_in_urge", "ask")
    assert session.stack == [UNMARKED]


def test_a_sure_category_still_interrupts_in_a_marked_state(flowset: FlowSet) -> None:
    engine = Engine(flowset, screen=FixedScreen(Screening(sure=("urge",), rules=("urge",))))
    session = at(engine, MARKED)
    reply = engine.turn(session, UserInput(text="on the site right now"))
    assert reply.flow == "crisis_urge" and reply.screened == ("urge",)
    assert session.stack == [MARKED]


def test_an_unsure_category_the_question_does_not_ask_about_still_checks_in(flowset: FlowSet) -> None:
    engine = Engine(flowset, screen=FixedScreen(Screening(unsure=("abused", "urge"))))
    session = at(engine, MARKED)
    reply = engine.turn(session, UserInput(text=TEXT))
    assert reply.flow == "check_in_abused"


def test_unsure_suicide_checks_in_in_a_marked_state(flowset: FlowSet) -> None:
    engine = Engine(flowset, screen=FixedScreen(Screening(unsure=("suicide", "urge"))))
    session = at(engine, MARKED)
    assert engine.turn(session, UserInput(text=TEXT)).flow == "check_in_suicide"


def test_a_risk_note_still_makes_an_expected_category_sure(flowset: FlowSet) -> None:
    """A "No" to an urge check-in a few turns ago: the next unsure urge interrupts, even here."""
    engine = Engine(flowset, screen=FixedScreen(UNSURE_URGE))
    session = at(engine, MARKED)
    session.risk = {"urge": check_in.RISK_TURNS}
    reply = engine.turn(session, UserInput(text=TEXT))
    assert reply.flow == "crisis_urge" and reply.screened == ("urge",)


def test_a_rule_hit_the_model_doubted_still_checks_in_in_a_marked_state(flowset: FlowSet) -> None:
    """``doubt_below:`` turns a rule hit into a check-in; ``expects`` never makes it silent."""
    doubted = Screening(unsure=("urge",), scores={"urge": 0.001, "any": 0.001}, doubted=("urge",))
    engine = Engine(flowset, screen=FixedScreen(doubted))
    session = at(engine, MARKED)
    reply = engine.turn(session, UserInput(text="on the site right now"))
    assert (reply.flow, reply.state) == ("check_in_urge", "ask")
    assert session.stack == [MARKED]


def test_never_expected_categories_are_kept_even_if_listed() -> None:
    """Lint refuses them; the engine does not rely on it."""
    session = Session(locale="en", version="v", flow="urges", state="ask_sign")
    found = Screening(unsure=("child_at_risk", "suicide", "distress", "urge"))
    kept = check_in.expected(session, found, ["child_at_risk", "suicide", "distress", "urge"])
    assert kept.unsure == ("child_at_risk", "suicide")
    assert check_in.expected(session, found, []) is found


def test_no_shipped_crisis_path_or_check_in_expects_anything(flowset: FlowSet) -> None:
    program = flowset.program
    guarded = {*program.crisis.values(), program.help, program.exit_check}
    for flow_id, compiled in flowset.flows.items():
        if flow_id in guarded or check_in.is_check_in(flow_id):
            assert all(not s.expects for s in compiled.flow.states.values()), flow_id


# -- lint ------------------------------------------------------------------------------------


def with_expects(line: str, after: str = "    ask: feeling\n") -> dict[str, str]:
    return {"menu.yaml": MENU.replace(after, after + line)}


def problems(root: Path) -> list[str]:
    _, found = lint_paths(root / "flows", root / "locale", base=root)
    return [str(p) for p in found]


EXPECTS_PROBLEMS = [
    pytest.param(
        with_expects("    expects: [urge, suicide]\n"),
        "flows/menu.yaml:16:21: error: state 'breathe': expects may never list 'suicide': a "
        "check-in about ending one's life is always worth a tap (remove it)",
        id="suicide",
    ),
    pytest.param(
        with_expects("    expects: child_at_risk\n"),
        "flows/menu.yaml:16:14: error: state 'breathe': expects may never list 'child_at_risk': "
        "a check-in about a child in danger is always worth a tap (remove it)",
        id="child-at-risk",
    ),
    pytest.param(
        with_expects("    expects: [urges]\n"),
        "flows/menu.yaml:16:15: error: state 'breathe': expects: 'urges' is not a screening "
        "category (did you mean 'urge'?) (it may list: minor, abused, distress, urge)",
        id="unknown-category",
    ),
    pytest.param(
        with_expects("    expects: [urge]\n", after="    say: [menu.intro]\n"),
        "flows/menu.yaml:6:5: error: state 'choose': expects is only allowed on a state that "
        "takes typed text (one with `ask:`); remove it or move it there",
        id="not-an-ask-state",
    ),
    pytest.param(
        {"help.yaml": HELP.replace("    say: [help.now]\n", "    say: [help.now]\n    expects: [distress]\n")},
        "flows/help.yaml:6:5: error: state 'now': expects is not allowed in flow 'help' (a crisis "
        "path, help or the youth path): screening there is never softened (remove it)",
        id="in-help",
    ),
    pytest.param(
        with_expects("    expects: [urge, urge]\n"),
        "flows/menu.yaml:16:21: warning: state 'breathe': expects lists 'urge' twice",
        id="twice",
    ),
    pytest.param(
        with_expects("    expect: [urge]\n"),
        "flows/menu.yaml:16:5: error: state 'breathe': unknown key 'expect' (did you mean 'expects'?)",
        id="misspelt-key",
    ),
]


@pytest.mark.parametrize(("flows", "expected"), EXPECTS_PROBLEMS)
def test_each_wrong_expects_is_reported_at_its_place(tmp_path: Path, flows: dict[str, str], expected: str) -> None:
    found = problems(write_content(tmp_path, flows=flows))
    assert expected in found, "\n".join(found)


def test_a_check_in_flow_may_not_expect_anything(tmp_path: Path) -> None:
    check = MENU.replace("flow: menu", "flow: check_in_urge").replace(
        "    ask: feeling\n", "    ask: feeling\n    expects: [distress]\n")
    found = problems(write_content(tmp_path, flows={"check_in_urge.yaml": check}))
    assert any(
        p.startswith("flows/check_in_urge.yaml:16:5: error: state 'breathe': expects is not allowed "
                     "in check-in flow 'check_in_urge'") for p in found
    ), "\n".join(found)


def test_a_valid_expects_is_clean(tmp_path: Path) -> None:
    assert problems(write_content(tmp_path, flows=with_expects("    expects: [urge, distress]\n"))) == []
