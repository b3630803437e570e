"""The lapse path: a lapse typed anywhere (at the menu, inside a module, as a text answer)
reaches it, in English and Spanish; look-alikes ("I used to...") do not; a crisis hit wins;
the sentence is never kept in a slot."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import re2

from bot import catalog
from bot import engine as engine_module
from bot.engine import Engine
from bot.errors import ContentError, LintFailed
from bot.lapse import LapseFinder, lint_lapse
from bot.paths import REPO_ROOT
from bot.phrases import tokens, units
from bot.session import Session, UserInput

LAPSES = {
    "en": [
        "i slipped",
        "I relapsed last night",
        "I looked at it again last night",
        "I used again last night and I want it to be the last time",
        "Slipped up yesterday, I'm so angry with myself",
        "I gave in to the urge",
        "went back to looking at it",
        "i had a slip",
        "I watched them again",
        "ugh i caved last night",
        "back to day zero",
        "relapsed smh",
        "my clean streak ended on monday",
        "I did it again",
    ],
    "es": [
        "recaí",
        "Recaí anoche",
        "volví a verlo",
        "Ayer volví a buscar",
        "lo vi otra vez anoche",
        "tuve una recaída",
        "he vuelto a consumir",
        "caí otra vez",
        "tuve un desliz",
        "la cagué, volví a mirar",
        "cedí al impulso anoche",
        "perdí mi racha de 20 días",
        "volví a buscar material",
    ],
}

NOT_LAPSES = {
    "en": [
        "I used to look at it every day",
        "I used to watch it again and again when I was younger",
        "I haven't slipped in three weeks",
        "I'm afraid I'll relapse",
        "what if i slip",
        "I never looked at it again after that",
        "I want to stop because of my niece",
        "stress at work",
        "I looked at my phone again before bed",
        "at night when I've been drinking I go back to it",
        "i watched a film last night",
        "I was close to relapsing on friday but I called a friend",
        "I relapsed last spring and learned a lot from it",
        "what happens if i slip",
        "relapsed on sh",
    ],
    "es": [
        "antes lo veía cada día",
        "no he recaído",
        "tengo miedo de recaer",
        "nunca lo vi otra vez",
        "quiero parar por mi familia",
        "el estrés del trabajo",
        "volví a ver a mi hermano",
        "vi a mi madre otra vez",
        "volví a buscar trabajo",
        "recaí con el alcohol el finde",
        "volví a mirar mi plan",
        "ayer miré series hasta tarde",
        "el año pasado tuve una recaída fuerte, pero desde entonces voy bien",
    ],
}


@pytest.fixture(scope="module")
def finder() -> LapseFinder:
    return LapseFinder.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)


@pytest.mark.parametrize(("locale", "text"), [(lc, t) for lc, ts in LAPSES.items() for t in ts])
def test_a_lapse_is_recognised(finder: LapseFinder, locale: str, text: str) -> None:
    assert finder(text, locale)


@pytest.mark.parametrize(("locale", "text"), [(lc, t) for lc, ts in NOT_LAPSES.items() for t in ts])
def test_a_look_alike_is_not_a_lapse(finder: LapseFinder, locale: str, text: str) -> None:
    assert not finder(text, locale)


def test_a_regional_locale_uses_its_language_and_an_unknown_one_says_so(finder: LapseFinder) -> None:
    assert finder("recaí", "es-MX")
    with pytest.raises(ContentError, match=r"no lapse_phrases\.yaml for locale 'xx'"):
        finder("i slipped", "xx")


def _texts(engine: Engine) -> list[str]:
    """Every message of the shipped catalogs, the lists above, and seeded junk of the
    characters folding treats specially (accents, apostrophes, digits, runs, other scripts)."""
    texts = [m.render(None) for c in engine.current.catalogs.values() for m in c.messages.values()]
    texts += [t for ts in (*LAPSES.values(), *NOT_LAPSES.values()) for t in ts]
    rng = random.Random(5)
    alphabet = (
        "aAbBlLoO0123 45'`\u2019\u00b4_-.,!?\u00bf\u00a1\u00f1\u00d1\u00e9\u00fc\u00df\u0142\u0141"
        "\u00f8\u00e6\u0153\u0131\u0130\u3392\u01c5\u200b\u202e\U0001f642\u65e5\u00e4\u00f6\t\n"
    )
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    return texts


def test_units_are_the_tokens_as_bytes(shipped_engine: Engine) -> None:
    """The fast path of ``units`` (one pass over ASCII text) gives what the tokens give."""
    for text in _texts(shipped_engine):
        assert units(text) == f" {'  '.join(tokens(text))} ".encode(), text


def test_the_finder_agrees_with_the_plain_computation(finder: LapseFinder, shipped_engine: Engine) -> None:
    """Bytes units and one compiled search per kind give what a str search over the tokens,
    with the unless phrases' matches blanked out, gives."""

    def plain(phrases: str, unless: str | None, text: str) -> bool:
        joined = " " + "  ".join(tokens(text)) + " "
        if re2.search(phrases, joined) is None:
            return False
        if unless is None:
            return True
        parts, pos = [], 0
        for m in re2.finditer(unless, joined):
            parts.append(joined[pos : m.start()])
            pos = m.end()
        if pos == 0:
            return True
        parts.append(joined[pos:])
        return re2.search(phrases, " _ ".join(parts)) is not None

    texts = _texts(shipped_engine)
    for lang in finder.languages:
        found = finder._language(lang)
        phrases = found.phrases.regex.pattern.decode()
        unless = found.unless.regex.pattern.decode() if found.unless is not None else None
        for text in texts:
            assert finder(text, lang) == plain(phrases, unless, text), (lang, text)


