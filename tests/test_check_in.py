"""The unsure band in the engine: a check-in that costs a person one tap, never their place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import check_in
from bot.bootstrap import load_flowset
from bot.engine import Engine
from bot.flow import AskState
from bot.screening import Screening
from bot.session import Session, UserInput

ROOT = Path(__file__).resolve().parent.parent


class FakeScreen:
    """Unsure about ``category`` when the text contains ``word``; sure when it contains
    ``sure_word``. Records what it was asked."""

    def __init__(self, category: str = "suicide", word: str = "heavy", sure_word: str = "SURE") -> None:
        self.category, self.word, self.sure_word = category, word, sure_word
        self.seen: list[str] = []

    def __call__(self, text: str, locale: str) -> Screening:
        self.seen.append(text)
        if self.sure_word in text:
            return Screening(sure=(self.category,))
        if self.word in text.lower():
            return Screening(unsure=(self.category,), scores={self.category: 0.5})
        return Screening()


@pytest.fixture(scope="module")
def flowset():  # type: ignore[no-untyped-def]
    return load_flowset(ROOT)


def at_reason_question(engine: Engine, locale: str = "en") -> Session:
    """A session resting at an open question: why_change.ask_reason (free text, slot reason)."""
    session, _ = engine.start(locale)
    session.flow, session.state = "why_change", "ask_reason"
    return session


def test_an_unsure_message_asks_a_check_in_and_holds_the_text(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine)
    reply = engine.turn(session, UserInput(text="Everything feels heavy lately"))
    assert (reply.flow, reply.state) == ("check_in_suicide", "ask")
    assert [o.id for o in reply.options] == ["yes", "no", "not_sure"]
    assert "ending your life right now" in " ".join(m.text for m in reply.messages)
    assert reply.screened == ()  # nothing sure: no crisis path yet
    assert session.stack == [("why_change", "ask_reason")]


def test_no_returns_exactly_where_they_were_with_their_words_taken_as_the_answer(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="Everything feels heavy, I want my kids to trust me"))
    reply = engine.turn(session, UserInput(choice="no"))
    # the answer was taken by the question it was typed into: the flow moved on from it
    assert session.flow == "why_change" and session.state != "ask_reason"
    assert (session.slots or {}).get("reason") == "Everything feels heavy, I want my kids to trust me"
    assert "I want my kids to trust me" in " ".join(m.text for m in reply.messages)
    assert not any(m.key.startswith("check_in.") for m in reply.messages)
    assert session.stack is None and session.held is None


def test_the_same_answer_without_a_check_in_gives_the_same_reply(flowset) -> None:  # type: ignore[no-untyped-def]
    text = "Everything feels heavy, I want my kids to trust me"
    quiet = Engine(flowset, screen=FakeScreen(word="never matches"))
    direct = quiet.turn(at_reason_question(quiet), UserInput(text=text))
    checked = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(checked)
    checked.turn(session, UserInput(text=text))
    after_no = checked.turn(session, UserInput(choice="no"))
    assert [m.key for m in after_no.messages] == [m.key for m in direct.messages]
    assert (after_no.flow, after_no.state) == (direct.flow, direct.state)


def test_no_to_a_check_in_on_a_lapse_opens_the_lapse_path_as_without_the_check_in(flowset) -> None:  # type: ignore[no-untyped-def]
    """ "I used again last night" typed as the reason: a check-in, then "No" - the lapse path
    (never kept as the reason), exactly as if screening had been quiet."""
    from bot.bootstrap import load_engine

    lapse = load_engine(ROOT).lapse
    text = "I used again last night, heavy day, and I want it to be the last time"
    quiet = Engine(flowset, screen=FakeScreen(word="never matches"), lapse=lapse)
    direct = quiet.turn(at_reason_question(quiet), UserInput(text=text))
    assert direct.flow == "lapse"
    engine = Engine(flowset, screen=FakeScreen(), lapse=lapse)
    session = at_reason_question(engine)
    assert engine.turn(session, UserInput(text=text)).flow == "check_in_suicide"
    after_no = engine.turn(session, UserInput(choice="no"))
    assert [m.key for m in after_no.messages] == [m.key for m in direct.messages]
    assert (after_no.flow, after_no.state) == (direct.flow, direct.state)
    assert (session.slots or {}).get("reason") is None
    assert session.stack == [("why_change", "ask_reason")]  # back to the question after the lapse path


@pytest.mark.parametrize("answer", ["yes", "not_sure"])
def test_yes_or_not_sure_lead_into_the_crisis_path_which_resumes_where_they_were(flowset, answer: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="it all feels so heavy"))
    reply = engine.turn(session, UserInput(choice=answer))
    assert reply.flow == "crisis_suicide"
    assert session.held is None  # the typed text is dropped, not kept in the session
    assert session.stack == [("why_change", "ask_reason")]  # the check-in is not a place to resume


def test_typing_no_works_like_tapping_it(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine, "es")
    engine.turn(session, UserInput(text="todo pesa, heavy, quiero que mis hijos confíen en mí"))
    reply = engine.turn(session, UserInput(text="No"))
    assert reply.flow == "why_change" and session.state != "ask_reason"
    assert (session.slots or {}).get("reason", "").startswith("todo pesa")


def test_no_leaves_a_numeric_risk_note_that_makes_the_next_unsure_message_sure(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="heavy day"))
    engine.turn(session, UserInput(choice="no"))
    assert session.risk == {"suicide": check_in.RISK_TURNS}
    note = json.dumps(session.to_dict()["risk"])
    assert "heavy" not in note and all(isinstance(v, int) for v in session.risk.values())
    reply = engine.turn(session, UserInput(text="still so heavy"))
    assert reply.flow == "crisis_suicide" and reply.screened == ("suicide",)


def test_the_risk_note_goes_after_its_window(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="heavy day"))
    engine.turn(session, UserInput(choice="no"))
    for _ in range(check_in.RISK_TURNS):
        engine.turn(session, UserInput(command="menu"))
    assert session.risk is None
    session.flow, session.state = "why_change", "ask_reason"
    reply = engine.turn(session, UserInput(text="heavy again"))
    assert reply.flow == "check_in_suicide"


def test_no_check_in_inside_a_crisis_path(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen(category="distress"))
    session, _ = engine.start("en", flow="crisis_suicide")
    session.state = "plan_coping"  # an open question inside the crisis path
    reply = engine.turn(session, UserInput(text="a heavy walk"))
    assert reply.flow == "crisis_suicide"


def test_a_category_without_a_check_in_flow_is_taken_as_sure(flowset) -> None:  # type: ignore[no-untyped-def]
    found = Screening(unsure=("suicide",))
    session = Session(locale="en", version="v", flow="menu", state="menu")
    assert check_in.sure_now(session, found, flows={"menu"}) == ("suicide",)
    assert check_in.sure_now(session, found, flows={"menu", "check_in_suicide"}) == ()


def test_the_most_urgent_unsure_category_is_asked(flowset) -> None:  # type: ignore[no-untyped-def]
    found = Screening(unsure=("child_at_risk", "urge"))
    assert check_in.to_ask(found, flowset.flows) == "check_in_child_at_risk"


def test_a_typed_option_label_is_not_screened(flowset) -> None:  # type: ignore[no-untyped-def]
    screen = FakeScreen()
    engine = Engine(flowset, screen=screen)
    session, reply = engine.start("en")
    label = reply.options[0].label
    engine.turn(session, UserInput(text=label))
    assert screen.seen == []


def test_sessions_from_before_the_risk_note_still_load() -> None:
    old = {"locale": "en", "version": "v", "flow": "menu", "state": "menu", "stack": None,
           "slots": None, "seq": 3, "ended": False, "started": 1.0, "touched": 2.0}
    session = Session.from_dict(old)
    assert session.risk is None and session.held is None


def test_a_check_in_shows_its_categorys_numbers_before_the_answer(shipped_engine: Engine) -> None:
    """S6: a person asked "are you having thoughts of ending your life?" sees where to call
    while they decide, in their own language."""
    for locale in shipped_engine.current.catalogs:
        _, reply = shipped_engine.start(locale, "check_in_suicide")
        assert reply.flow == "check_in_suicide"
        assert any(r.number for r in reply.resources), locale


class SureAndUnsure:
    """Sure of ``sure`` and unsure of ``unsure`` on every message."""

    def __init__(self, sure: str = "distress", unsure: str = "minor") -> None:
        self.found = Screening(sure=(sure,), unsure=(unsure,), scores={sure: 0.99, unsure: 0.3})

    def __call__(self, text: str, locale: str) -> Screening:
        return self.found


def through_crisis_path(engine: Engine, session: Session, reply):  # type: ignore[no-untyped-def]
    """Tap the first option of each step of ``reply``'s flow until the person is out of it."""
    flow = reply.flow
    for _ in range(30):
        if reply.flow != flow:
            return reply
        reply = engine.turn(session, UserInput(choice=reply.options[0].id))
    raise AssertionError(f"still in {flow} after 30 taps")


