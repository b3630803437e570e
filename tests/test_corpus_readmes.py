"""What writers of training rounds read holds no test line.

Each language's README.md is read by the writers of training rounds; since session 43 a test
split's record (who wrote it, its label calls, which quote its lines) goes to
``corpus/<lang>/tests.md`` instead, which their brief forbids. Older splits' lines that a round's
own section or a label example happens to share (27 short ones across the four READMEs in
session 43) are left alone; from test41 on, no line of a split may appear in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.screening.corpus import languages, load_test

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIRST_SPLIT_RECORDED_IN_TESTS_MD = 41


def split_number(file: str) -> int:
    found = re.search(r"test(\d*)\.tsv$", file)
    assert found, file
    return int(found.group(1) or 1)


def quoted_lines(readme: str, lang: str) -> list[str]:
    """Places of the newer splits' lines of four words or more that ``readme`` holds."""
    text = readme.lower()
    return [
        f"{ex.file}:{ex.line}"
        for ex in load_test(CORPUS, lang)
        if split_number(ex.file) >= FIRST_SPLIT_RECORDED_IN_TESTS_MD
        and len(ex.text.split()) >= 4
        and ex.text.strip().lower() in text
    ]


@pytest.mark.parametrize("lang", languages(CORPUS))
def test_the_readme_quotes_no_line_of_a_newer_split(lang: str) -> None:
    assert (CORPUS / lang / "tests.md").exists(), f"corpus/{lang}/tests.md holds the test splits' records"
    assert quoted_lines((CORPUS / lang / "README.md").read_text(encoding="utf-8"), lang) == []


def test_a_record_pasted_into_the_readme_is_found() -> None:
    lang = languages(CORPUS)[0]
    newest = max(load_test(CORPUS, lang), key=lambda ex: (split_number(ex.file), len(ex.text.split())))
    record = f"Label calls: \"{newest.text.strip()}\" (child_at_risk)."
    assert quoted_lines(f"# README\n\n{record}\n", lang) == [f"{newest.file}:{newest.line}"]
