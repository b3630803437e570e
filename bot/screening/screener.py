"""Both stages of crisis screening, and the bands: ``Screener.screen(text, locale) -> Screening``.

1. The phrase rules (:mod:`bot.screening.rules`): a hit is always *sure*, or *unsure* where the
   category's ``ask_when`` phrases match too (the past, someone else, a joke), or every hit comes
   before one of its ``closed_by`` phrases ("and im better now"): a check-in. A
   category's ``ask`` phrases (a crisis only sometimes) make it at least *unsure*. Where the
   language has ``doubt_below:`` and every score of the learned stage (each category and
   ``any``) is less than it, in a message of up to :data:`DOUBT_CHARS` characters, the hits
   ask too: the model is near sure there is no crisis. Never silent: a rule hit always asks.
2. The learned stage (:mod:`bot.screening.model`), where ``locale/<lang>/screening_model.npz``
   exists: a probability per category, put in a band by the thresholds in the language's
   ``screening.yaml`` (``bands:``): at or above ``sure`` -> sure; at or above ``unsure`` ->
   unsure; below -> nothing. The ``any`` head (some crisis, whichever) has only ``unsure``:
   at or above it, with no category flagged, the likeliest category is unsure. Where one of
   the category's ``unless`` phrases matches (everyday talk the designers listed: "the urge
   passed"), the model alone is at most unsure.

    >>> screener = Screener.from_dir(Path("locale"))                   # doctest: +SKIP
    >>> screener.screen("standing on the bridge rn", "en")              # doctest: +SKIP
    Screening(sure=('suicide',), unsure=(), scores={'suicide': 0.93, ...})

The engine interrupts with the crisis path of every sure category and asks a check-in for the
most urgent unsure one (:mod:`bot.check_in`). Nothing here logs or keeps text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.problems import display_path
from bot.screening.features import MAX_FEATURE_CHARS
from bot.screening.model import MODEL_FILE, Embedder, LearnedStage, load_embedder
from bot.screening.rules import ANY, CATEGORIES, Band, PhraseRules, RuleFindings

__all__ = ["DOUBT_CHARS", "Screener", "Screening"]

DOUBT_CHARS = 250
"""The longest message in which the learned stage may doubt a rule hit (``doubt_below:``): the
longest line of the calibration splits it was measured on. Past it, the words around a crisis
can pull the model's scores down, so a rule hit interrupts as it always did."""


@dataclass(frozen=True, slots=True)
class Screening:
    """What screening found in one message, each tuple most urgent first."""

    sure: tuple[str, ...] = ()
    """Categories whose crisis path interrupts (every phrase-rule hit is here, but those an
    ``ask_when`` phrase turns into a check-in)."""
    unsure: tuple[str, ...] = ()
    """Categories worth a check-in (never also sure)."""
    scores: Mapping[str, float] = field(default_factory=dict)
    """The learned stage's probability per category, and under ``any`` that the message calls
    for some crisis path (empty without a model)."""
    rules: tuple[str, ...] = ()
    """The categories the phrase rules found sure (a subset of ``sure``)."""
    doubted: tuple[str, ...] = ()
    """Rule hits the learned stage doubted (``doubt_below:``): they ask, in ``unsure``, and
    ``sure`` is empty."""
    asks: tuple[str, ...] = ()
    """The categories a phrase rule asks about (``ask_when`` phrases, and the doubted hits): a
    rule's ask is never dropped for a short typed answer (``Engine._short_answer``)."""

    def __bool__(self) -> bool:
        return bool(self.sure or self.unsure)


class Screener:
    """The phrase rules of every language, and each language's trained model where it has one."""

    def __init__(
        self,
        rules: PhraseRules,
        models: Mapping[str, LearnedStage],
        bands: Mapping[str, Mapping[str, Band]] | None = None,
    ) -> None:
        self.rules = rules
        self.models = dict(models)
        given = bands or {}
        self._bands = {lang: given.get(lang) or rules.bands(lang) for lang in rules.languages}
        """Each language's thresholds: ``screening.yaml``'s, or ``bands``' where given (to
        measure other ones)."""

    @classmethod
    def from_dir(
        cls,
        locale_dir: Path,
        *,
        base: Path | None = None,
        embedder_factory: Callable[[], Embedder] = load_embedder,
    ) -> Screener:
        """Compile the rules and load every ``screening_model.npz`` (one embedder, shared)."""
        base = base if base is not None else Path.cwd()
        rules = PhraseRules.from_dir(locale_dir, base=base)
        shared: list[Embedder] = []

        def embedder() -> Embedder:
            if not shared:
                shared.append(embedder_factory())
            return shared[0]

        models = {}
        for lang in rules.languages:
            path = locale_dir / lang / MODEL_FILE
            if path.exists():
                models[lang] = LearnedStage.load(path, display_path(path, base), embedder)
        return cls(rules, models)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.rules.languages

    def check_locale(self, locale: str) -> None:
        """``ContentError`` unless ``locale`` (or its language) can be screened."""
        self.rules.check_locale(locale)

    def screen(self, text: str, locale: str) -> Screening:
        """Both stages on ``text``; an unknown locale is a ``ContentError``.

        The same as :meth:`screen_reference`, faster (session 22): the text is folded once for
        both stages, and a category's unless phrases are searched for ``excused`` only where
        the answer can change the result: its score reaches ``sure``, or it is unsure and more
        urgent than a sure category (:func:`_more_urgent_leads`)."""
        lang = self.rules.language_of(locale)
        model = self.models.get(lang)
        found, excused, typed = self.rules.screen_lazy(text, lang)
        asked = found.asked

        def held(cat: str) -> bool:
            return cat in asked or excused(cat)

        if model is None:
            scores: dict[str, float] = {}
        else:  # the rules' folded words, where they are the words the model would read
            folded = [w.decode() for w in typed] if typed is not None and len(text) <= MAX_FEATURE_CHARS else None
            scores = model.scores(text, folded)
        bands = self._bands[lang] if model is not None else None
        return _decide(found, scores, bands, held, self._doubt_at(lang, text))

    __call__ = screen

    def screen_reference(self, text: str, locale: str) -> Screening:
        """:meth:`screen` the plain way, as it was before session 22's fast paths: every phrase
        list searched (:meth:`PhraseRules.screen_all`) and the learned stage's features looked
        up by name (:meth:`LearnedStage.scores_reference`). The tests compare the two on every
        dev text; never on the hot path."""
        lang = self.rules.language_of(locale)
        model = self.models.get(lang)
        found = self.rules.screen_all(text, lang)
        held_back = (*found.asked, *found.excused)
        scores = model.scores_reference(text) if model is not None else {}
        return _decide(found, scores, self._bands[lang] if model is not None else None,
                       lambda cat: cat in held_back, self._doubt_at(lang, text))

    def _doubt_at(self, lang: str, text: str) -> float | None:
        """``lang``'s ``doubt_below:`` for ``text``: None past :data:`DOUBT_CHARS` characters."""
        return self.rules.doubt_below(lang) if len(text) <= DOUBT_CHARS else None