def test_an_unsure_minor_beside_a_sure_crisis_is_asked_about_once_its_path_ends(flowset) -> None:  # type: ignore[no-untyped-def]
    """An unsure minor never leads a sure crisis into the youth path (NEVER_LEADS): the distress
    path comes first, with its help, then "are you under 18?". Yes opens the youth path."""
    engine = Engine(flowset, screen=SureAndUnsure())
    session = at_reason_question(engine)
    reply = engine.turn(session, UserInput(text="cant breathe, shaking, everyone is asleep"))
    assert reply.flow == "crisis_distress" and reply.screened == ("distress",)
    assert reply.resources  # help in the first reply (S6)
    reply = through_crisis_path(engine, session, reply)
    assert (reply.flow, reply.state) == ("check_in_minor", "ask")
    assert "under 18" in " ".join(m.text for m in reply.messages)
    reply = engine.turn(session, UserInput(choice="yes"))
    assert reply.flow == "crisis_minor" and session.youth


def test_no_to_the_minor_check_in_after_a_crisis_path_goes_back_where_they_were(flowset) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=SureAndUnsure())
    session = at_reason_question(engine)
    reply = engine.turn(session, UserInput(text="cant breathe, shaking, everyone is asleep"))
    through_crisis_path(engine, session, reply)
    reply = engine.turn(session, UserInput(choice="no"))
    assert (reply.flow, reply.state) == ("why_change", "ask_reason")
    assert not session.youth and session.stack is None
    assert (session.risk or {}).get("minor") == check_in.RISK_TURNS  # the note a "No" leaves


