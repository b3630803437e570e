"""Recognising a lapse ("i slipped", "recaí") wherever it is typed, to offer the lapse path.

Each ``locale/<lang>/lapse_phrases.yaml`` lists ``phrases`` in the phrase language of
:mod:`bot.phrases` and ``unless`` phrases for talk that looks alike but is not a lapse now
("I used to look at it every day", "I have not slipped")::

    phrases: ["i (slipped|relapsed)", "(looked|watched) at it again"]
    unless: ["used to", "(havent|have not|didnt) (slip|slipped)"]

A text is a lapse when a phrase matches it, and still matches once the spans the ``unless``
phrases cover are blanked out (as screening does). Matching is one RE2 search (one compiled
alternation, as the phrase rules search, over bytes) of the folded tokens of the text
(:func:`bot.phrases.units`): linear in its length, never backtracking. Nothing here logs or
keeps text.
The engine asks after crisis screening (a crisis hit wins) and before the global commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.content import schema_problems
from bot.errors import ContentError, LintFailed
from bot.phrases import MAX_PHRASE_CHARS, PhraseError, parse_phrase, units
from bot.problems import Place, Problem, display_path
from bot.screening.rules import PhraseRegex, found_unless
from bot.yamlsource import YamlError, load_yaml

__all__ = ["LAPSE_FILE", "LapseFinder", "lint_lapse"]

LAPSE_FILE = "lapse_phrases.yaml"

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PHRASE_CHARS)]


class LapseFile(BaseModel):
    """``locale/<lang>/lapse_phrases.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[Text] = Field(min_length=1)
    """What a person says when they have just used again, in their words."""
    unless: list[Text] = Field(default_factory=list)
    """Look-alikes that are not a lapse now: the past ("i used to"), denials, other topics."""


class _Language:
    def __init__(self, phrases: list[str], unless: list[str]) -> None:
        self.phrases = PhraseRegex(phrases)
        self.unless = PhraseRegex(unless) if unless else None

    def found(self, text: str) -> bool:
        return found_unless(self.phrases, self.unless, units(text))


class LapseFinder:
    """``finder(text, locale) -> bool``: does ``text`` tell of a lapse? Compiled once."""

    def __init__(self, languages: Mapping[str, _Language]) -> None:
        self._languages = dict(languages)

    @classmethod
    def from_dir(cls, locale_dir: Path, *, base: Path | None = None) -> LapseFinder:
        """Every language's ``lapse_phrases.yaml``; ``LintFailed`` on any error in them."""
        problems, loaded = _load_all(locale_dir, base if base is not None else Path.cwd())
        if any(p.severity == "error" for p in problems):
            raise LintFailed(sorted(problems, key=Problem.sort_key))
        return cls(loaded)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._languages))

    def __call__(self, text: str, locale: str) -> bool:
        return self._language(locale).found(text)

    def check_locale(self, locale: str) -> None:
        """Raise ``ContentError`` unless ``locale`` (or its language) has lapse phrases."""
        self._language(locale)

    def _language(self, locale: str) -> _Language:
        lang = self._languages.get(locale) or self._languages.get(locale.split("-")[0])
        if lang is None:
            raise ContentError(
                f"no {LAPSE_FILE} for locale '{locale}' (have: {', '.join(self.languages)})"
            )
        return lang


def lint_lapse(locale_dir: Path, base: Path) -> list[Problem]:
    """Every problem in the ``lapse_phrases.yaml`` files under ``locale_dir``, placed."""
    problems, _ = _load_all(locale_dir, base)
    return sorted(problems, key=Problem.sort_key)


def _load_all(locale_dir: Path, base: Path) -> tuple[list[Problem], dict[str, _Language]]:
    problems: list[Problem] = []
    loaded: dict[str, _Language] = {}
    if not locale_dir.is_dir():
        return problems, loaded
    langs = sorted(p for p in locale_dir.iterdir() if p.is_dir() and (p / "language.yaml").exists())
    have = [d for d in langs if (d / LAPSE_FILE).exists()]
    for lang_dir in langs:
        path = lang_dir / LAPSE_FILE
        name = display_path(path, base)
        if not path.exists():
            if have:
                problems.append(
                    Problem(
                        Place(name),
                        f"language '{lang_dir.name}' has no {LAPSE_FILE}, so a lapse typed in it "
                        f"would not reach the lapse path (copy "
                        f"{display_path(have[0] / LAPSE_FILE, base)} and translate it)",
                    )
                )
            continue
        lang = _load_file(path, name, problems)
        if lang is not None:
            loaded[lang_dir.name] = lang
    return problems, loaded


def _load_file(path: Path, name: str, problems: list[Problem]) -> _Language | None:
    try:
        src = load_yaml(path, name)
    except YamlError as err:
        problems.append(err.problem)
        return None
    try:
        spec = LapseFile.model_validate(src.data)
    except ValidationError as err:
        problems.extend(schema_problems(err, src))
        return None
    before = len(problems)
    compiled: dict[str, list[str]] = {"phrases": [], "unless": []}
    for kind, texts in (("phrases", spec.phrases), ("unless", spec.unless)):
        for i, text in enumerate(texts):
            try:
                compiled[kind].append(parse_phrase(text).regex)
            except PhraseError as err:
                problems.append(Problem(src.place((kind, i)), f"{kind}: {err}: '{text}'"))
    if len(problems) > before:
        return None
    return _Language(compiled["phrases"], compiled["unless"])
