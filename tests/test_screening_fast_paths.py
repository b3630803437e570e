"""The screener's fast paths (session 22) against the plain reference path kept from before
them (``Screener.screen_reference``): the same categories, check-ins, rule hits and scores, on
every dev text of every language, an eighth of the train pool and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.screening import Screener
from bot.screening.corpus import load_pool, read_tsv, split
from bot.screening.features import MAX_FEATURE_CHARS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LANGS = ["en", "es", "fi", "pl"]

ODD_TEXTS = [
    "", " ", "\n\t", "!!!", "😀", "😀😀 i want to die 😀", "🙂" * 50, "x" * 80, "ab " * 700,
    "i want to kill myself " * 100,  # over 2,000 characters: the learned stage reads the start
    "a" * 1999 + " kill myself", "a" * 2001, "kil" * 700,
    "Kiiill MYSELF!!", "15yo 2day l33t aa11bbb 1a1", "im 15", "i am fifteen", "123456789 0 00 007",
    "\u3392 \u2460 \u00bd \ufb01", "\u3392", "MHz",  # compatibility characters that fold to ASCII
    "e\u0301 n\u0303 quiero morir", "cafe\u0301 i want to die", "\u0301\u0301\u0301",
    "¿Tengo 15 AÑOS? niño ñandú", "Jag mår dåligt, łódź", "Минск ٱلسلام 東京 😀\u200b\u200dzz",
    "أريد أن أموت", "\u202ei want to die\u202c", "\u200fhello\u200e", "שלום i want to die",
    "i\u200bwant\u200bto\u200bdie", "i want\u200d to die", "\ufeffim going to end it",
    "DON'T kill myself `ok` \u2019", "«¡hola!» — “sí” … • ·", "İstanbul \u0131i ß ẞ ǅ",
    "\uff49 \uff57\uff41\uff4e\uff54 \uff54\uff4f \uff44\uff49\uff45", "κάτι ελληνικά",
    "I WANT TO DIE", "i want to die",
    "1a2b3c4d", "ääää öö åå", "zabić się chcę", "haluan kuolla tänään",
]


def texts_of(lang: str) -> list[str]:
    dev_file = [ex.text for ex in read_tsv(ROOT / "tests" / "screening" / f"dev.{lang}.tsv", lang)]
    train, dev = split(load_pool(CORPUS, lang))
    return [*dev_file, *(ex.text for ex in dev), *(ex.text for ex in train[::8]), *ODD_TEXTS]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_dir(ROOT / "locale", base=ROOT)


def test_odd_texts_cover_the_limits() -> None:
    assert any(len(t) > MAX_FEATURE_CHARS for t in ODD_TEXTS)


@pytest.mark.parametrize("lang", LANGS)
def test_the_fast_screener_is_the_reference(screener: Screener, lang: str) -> None:
    assert lang in screener.models
    differ = []
    for text in texts_of(lang):
        got, want = screener.screen(text, lang), screener.screen_reference(text, lang)
        if (got.sure, got.unsure, got.rules) != (want.sure, want.unsure, want.rules):
            differ.append((text, got, want))
        elif list(got.scores) != list(want.scores) or any(
            abs(got.scores[c] - want.scores[c]) > 1e-12 for c in want.scores
        ):
            differ.append((text, got, want))
    assert not differ, differ[:5]


@pytest.mark.parametrize("lang", LANGS)
def test_the_fast_learned_stage_is_the_reference(screener: Screener, lang: str) -> None:
    model = screener.models[lang]
    for text in [*texts_of(lang)[::4], *ODD_TEXTS]:
        got, want = model.scores(text), model.scores_reference(text)
        assert list(got) == list(want), text
        assert all(abs(got[c] - want[c]) <= 1e-12 for c in want), (text, got, want)


@pytest.mark.parametrize("lang", LANGS)
def test_the_fast_screener_without_a_model_is_the_reference(screener: Screener, lang: str) -> None:
    rules_only = Screener(screener.rules, {})
    for text in [*texts_of(lang)[::8], *ODD_TEXTS]:
        got, want = rules_only.screen(text, lang), rules_only.screen_reference(text, lang)
        assert got == want, text


def test_strip_accents_is_the_reference() -> None:
    """Every code point (in runs of 50, and each beside accented and typographic text) folds
    as the plain ``translate`` of the whole text folds it."""
    from bot.phrases import _SPECIAL, strip_accents, strip_accents_reference

    specials = "".join(chr(k) for k in _SPECIAL)
    points = [c for c in range(0x30000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(points), 50):
        run = "".join(map(chr, points[i : i + 50]))
        for text in (run, f"Ñu {run} ¿é\u00b4s\u2019 {specials}", run.upper()):
            assert strip_accents(text) == strip_accents_reference(text), run
    for text in ODD_TEXTS:
        assert strip_accents(text) == strip_accents_reference(text), text


class _Fixed:
    """A stand-in learned stage with fixed scores, so that every band and the excused checks
    (a score at ``sure`` beside a matching unless phrase, an unsure category more urgent than a
    sure one) are reached on every text."""

    def __init__(self, scores: dict[str, float]) -> None:
        self._scores = scores

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        return dict(self._scores)

    def scores_reference(self, text: str) -> dict[str, float]:
        return dict(self._scores)


def _profiles(screener: Screener, lang: str) -> list[dict[str, float]]:
    from bot.screening.rules import ANY, CATEGORIES

    bands = screener.rules.bands(lang)
    sure = {c: bands[c].sure or 0.99 for c in CATEGORIES}
    unsure = {c: bands[c].unsure for c in CATEGORIES}
    return [
        {**sure, ANY: 0.99},
        {**unsure, ANY: 0.99},
        {**{c: unsure[c] if i % 2 == 0 else sure[c] for i, c in enumerate(CATEGORIES)}, ANY: 0.5},
        {**{c: sure[c] if i % 2 == 0 else unsure[c] for i, c in enumerate(CATEGORIES)}, ANY: 0.5},
        {**{c: unsure[c] if i < 3 else sure[c] for i, c in enumerate(CATEGORIES)}, ANY: 0.0},
        {**dict.fromkeys(CATEGORIES, 0.0), ANY: 0.99},
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_lazy_unless_checks_give_the_reference_bands(screener: Screener, lang: str) -> None:
    texts = [*texts_of(lang)[::6], *ODD_TEXTS]
    for profile in _profiles(screener, lang):
        fixed = Screener(screener.rules, {lang: _Fixed(profile)})  # type: ignore[dict-item]
        for text in texts:
            assert fixed.screen(text, lang) == fixed.screen_reference(text, lang), (profile, text)


def test_screening_never_builds_the_whole_index_by_name() -> None:
    """The pairs, two thirds of the vocabulary, are found by number: a message screened the
    fast way builds no index of them by name (about 6 MB a language, session 27); only the
    reference path does."""
    from bot.screening.keys import is_pair
    from bot.screening.model import LearnedStage

    model = LearnedStage.load(ROOT / "locale" / "en" / "screening_model.npz", "en")
    assert not any(is_pair(f) for f in model._index)
    for text in [*ODD_TEXTS, "i want my nephews to be safe", "im going to end it tonight"]:
        model.scores(text)
    assert "_full_index" not in vars(model)
    reference = model.scores_reference("i want to die tonight")
    assert "_full_index" in vars(model)
    assert reference == pytest.approx(model.scores("i want to die tonight"), abs=1e-5)