@pytest.mark.parametrize("unsure", ["suicide", "urge"])
def test_other_unsure_categories_beside_a_sure_crisis_are_not_asked_afterwards(flowset, unsure: str) -> None:  # type: ignore[no-untyped-def]
    """Only a category that never leads waits: a more urgent unsure one already leads (it is
    sure), a less urgent one is covered by the crisis path that runs."""
    engine = Engine(flowset, screen=SureAndUnsure(sure="abused", unsure=unsure))
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="it happened again"))
    assert not any(check_in.is_check_in(f) for f, _ in session.stack or ())


class ReadsYesAs:
    """Unsure of suicide on the first message; then sure of ``category`` on anything else (a
    model that reads a bare "yes, right now" as the category its training lines answered)."""

    def __init__(self, category: str) -> None:
        self.category = category

    def __call__(self, text: str, locale: str) -> Screening:
        if "heavy" in text.lower():
            return Screening(unsure=("suicide",), scores={"suicide": 0.5})
        return Screening(sure=(self.category,), scores={self.category: 0.9})


@pytest.mark.parametrize(("locale", "typed"), [("en", "Yes, tonight"), ("en", "Not sure tbh")])
def test_a_typed_yes_at_a_check_in_opens_the_path_it_answered_even_if_screening_reads_another(
    flowset, locale: str, typed: str  # type: ignore[no-untyped-def]
) -> None:
    """Session 30: a retrained model read "tak, teraz" (yes, now) at the suicide check-in as a sure
    urge, and the urge path ran instead of the suicide path the person said yes to. The answer
    is to the question asked: its path leads (the most urgent first), and a crisis read in the
    rest of the words ("tonight" here, as this fake reads it) waits. ("right now" is a yes of
    its own, so "Yes, right now" is only the answer: test_typed_answers.py.)"""
    engine = Engine(flowset, screen=ReadsYesAs("urge"))
    session = at_reason_question(engine, locale)
    reply = engine.turn(session, UserInput(text="Everything feels heavy"))
    assert reply.flow == "check_in_suicide"
    reply = engine.turn(session, UserInput(text=typed))
    assert reply.flow == "crisis_suicide" and set(reply.screened) == {"suicide", "urge"}
    assert reply.resources  # help in the first reply
    # then the urge path, then back where they were: never to the check-in already answered
    assert session.stack == [("why_change", "ask_reason"), ("crisis_urge", "")]


def test_a_short_typed_yes_at_a_check_in_is_the_answer_whatever_the_model_reads_in_it(flowset) -> None:  # type: ignore[no-untyped-def]
    """"tak, teraz" is itself one of pl's typed yeses (system.typed_yes): nothing is left after
    the answer's words, so what the model reads in them is not a crisis (Engine._short_answer)
    and the path the person said yes to runs alone."""
    engine = Engine(flowset, screen=ReadsYesAs("urge"))
    session = at_reason_question(engine, "pl")
    engine.turn(session, UserInput(text="Everything feels heavy"))
    reply = engine.turn(session, UserInput(text="tak, teraz"))
    assert reply.flow == "crisis_suicide" and reply.resources
    assert session.stack == [("why_change", "ask_reason")]


