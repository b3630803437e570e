"""Crisis screening in two stages: the phrase rules (:mod:`bot.screening.rules`) and the learned
stage (:mod:`bot.screening.model`), banded into a :class:`Screening` (:mod:`bot.screening.screener`).
The corpus they are measured and trained on: :mod:`bot.screening.corpus`."""

from bot.screening.rules import CATEGORIES, SCREENING_FILE, Band, PhraseRules, ScreeningFile, lint_screening
from bot.screening.screener import Screener, Screening

__all__ = [
    "CATEGORIES",
    "SCREENING_FILE",
    "Band",
    "PhraseRules",
    "Screener",
    "Screening",
    "ScreeningFile",
    "lint_screening",
]