NEVER_LEADS = frozenset({"minor"})
"""Unsure categories that are never taken as sure because another category is: ``minor`` says
who is writing, not how urgent the crisis is, and its path is the youth path, which never leads
back to the adult program (S7). Session 28: with fi's minor band at 0.06, "mulla on
paniikkikohtaus" (an adult's panic attack, minor scored 0.066) opened the youth path instead of
the distress one, and the person lost the program. A sure ``minor`` (a phrase rule, the sure
band, a "Yes" at its check-in) still leads."""


def _decide(
    found: RuleFindings,
    scores: dict[str, float],
    bands: Mapping[str, Band] | None,
    held: Callable[[str], bool],
    doubt_below: float | None = None,
) -> Screening:
    """The phrase rules' findings and the learned stage's ``scores`` put in bands (``bands`` None:
    no model, the rules alone); ``held``: whether a category's ``ask_when``, ``closed_by`` or
    ``unless`` phrases hold its model score back from sure (asked only where that can matter:
    the unless searches are the costly part); ``doubt_below``: where every score (each category
    and ``any``) is under it, the rule hits ask instead of interrupting."""
    hits, asks = found.sure, found.asks
    if bands is None:
        sure, unsure = _more_urgent_leads(list(hits), list(asks), held)
        return Screening(sure=tuple(sure), unsure=tuple(unsure), rules=hits, asks=tuple(asks))
    doubted: tuple[str, ...] = ()
    if doubt_below is not None and hits and max(scores.values(), default=1.0) < doubt_below:
        # the model is near sure there is no crisis here at all: every hit asks
        doubted, hits = hits, ()
        asks = tuple(c for c in CATEGORIES if c in asks or c in doubted)
        held = _also_held(held, doubted)
    sure, unsure = [], []
    for cat in CATEGORIES:
        band = bands.get(cat)
        p = scores.get(cat, 0.0)
        sure_at = band.sure if band is not None and band.sure is not None else None
        if cat in hits or (sure_at is not None and p >= sure_at and not held(cat)):
            sure.append(cat)
        elif cat in asks or (band is not None and p >= band.unsure):
            unsure.append(cat)
    sure, unsure = _more_urgent_leads(sure, unsure, held)
    either = bands.get(ANY)
    if not sure and not unsure and either is not None and scores.get(ANY, 0.0) >= either.unsure:
        # some crisis, no category sure of it: ask about the likeliest (most urgent on a tie)
        unsure.append(max(CATEGORIES, key=lambda c: (scores.get(c, 0.0), -CATEGORIES.index(c))))
    return Screening(tuple(sure), tuple(unsure), scores, tuple(hits), doubted, tuple(asks))


def _also_held(held: Callable[[str], bool], more: tuple[str, ...]) -> Callable[[str], bool]:
    """``held``, and every category in ``more``."""
    return lambda cat: cat in more or held(cat)


def _more_urgent_leads(
    sure: list[str], unsure: list[str], held: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """Where a crisis is sure already, an unsure category more urgent than it is taken as sure
    too, and leads: "ya no aguanto más, esta noche me tomo todas las pastillas" opens the suicide
    path, not only the distress one (the person is interrupted either way; a check-in cannot be
    asked beside an interrupt). Not for a category an ask_when or closed_by phrase held back,
    and never for ``minor`` (:data:`NEVER_LEADS`)."""
    if not sure or not unsure:
        return sure, unsure
    first = min(CATEGORIES.index(c) for c in sure)
    lead = {c for c in unsure if CATEGORIES.index(c) < first and not held(c) and c not in NEVER_LEADS}
    return [c for c in CATEGORIES if c in sure or c in lead], [c for c in unsure if c not in lead]