def test_a_typed_no_with_another_crisis_at_a_check_in_resumes_where_they_were_not_at_the_check_in(
    flowset,  # type: ignore[no-untyped-def]
) -> None:
    engine = Engine(flowset, screen=ReadsYesAs("abused"))
    session = at_reason_question(engine)
    engine.turn(session, UserInput(text="Everything feels heavy"))
    reply = engine.turn(session, UserInput(text="no. but he did it to me again last night"))
    assert reply.flow == "crisis_abused" and reply.screened == ("abused",)
    assert session.stack == [("why_change", "ask_reason")]


class UnsureOfYes:
    """Unsure of suicide on a yes word, as the model is of a bare "yeah" (the corpus's check-in
    replies), and on "heavy" and "pills"; a phrase rule's ask on "rope"; sure on "SURE"."""

    def __call__(self, text: str, locale: str) -> Screening:
        words = text.lower().replace(",", " ").split()
        if "SURE" in text:
            return Screening(sure=("suicide",), rules=("suicide",))
        if "rope" in words:
            return Screening(unsure=("suicide",), asks=("suicide",), doubted=("suicide",))
        if {"yeah", "yes", "yep", "heavy", "pills", "maybe"} & set(words):
            return Screening(unsure=("suicide",), scores={"suicide": 0.5})
        return Screening()


def at_yes_no_question(engine: Engine) -> Session:
    """A session at "Would you like to look at a few more?" (Yes / No)."""
    session, _ = engine.start("en")
    session.flow, session.state = "thinking_traps", "more"
    return session


@pytest.mark.parametrize("typed", ["yeah", "Yes please", "yep sure", "yes it did"])
def test_a_short_typed_yes_to_a_yes_no_question_is_the_answer_not_a_check_in(flowset, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Session 30: "yeah" typed at "Would you like to look at more?" asked "Are you having
    thoughts of ending your life right now?"."""
    engine = Engine(flowset, screen=UnsureOfYes())
    session = at_yes_no_question(engine)
    reply = engine.turn(session, UserInput(text=typed))
    assert reply.flow == "thinking_traps" and reply.state == "recap"  # Yes: more traps, then the recap
    assert "already out there" in " ".join(m.text for m in reply.messages).lower()


@pytest.mark.parametrize(
    ("where", "typed", "flow"),
    [
        ("yes_no", "yeah everything feels heavy tonight", "check_in_suicide"),  # longer: still screened
        ("yes_no", "yeah took pills", "check_in_suicide"),  # the words after the answer's own are screened
        ("yes_no", "yes the rope", "check_in_suicide"),  # a phrase rule's ask is never dropped
        ("yes_no", "yes SURE", "crisis_suicide"),  # a sure crisis still interrupts
        ("yes_no", "maybe", "thinking_traps"),  # no option's answer, but a bare "not sure": no crisis (session 34)
        ("yes_no", "maybe pills", "check_in_suicide"),  # more than a bare answer: screened
        # a free-text question (session 34): a bare yes, no or "not sure" is its answer
        ("free_text", "yes", "why_change"),
        ("free_text", "Not sure", "why_change"),
        ("free_text", "yeah, thanks", "why_change"),
        ("free_text", "yes the rope", "check_in_suicide"),
        ("free_text", "yeah took pills", "check_in_suicide"),
        ("free_text", "yes SURE", "crisis_suicide"),
        ("free_text", "maybe heavy", "check_in_suicide"),
    ],
)
def test_longer_words_rule_asks_and_sure_crises_are_still_screened_after_a_typed_answer(
    flowset, where: str, typed: str, flow: str  # type: ignore[no-untyped-def]
) -> None:
    engine = Engine(flowset, screen=UnsureOfYes())
    session = at_yes_no_question(engine) if where == "yes_no" else at_reason_question(engine)
    assert engine.turn(session, UserInput(text=typed)).flow == flow


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("en", "yeah"), ("en", "yes please"), ("en", "Yep"), ("en", "yes thanks"), ("es", "sí, claro"),
     ("es", "sí, por favor"), ("fi", "joo"), ("fi", "joo kiitos"), ("pl", "tak"), ("pl", "tak, dzięki")],
)
def test_with_the_shipped_screener_a_short_typed_yes_answers_a_yes_no_question(
    shipped_engine: Engine, locale: str, typed: str
) -> None:
    session, _ = shipped_engine.start(locale)
    session.flow, session.state = "thinking_traps", "more"
    reply = shipped_engine.turn(session, UserInput(text=typed))
    assert (reply.flow, reply.state) == ("thinking_traps", "recap")