def test_a_typed_turn_folds_the_text_once(shipped_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands, typed options, what to screen and the lapse path read one folding a turn (the
    options' labels are folded once, when a state is first answered by typing)."""
    calls: list[str] = []
    real = catalog.normalise

    def counted(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(catalog, "normalise", counted)
    monkeypatch.setattr(engine_module, "normalise", counted)
    session = _to(shipped_engine, "en", "triggers")
    for text in ("work was busy today, going for a walk now", "I slipped last night", "help"):
        calls.clear()
        shipped_engine.turn(session, UserInput(text=text))
        assert calls.count(text) == 1, text


def _to(engine: Engine, locale: str, flow: str, *choices: str) -> Session:
    session, _ = engine.start(locale, flow)
    for choice in choices:
        engine.turn(session, UserInput(choice=choice))
    return session


@pytest.mark.parametrize(("locale", "text"), [("en", "I slipped last night"), ("es", "Recaí anoche")])
def test_typed_at_the_menu(shipped_engine: Engine, locale: str, text: str) -> None:
    session = _to(shipped_engine, locale, "menu")
    reply = shipped_engine.turn(session, UserInput(text=text))
    assert (reply.flow, reply.state) == ("lapse", "lapse_or_relapse")
    assert [m.key for m in reply.messages][:2] == ["lapse.thanks", "lapse.not_the_end"]


@pytest.mark.parametrize(("locale", "text"), [("en", "i looked at it again"), ("es", "volví a verlo")])
def test_typed_inside_a_module_at_a_choice(shipped_engine: Engine, locale: str, text: str) -> None:
    session = _to(shipped_engine, locale, "triggers")
    assert session.state == "inner"
    reply = shipped_engine.turn(session, UserInput(text=text))
    assert reply.flow == "lapse"
    assert session.stack == [("triggers", "inner")]
    # "carry on where you were" goes back to the question left
    for choice in ("not_now", "skip", "rest"):
        reply = shipped_engine.turn(session, UserInput(choice=choice))
    reply = shipped_engine.turn(session, UserInput(choice="resume"))
    assert (reply.flow, reply.state) == ("triggers", "inner")


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "I used again last night and I want it to be the last time"),
        ("es", "Ayer volví a buscar y quiero que sea la última vez"),
    ],
)
def test_typed_as_a_text_answer_is_never_saved_as_a_reason(
    shipped_engine: Engine, locale: str, text: str
) -> None:
    session, reply = shipped_engine.start(locale, "why_change")
    while reply.state != "ask_reason":
        opt = reply.options[-1].id if reply.input == "choice" else reply.options[0].id
        reply = shipped_engine.turn(session, UserInput(choice=opt))
    reply = shipped_engine.turn(session, UserInput(text=text))
    assert reply.flow == "lapse"
    assert "why_change.reflect_reason" not in [m.key for m in reply.messages]
    assert not (session.slots or {}).get("reason")


