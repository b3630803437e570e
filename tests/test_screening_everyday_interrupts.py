"""Phrase rules changed in session 32, from the interrupts of a calibration split on everyday
talk (docs/screening-history.md, session 32): laughing emoji read as ``lol``, a goodbye alone
asks, spoken Finnish negation, a Spanish "lo de ... era con" without "que". Each case is checked
with and without what changed it, so the test fails if the change is undone. Sentences written
for these tests."""

from __future__ import annotations

import pytest

from bot.paths import REPO_ROOT
from bot.phrases import JOKE_EMOJI, fold, words
from bot.screening.rules import PhraseRules


@pytest.fixture(scope="module")
def rules() -> PhraseRules:
    return PhraseRules.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)


@pytest.mark.parametrize("emoji", list(JOKE_EMOJI))
def test_a_laughing_or_face_palm_emoji_is_read_as_lol(emoji: str) -> None:
    assert words(f"Bus Late AGAIN {emoji}") == ["bus", "late", "again", "lol"]
    assert fold(f"late{emoji}").split() == ["late", "lol"]


@pytest.mark.parametrize("emoji", ["\U0001f643", "\U0001f605", "\U0001f62d", "\u2764\ufe0f"])
def test_other_emoji_are_still_not_words(emoji: str) -> None:
    """🙃 and 😅 stay out: people in crisis use them ("a treat before the big sleep 🙃")."""
    assert words(f"tonight {emoji}") == ["tonight"]


@pytest.mark.parametrize(
    ("locale", "words_said", "category"),
    [
        ("pl", "jak sąsiad znowu włączy wiertarkę o siódmej, to się powieszę na żyrandolu", "suicide"),
        ("en", "Monday again, kill myself", "suicide"),
    ],
)
def test_hyperbole_with_a_laughing_emoji_does_not_interrupt(
    rules: PhraseRules, locale: str, words_said: str, category: str
) -> None:
    assert category in rules.screen_all(words_said, locale).sure, "the words alone should interrupt"
    joking = rules.screen_all(words_said + " \U0001f602", locale)
    assert category not in joking.sure


def test_a_crisis_with_an_upside_down_face_still_interrupts(rules: PhraseRules) -> None:
    assert "suicide" in rules.screen_all("I want to kill myself tonight \U0001f643", "en").sure


def test_a_finnish_goodbye_alone_asks_and_a_last_goodbye_interrupts(rules: PhraseRules) -> None:
    farewell = rules.screen_all("Hyvästelin harjoittelijat tänään ja annoin kaikille kortin", "fi")
    assert "suicide" not in farewell.sure and "suicide" in farewell.asks
    last = rules.screen_all("hyvästelin siskon tänään viimeistä kertaa", "fi")
    assert "suicide" in last.sure


def test_spoken_finnish_nobody_touched_me_is_not_abuse(rules: PhraseRules) -> None:
    assert "abused" not in rules.screen_all("Ei oo kukaan koskaan koskenu muhun väärin", "fi").found
    assert "abused" in rules.screen_all("Eno koskenu muhun väärin", "fi").found


def test_spanish_lo_de_explained_without_que_asks(rules: PhraseRules) -> None:
    said = "no, lo de acabar con todo era con los papeles del trabajo"
    assert "suicide" in rules.screen_all("quiero acabar con todo", "es").sure
    found = rules.screen_all(said, "es")
    assert "suicide" not in found.sure and "suicide" in found.asks