def test_a_short_typed_yes_inside_a_crisis_path_answers_its_question(flowset) -> None:  # type: ignore[no-untyped-def]
    """Session 30: "tak, teraz" typed at the suicide path's first question ("have you wished you
    were dead?") opened the urge path on top of it, because the model read a sure urge in it."""
    engine = Engine(flowset, screen=ReadsYesAs("urge"))
    session, _ = engine.start("pl")
    session.flow, session.state = "crisis_suicide", "q_wish"
    reply = engine.turn(session, UserInput(text="tak, teraz"))
    assert (reply.flow, reply.state) == ("crisis_suicide", "q_thoughts") and reply.screened == ()


def test_with_the_shipped_screener_yes_now_in_polish_stays_in_the_suicide_path(shipped_engine: Engine) -> None:
    session, _ = shipped_engine.start("pl")
    session.flow, session.state = "crisis_suicide", "q_wish"
    reply = shipped_engine.turn(session, UserInput(text="tak, teraz"))
    assert (reply.flow, reply.state) == ("crisis_suicide", "q_thoughts")


def test_a_bare_yes_after_a_no_to_a_check_in_is_no_crisis(flowset) -> None:  # type: ignore[no-untyped-def]
    """The risk note a "No" leaves makes the next unsure message sure: a bare "yes" typed at the
    next question must not open the suicide path."""
    engine = Engine(flowset, screen=UnsureOfYes())
    session = at_reason_question(engine)
    assert engine.turn(session, UserInput(text="heavy day")).flow == "check_in_suicide"
    engine.turn(session, UserInput(choice="no"))
    assert session.risk == {"suicide": check_in.RISK_TURNS}
    session.flow, session.state = "why_change", "ask_reason"
    reply = engine.turn(session, UserInput(text="yes"))
    assert reply.screened == () and reply.flow == "why_change"
    session.flow, session.state = "why_change", "ask_reason"
    assert engine.turn(session, UserInput(text="so heavy")).flow == "crisis_suicide"  # the note still works


BARE = {
    "en": ["yes", "Yeah", "not sure", "I don't know", "dunno", "no", "kinda", "sure", "yes please"],
    "es": ["sí", "Claro", "no sé", "quizá", "no", "sí, gracias"],
    "fi": ["joo", "Kyllä", "en tiedä", "ehkä", "ei", "olen"],
    "pl": ["tak", "Nie wiem", "nie", "może", "chyba tak", "nic"],
}


@pytest.mark.parametrize("locale", sorted(BARE))
def test_with_the_shipped_screener_bare_answers_at_free_text_questions_ask_nothing(
    shipped_engine: Engine, locale: str
) -> None:
    """Session 34: "yes", "not sure", "tak", "nie", "nie wiem", "joo", "en tiedä" typed at any of
    the program's free-text questions asked about suicide or distress (the shipped models read a
    bare yes as a crisis); every free-text question is tried."""
    fs = shipped_engine.current
    asks = [(fid, name) for fid, cf in fs.flows.items() for name, st in cf.flow.states.items()
            if isinstance(st, AskState)]
    assert len(asks) > 20
    detours = []
    for typed in BARE[locale]:
        for flow, state in asks:
            session, _ = shipped_engine.start(locale, count=False)
            session.flow, session.state = flow, state
            reply = shipped_engine.turn(session, UserInput(text=typed))
            if reply.screened or (reply.flow != flow and reply.flow.startswith(("check_in_", "crisis_"))):
                detours.append((typed, f"{flow}.{state}", reply.flow))
    assert not detours, detours[:10]


@pytest.mark.parametrize(("locale", "typed"), [("en", "yes i want to die"), ("es", "sí, me quiero morir"),
                                               ("fi", "joo haluan kuolla"), ("pl", "tak, chcę umrzeć")])
def test_with_the_shipped_screener_a_yes_with_a_crisis_at_a_free_text_question_interrupts(
    shipped_engine: Engine, locale: str, typed: str
) -> None:
    session = at_reason_question(shipped_engine, locale)
    assert shipped_engine.turn(session, UserInput(text=typed)).flow == "crisis_suicide"
