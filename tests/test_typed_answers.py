"""Yes, no and "not sure" typed in a person's own words at a check-in (bot/answers.py): "yeah
right now" is a yes, "no one would miss me" is never a no, and the words are screened first."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import answers
from bot.bootstrap import load_flowset
from bot.catalog import normalise
from bot.engine import Engine
from bot.flow import Option
from bot.session import Session, UserInput
from tests.test_check_in import FakeScreen, at_reason_question

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("en", "es", "fi", "pl")


@pytest.fixture(scope="module")
def flowset():  # type: ignore[no-untyped-def]
    return load_flowset(ROOT)


def at_check_in(engine: Engine, locale: str, category: str = "suicide") -> Session:
    """A session at a check-in (FakeScreen's category), asked about a message held from
    why_change."""
    session = at_reason_question(engine, locale)
    reply = engine.turn(session, UserInput(text="it is all so heavy"))
    assert (reply.flow, reply.state) == (f"check_in_{category}", "ask")
    return session


@pytest.mark.parametrize(("locale", "typed"), [
    ("en", "yeah right now"), ("en", "Yes I am."), ("en", "yep"), ("en", "i think so"),
    ("es", "sí, ahora mismo"), ("es", "Si"), ("es", "creo que sí"),
    ("fi", "joo"), ("fi", "Kyllä on"), ("fi", "oon"),
    ("pl", "tak, teraz"), ("pl", "no tak"), ("pl", "chyba tak"),
])
def test_a_typed_yes_leads_into_the_crisis_path(flowset, locale: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_check_in(engine, locale)
    reply = engine.turn(session, UserInput(text=typed))
    assert reply.flow == "crisis_suicide"
    assert session.stack == [("why_change", "ask_reason")]  # and it still offers to resume there


@pytest.mark.parametrize(("locale", "typed"), [
    ("en", "idk"), ("en", "not really"), ("en", "maybe, i dunno"),
    ("es", "no sé"), ("es", "ni idea"), ("fi", "en tiedä"), ("fi", "ehkä"), ("pl", "nie wiem"), ("pl", "nwm"),
])
def test_a_typed_not_sure_leads_into_the_crisis_path(flowset, locale: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_check_in(engine, locale)
    assert engine.turn(session, UserInput(text=typed)).flow == "crisis_suicide"


@pytest.mark.parametrize(("locale", "typed"), [
    ("en", "nope"), ("en", "no im fine"), ("es", "no gracias"), ("fi", "ei oo"), ("pl", "nie dzięki"),
])
def test_a_whole_typed_no_goes_back_with_the_held_words_as_the_answer(flowset, locale: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_check_in(engine, locale)
    reply = engine.turn(session, UserInput(text=typed))
    assert reply.flow == "why_change" and session.state != "ask_reason"
    assert (session.slots or {}).get("reason") == "it is all so heavy"
    assert session.risk == {"suicide": 6}


@pytest.mark.parametrize(("locale", "typed"), [
    ("en", "no one would miss me"), ("en", "no. not since the pills"), ("es", "no estoy bien"),
    ("es", "no, no puedo más"), ("fi", "ei kukaan välitä"), ("pl", "nie chcę już żyć"),
])
def test_a_no_followed_by_more_words_is_never_taken_as_no(flowset, locale: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(flowset, screen=FakeScreen())
    session = at_check_in(engine, locale)
    reply = engine.turn(session, UserInput(text=typed))
    assert (reply.flow, reply.state) == ("check_in_suicide", "ask")  # asked again, not sent back
    assert session.risk is None


def test_typed_answers_are_the_persons_words_so_they_are_screened_first(flowset) -> None:  # type: ignore[no-untyped-def]
    screen = FakeScreen(category="child_at_risk")
    engine = Engine(flowset, screen=screen)
    session = at_check_in(engine, "en", "child_at_risk")
    reply = engine.turn(session, UserInput(text="yes and SURE"))
    assert "yes and SURE" in screen.seen
    assert reply.flow == "crisis_child_at_risk" and reply.screened == ("child_at_risk",)


def test_a_typed_yes_elsewhere_is_still_screened(flowset) -> None:  # type: ignore[no-untyped-def]
    """A yes/no question in a module: "yeah but ..." chooses yes only if screening finds nothing."""
    screen = FakeScreen()
    engine = Engine(flowset, screen=screen)
    locale, flow, state = yes_no_state(flowset)
    session, _ = engine.start(locale)
    session.flow, session.state = flow, state
    reply = engine.turn(session, UserInput(text="yeah but it all SURE"))
    assert reply.flow == "crisis_suicide"
    session.flow, session.state, session.stack = flow, state, None
    reply = engine.turn(session, UserInput(text="yeah sure"))
    assert (reply.flow, reply.state) != (flow, state)  # the option was taken


def yes_no_state(flowset) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A state outside check-ins and crisis paths whose options include Yes."""
    for fid, compiled in sorted(flowset.flows.items()):
        if fid.startswith(("check_in", "crisis")):
            continue
        for sid, state in compiled.flow.states.items():
            if any(o.label == "common.opt_yes" for o in state.choices()):
                return "en", fid, sid
    raise AssertionError("no yes/no question outside check-ins")


def test_every_language_lists_its_answers_and_no_word_answers_two_ways(flowset) -> None:  # type: ignore[no-untyped-def]
    for locale in LOCALES:
        seen: dict[tuple[str, ...], str] = {}
        for label, (key, _) in answers.TYPED_ANSWERS.items():
            assert key in flowset.catalogs[locale].messages, (locale, key)
            for phrase in flowset.catalogs[locale].messages[key].render(None).split(","):
                words = tuple(normalise(phrase).split())
                assert words, (locale, key, "an empty phrase")
                assert seen.setdefault(words, label) == label, (locale, words, "answers two options")
        assert answers.TYPED_COURTESY in flowset.catalogs[locale].messages, locale
        for phrase in flowset.catalogs[locale].messages[answers.TYPED_COURTESY].render(None).split(","):
            words = tuple(normalise(phrase).split())
            assert words, (locale, "an empty courtesy phrase")
            assert words not in seen, (locale, words, "a courtesy word that is also an answer")


def test_matching_is_by_whole_words() -> None:
    phrases = [(("yes",), 0, False), (("no",), 1, True), (("not", "sure"), 2, False)]
    assert answers.typed_answer(phrases, "yesterday was fine") is None
    assert answers.typed_answer(phrases, "yes") == 0
    assert answers.typed_answer(phrases, "no") == 1
    assert answers.typed_answer(phrases, "no way") is None
    assert answers.typed_answer(phrases, "not sure really") == 2
    assert answers.typed_answer(phrases, "") is None


def test_an_answer_said_twice_is_still_only_the_answer() -> None:
    """"sí, claro": "claro" is a yes too, not words after the answer to screen on their own."""
    phrases = [(("yes",), 0, False), (("sure",), 0, False), (("no",), 1, True), (("not", "sure"), 2, False)]
    assert answers.answer_and_rest(phrases, "yes sure") == (0, "")
    assert answers.answer_and_rest(phrases, "yes yes sure") == (0, "")
    assert answers.answer_and_rest(phrases, "yes sure took pills") == (0, "took pills")
    assert answers.answer_and_rest(phrases, "yes not sure") == (0, "not sure")  # another option's words stay
    assert answers.answer_and_rest(phrases, "no no") is None  # a whole-answer no is never stretched


def test_words_of_courtesy_after_an_answer_are_the_answers_own() -> None:
    """Session 33: "yes please" at a yes/no question asked about suicide, because a retrained
    model read "please" alone (the words after the answer's own) as a crisis."""
    c = answers.COURTESY
    phrases = [(("yes",), 0, False), (("no",), 1, True), (("please",), c, False), (("thank", "you"), c, False)]
    assert answers.answer_and_rest(phrases, "yes please") == (0, "")
    assert answers.answer_and_rest(phrases, "yes thank you please") == (0, "")
    assert answers.answer_and_rest(phrases, "yes please took pills") == (0, "took pills")  # the rest is screened
    assert answers.answer_and_rest(phrases, "please") is None  # courtesy alone answers nothing
    assert answers.answer_and_rest(phrases, "thank you") is None
    assert answers.answer_and_rest(phrases, "no please") is None  # a whole-answer no is never stretched
    assert answers.answer_and_rest(phrases, "please yes") is None  # only after an answer


def test_a_bare_answer_is_only_listed_answer_words(flowset) -> None:  # type: ignore[no-untyped-def]
    """:func:`answers.is_bare` reads every list of the language, whatever a question's options:
    a yes, a no or a "not sure", with courtesy after, and nothing else."""
    en = answers.bare_phrases(flowset.catalogs["en"])
    for typed in ["yes", "yeah sure", "not sure", "i don't know", "no", "nope", "yes please", "kinda"]:
        assert answers.is_bare(en, normalise(typed)), typed
    for typed in ["yes it did", "no one would miss me", "please", "", "nothing", "yesterday", "not sure why i bother"]:
        assert not answers.is_bare(en, normalise(typed)), typed
    for locale, typed in [("es", "no sé, gracias"), ("fi", "en tiedä"), ("pl", "nie wiem"), ("pl", "tak, dzięki")]:
        assert answers.is_bare(answers.bare_phrases(flowset.catalogs[locale]), normalise(typed)), typed


@pytest.mark.parametrize(
    ("locale", "typed", "option"),
    [("en", "Yes please", "common.opt_yes"), ("en", "not sure, thanks", "common.opt_not_sure"),
     ("es", "Sí, por favor", "common.opt_yes"), ("fi", "joo kiitos", "common.opt_yes"),
     ("pl", "tak, dziękuję", "common.opt_yes")],
)
def test_each_language_reads_its_courtesy_words_after_an_answer(flowset, locale: str, typed: str, option: str) -> None:  # type: ignore[no-untyped-def]
    options = [Option(id=o, label=f"common.opt_{o}", go="next") for o in ("yes", "no", "not_sure")]
    phrases = answers.phrases_for(flowset.catalogs[locale], options)
    found = answers.answer_and_rest(phrases, normalise(typed))
    assert found is not None and options[found[0]].label == option and found[1] == "", (locale, typed, found)