def test_module_2_past_use_is_kept_as_the_answer(shipped_engine: Engine) -> None:
    session, reply = shipped_engine.start("en", "understanding")
    while reply.input == "choice":
        reply = shipped_engine.turn(session, UserInput(choice=reply.options[0].id))
    reply = shipped_engine.turn(session, UserInput(text="I used to look at it every night after work"))
    assert reply.flow == "understanding"


def test_a_crisis_hit_wins(shipped_engine: Engine) -> None:
    session = _to(shipped_engine, "en", "menu")
    reply = shipped_engine.turn(session, UserInput(text="I slipped again and I want to kill myself"))
    assert reply.flow == "crisis_suicide"
    assert reply.screened == ("suicide",)


def test_an_option_chosen_by_its_words_is_not_a_lapse(shipped_engine: Engine) -> None:
    session, reply = shipped_engine.start("en", "triggers")
    while reply.state != "log_outcome":
        reply = shipped_engine.turn(session, UserInput(choice=reply.options[0].id))
    reply = shipped_engine.turn(session, UserInput(text="I used"))
    assert (reply.flow, reply.state) == ("triggers", "recap")


def test_inside_the_lapse_path_a_lapse_is_an_answer(shipped_engine: Engine) -> None:
    session = _to(shipped_engine, "en", "lapse", "know_it")
    reply = shipped_engine.turn(session, UserInput(text="I relapsed after a row with my brother"))
    assert reply.state == "step_now"
    assert session.slots == {"lapse_before": "I relapsed after a row with my brother"}


def test_a_mistake_in_the_phrases_is_placed(tmp_path: Path) -> None:
    for lang, body in (("en", 'phrases: ["i (slipped"]\n'), ("es", "phrases: [recaí]\n")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "language.yaml").write_text("name: x\n")
        (tmp_path / lang / "lapse_phrases.yaml").write_text(body)
    (tmp_path / "fi").mkdir()
    (tmp_path / "fi" / "language.yaml").write_text("name: x\n")
    problems = lint_lapse(tmp_path, tmp_path)
    assert [str(p) for p in problems] == [
        "en/lapse_phrases.yaml:1:11: error: phrases: '(' without a closing ')': 'i (slipped'",
        "fi/lapse_phrases.yaml: error: language 'fi' has no lapse_phrases.yaml, so a lapse typed "
        "in it would not reach the lapse path (copy en/lapse_phrases.yaml and translate it)",
    ]
    with pytest.raises(LintFailed):
        LapseFinder.from_dir(tmp_path, base=tmp_path)


def test_a_screener_reporting_a_lapse_category_is_heard_too() -> None:
    from bot.bootstrap import load_flowset

    engine = Engine(load_flowset(REPO_ROOT), screen=lambda text, locale: ["lapse"] if "tripped" in text else [])
    session, _ = engine.start("en", "menu")
    reply = engine.turn(session, UserInput(text="I tripped up again"))
    assert reply.flow == "lapse" and reply.screened == ("lapse",)
