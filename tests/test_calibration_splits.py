"""The calibration splits named in code are the ones the docs name.

Each session turns the split written the session before into a calibration split (and a round
rule split): ``CALIBRATION_SPLITS`` and ``ROUND_RULE_SPLITS`` in ``bot/screening/corpus.py``, each
corpus README's bold line and docs/screening.md change together. In session 49 the code's
``range`` was left one short while the round rule's tuple and every doc moved on, and a bench
run screened the wrong splits (test35 to test45) before its counts gave it away."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.screening.corpus import CALIBRATION_SPLITS, ROUND_RULE_SPLITS, languages
from bot.screening.corpus import test_files as split_files

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NEWEST = CALIBRATION_SPLITS[-1]
FIRST_CLEAN = f"test{int(NEWEST.removeprefix('test')) + 1}"


@pytest.mark.parametrize("lang", languages(CORPUS))
def test_the_calibration_splits_are_the_oldest_test_splits_with_no_gap(lang: str) -> None:
    names = [p.stem for p in split_files(CORPUS, lang)]
    assert names[: len(CALIBRATION_SPLITS)] == list(CALIBRATION_SPLITS)


def test_every_round_rule_split_is_a_calibration_split() -> None:
    assert set(ROUND_RULE_SPLITS) <= set(CALIBRATION_SPLITS)


@pytest.mark.parametrize("lang", languages(CORPUS))
def test_each_corpus_readme_names_the_newest_calibration_split_and_the_first_clean_one(lang: str) -> None:
    readme = " ".join((CORPUS / lang / "README.md").read_text(encoding="utf-8").split())
    assert f"`{NEWEST}.tsv` too, are calibration splits:**" in readme
    assert f"`{FIRST_CLEAN}.tsv` and later" in readme


def test_the_screening_docs_name_the_same_calibration_splits() -> None:
    docs = " ".join((ROOT / "docs" / "screening.md").read_text(encoding="utf-8").split())
    assert f"`test.tsv` to `{NEWEST}.tsv`" in docs
    assert f"`{FIRST_CLEAN}.tsv` and later splits are clean" in docs
