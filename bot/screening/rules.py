"""Stage one of crisis screening, the phrase rules: which categories a text calls for, in
microseconds. A rule hit always wins (see :mod:`bot.screening.screener` for both stages): it
interrupts, or, where the category's ``ask_when`` phrases say the message is about the past,
someone else or a joke, it asks a check-in.

    >>> rules = PhraseRules.from_dir(Path("locale"))              # doctest: +SKIP
    >>> rules.screen("im 15 and i wanna kms", "en")                # doctest: +SKIP
    ['suicide', 'minor']

Each ``locale/<lang>/screening.yaml`` lists, per category, ``phrases`` in the small phrase
language of :mod:`bot.phrases` and ``unless`` phrases for everyday talk that looks alike::

    categories:
      urge:
        phrases: ["(want|need) to (look|search|watch)", "urge * (strong|bad)"]
        unless: ["urge (passed|went away)", "(dont|never) want to (look|search)"]

How a text is screened (``PhraseRules.screen``):

1. Fold it (:func:`bot.phrases.words`, :func:`bot.phrases.squeeze`): lower case, no accents or
   apostrophes, runs of one letter squeezed ("kiiill myselff" -> "kil myself"), digits parted
   from letters ("15yo" -> "15 yo").
2. Read number words as numbers (``numbers:``, "fifteen" -> 15) and correct light typos: a word
   of 5+ letters that is not a phrase word but is one edit (insert, delete, replace, swap; by
   rapidfuzz's OSA distance) from exactly one phrase word of 5+ letters is read as that word
   ("suicdie" -> "suicide"). Words listed in ``keep:`` are never corrected.
3. For each category, one RE2 search of its phrases. RE2 runs in time linear in the text and
   never backtracks, so no phrase a designer writes can make screening slow. Where a phrase
   matched and one of the category's ``unless`` phrases matched too, the unless spans are
   blanked out and the phrases searched again: "the urge passed" is not an urge, but "the urge
   passed but now i want to look" still is.
4. A category found whose ``ask_when`` phrases match anywhere in the text is *asked*
   (``PhraseRules.screen_all``): a check-in, not an interrupt. Its ``closed_by`` phrases are
   words that close a past ("and im better now"): where one matches and no phrase of the
   category matches after the last of them, the category is asked too. "years ago i thought
   about ending my life most days, i got help" asks; "i got help but tonight im doing it"
   still interrupts.
5. A category's ``ask`` phrases are wordings that are a crisis only sometimes ("im on the
   bridge", "i have a plan"): where no phrase of the category matched but one of them did
   (after its ``unless`` phrases), the category is *asking*: a check-in, which the learned
   stage may still make sure.

Categories come back most urgent first (:data:`CATEGORIES`). Nothing here logs or keeps text.
See docs/screening.md for the guide for content designers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import re2
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from rapidfuzz.distance import OSA

from bot.content import schema_problems
from bot.errors import ContentError, LintFailed
from bot.phrases import (
    MAX_PHRASE_CHARS,
    Phrase,
    PhraseError,
    RunMemo,
    ascii_words,
    parse_phrase,
    parse_set,
    squeeze,
    strip_accents,
    tokens,
    words,
)
from bot.problems import Place, Problem, did_you_mean, display_path
from bot.screening import phrase_cache
from bot.screening.phrase_cache import Parsed
from bot.yamlsource import Source, YamlError, decode_yaml

__all__ = [
    "ANY",
    "BAND_KEYS",
    "CATEGORIES",
    "SCREENING_FILE",
    "Band",
    "PhraseRegex",
    "PhraseRules",
    "RuleFindings",
    "RuleMatch",
    "ScreeningFile",
    "found_unless",
    "lint_screening",
]

CATEGORIES = ("child_at_risk", "suicide", "minor", "abused", "distress", "urge")
ANY = "any"
"""The learned stage's extra head: the message calls for some crisis path, whichever. Its band
has only ``unsure``: above it, with no category flagged, a check-in asks about the most likely
category (it never interrupts on its own)."""
BAND_KEYS = (*CATEGORIES, ANY)
"""Every screening category, most urgent first; the names are the interface."""

SCREENING_FILE = "screening.yaml"
MAX_PROGRAM = 60_000
"""Most RE2 instructions one category's phrases (or unless phrases) may compile to. Matching
stays linear in the text whatever the size, but each new DFA state costs time in proportion to
it; the shipped categories are under 30,000."""
FUZZY_MIN = 5
"""Words shorter than this are never corrected (short words are too close to each other)."""

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 64 << 20
_RE2_OPTIONS.never_capture = True
# Units are bytes and words are split by spaces only, so the regexes work on bytes: a gap's
# "[^ ]" is then one instruction instead of a UTF-8 decoder, which keeps the DFA small.
_RE2_OPTIONS.encoding = re2.Options.Encoding.LATIN1

Text = Annotated[str, StringConstraints(max_length=MAX_PHRASE_CHARS)]


class CategoryPatterns(BaseModel):
    """One category's phrases and the everyday phrases that look like them but are not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[Text] = Field(min_length=1)
    unless: list[Text] = Field(default_factory=list)
    ask_when: list[Text] = Field(default_factory=list)
    """Phrases anywhere in the message that make a hit of this category ask a check-in instead
    of interrupting: the past ("years ago", "used to"), someone else ("my friend"), jokes."""
    closed_by: list[Text] = Field(default_factory=list)
    """Words that close a past ("and im better now", "therapy saved me"): a hit that comes before
    them asks a check-in; a hit after them ("but tonight i will") still interrupts."""
    ask: list[Text] = Field(default_factory=list)
    """Wordings that are a crisis only sometimes ("im on the bridge", "i have a plan"): a match
    asks a check-in for this category, never interrupts by itself."""


class Band(BaseModel):
    """One category's thresholds on the learned stage's probability: at or above ``sure`` the
    crisis path interrupts; at or above ``unsure`` a check-in asks; below, nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unsure: float = Field(gt=0.0, lt=1.0)
    sure: float | None = Field(default=None, gt=0.0, le=1.0)
    """Required for a category; the ``any`` head has none (it only ever asks)."""

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.sure is not None and not self.unsure < self.sure:
            raise ValueError(f"unsure ({self.unsure}) must be below sure ({self.sure})")
        return self


class ScreeningFile(BaseModel):
    """``locale/<lang>/screening.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    needs_review: bool = False
    review_note: str | None = None
    numbers: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], int] = Field(
        default_factory=dict
    )
    """Number words read as numbers, so ``{13-17}`` matches "fifteen"."""
    keep: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = Field(
        default_factory=list
    )
    """Real words never read as a typo of a phrase word ("tough" is not "touch")."""
    aliases: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=40)],
        Annotated[str, StringConstraints(min_length=1, max_length=80)],
    ] = Field(default_factory=dict)
    """Spellings read as other words: text-speak and common misspellings too short for typo
    correction ("kiero" -> "quiero", "wnt" -> "want", "ima" -> "i'm going to")."""
    sets: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], list[Text]] = Field(
        default_factory=dict
    )
    """Named word sets, used in phrases as ``<name>``."""
    check_budget: float | None = Field(default=None, gt=0.0, lt=1.0)
    """The share of the corpus's dev negatives that the bands ``train-screener`` suggests may
    flag (interrupt or check-in); none: :data:`bot.screening.tuning.CHECK_NEGATIVE_SHARE`.
    Chosen per language on the calibration splits (``bench/screening_budget.py``)."""
    bands: dict[str, Band] = Field(default_factory=dict)
    """Category -> thresholds for the learned stage (a category without one: rules only)."""
    doubt_below: float | None = Field(default=None, gt=0.0, lt=1.0)
    """The phrase rules' hits ask a check-in instead of interrupting where every score of the
    learned stage (each category and ``any``) is less than this, in a message of up to
    :data:`bot.screening.screener.DOUBT_CHARS` characters: the model is then near sure there is
    no crisis ("panic attacks used to be bad for me in my 20s"). None: a rule hit always
    interrupts. Chosen on the calibration splits (``bench/rule_doubt.py``)."""
    categories: dict[str, CategoryPatterns]


class PhraseRegex:
    """Phrases compiled to one RE2 regex over units (bytes).

    Calls google-re2's binding (``_regexp.Match``) directly: the public wrapper builds a match
    object per call, which costs more than the search itself on this hot path.
    tests/test_screening.py checks that both agree.
    """

    __slots__ = ("_match", "regex", "size")

    def __init__(self, regexes: list[str]) -> None:
        self.regex = re2.compile("|".join(f"(?:{r})" for r in regexes).encode(), _RE2_OPTIONS)
        self._match = self.regex._regexp.Match
        self.size: int = self.regex._regexp.ProgramSize()

    def found(self, units: bytes) -> bool:
        return bool(self._match(_UNANCHORED, units, 0, len(units))[0][0] >= 0)

    def spans(self, units: bytes) -> list[tuple[int, int]]:
        """Where it matches, left to right, without overlaps (a phrase never matches empty)."""
        out, pos, end = [], 0, len(units)
        while pos < end:
            start, stop = self._match(_UNANCHORED, units, pos, end)[0]
            if start < 0:
                break
            out.append((start, stop))
            pos = max(stop, pos + 1)
        return out


_UNANCHORED = re2._Anchor.UNANCHORED


@dataclass(frozen=True, slots=True)
class RuleFindings:
    """What the phrase rules found in one message (category names, most urgent first)."""

    found: tuple[str, ...] = ()
    """Every category whose phrases matched (after its unless phrases)."""
    asked: tuple[str, ...] = ()
    """The found categories whose ``ask_when`` phrases matched too: a check-in, not an interrupt."""
    excused: tuple[str, ...] = ()
    """Categories not found whose ``unless`` phrases matched."""
    asking: tuple[str, ...] = ()
    """Categories not found whose ``ask`` phrases matched: a check-in (the learned stage may
    still make it sure)."""

    @property
    def sure(self) -> tuple[str, ...]:
        return tuple(c for c in self.found if c not in self.asked)

    @property
    def asks(self) -> tuple[str, ...]:
        """Every category the rules ask a check-in for (``asked`` or ``asking``), most urgent first."""
        return tuple(c for c in CATEGORIES if c in self.asked or c in self.asking)

    @property
    def flagged(self) -> tuple[str, ...]:
        """Every category the rules interrupt or ask for (``found`` or ``asking``), most urgent first."""
        return tuple(c for c in CATEGORIES if c in self.found or c in self.asking)


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One phrase that matched a message, for designers (``redirection-bot screen --explain``)."""

    category: str
    kind: str
    """``phrases``, ``unless``, ``ask_when``, ``closed_by`` or ``ask``: the list in
    ``screening.yaml`` it is in."""
    phrase: str
    """The phrase as written in ``screening.yaml``."""


@dataclass(frozen=True)
class _Category:
    name: str
    phrases: PhraseRegex
    unless: PhraseRegex | None
    ask_when: PhraseRegex | None
    closed_by: PhraseRegex | None
    ask: PhraseRegex | None


class _Language:
    """One language, compiled: word tables for typo correction and a regex per category."""

    def __init__(
        self, spec: ScreeningFile, parsed: Mapping[str, tuple[list[Phrase], ...]]
    ) -> None:
        self.bands: dict[str, Band] = dict(spec.bands)
        self.check_budget = spec.check_budget
        self.doubt_below = spec.doubt_below
        # (category, kind, phrase as written, its regex): for explain() only, compiled on first use
        self._sources = [
            (name, kind, p.source, p.regex)
            for name, lists in parsed.items()
            for kind, some in zip(KINDS, lists, strict=True)
            for p in some
        ]
        self._explainers: list[tuple[str, str, str, PhraseRegex]] | None = None
        phrases = [p for lists in parsed.values() for some in lists for p in some]
        vocab = {w for p in phrases for w in p.words}
        # typed word -> its tokens as units text ("kill" -> "kil", "15yo" -> "15  yo"), so the
        # words the phrases name skip squeezing and correction; every token maps to itself
        self.known: dict[str, str] = {w: w for w in vocab}
        for spelling in {s for p in phrases for s in p.spellings} | set(spec.keep):
            for w in words(spelling):
                self.known.setdefault(w, "  ".join(squeeze(w)))
                self.known.update((t, t) for t in squeeze(w))
        self.known.update((str(n), str(n)) for n in range(1000))
        for word, value in spec.numbers.items():
            for w in words(word):
                self.known[w] = str(value)
                self.known.update((t, str(value)) for t in squeeze(w))
        for w, meant in alias_words(spec.aliases).items():
            self.known[w] = "  ".join(self.known.get(t, t) for t in tokens(meant))
        self.known_ascii = {k.encode(): v.encode() for k, v in self.known.items() if k.isascii()}
        # Every fuzzy target and each of its one-letter deletions -> the targets it came from.
        self.near: dict[str, tuple[str, ...]] = {}
        for w in sorted(vocab):
            if len(w) < FUZZY_MIN or w.isdigit():
                continue
            for key in {w, *(w[:i] + w[i + 1 :] for i in range(len(w)))}:
                self.near[key] = (*self.near.get(key, ()), w)
        self.categories = [
            _Category(name, _compile([p.regex for p in parsed[name][0]]), *map(_compile_some, parsed[name][1:]))
            for name in CATEGORIES
            if name in parsed
        ]
        self._by_name = {c.name: c for c in self.categories}

    def units(self, text: str) -> bytes:
        """Folded, number-read, typo-corrected tokens as b" t1  t2  t3 " (see bot.phrases)."""
        return self.units_and_words(text)[0]

    def units_and_words(self, text: str) -> tuple[bytes, list[bytes] | None]:
        """:meth:`units`, and the words of ``text`` as :func:`bot.phrases.words` gives them,
        as ASCII bytes, where the fast path has them (else None): the learned stage reads the
        same words (session 22: the text folded once for both stages)."""
        typed = typed_words = ascii_words(text)
        if typed is None:  # most Latin-script text is ASCII once its accents are gone
            plain = strip_accents(text)
            typed = ascii_words(plain)
            if typed is None:
                return self.units_of_words(words(plain)), None
            # ("\u3392" folds to "MHz", whose case words() keeps: not the words it gives)
            typed_words = typed if plain == plain.lower() else None
        known, unknown = self.known_ascii, self._unknown_ascii
        return b" " + b"  ".join([known.get(w) or unknown(w) for w in typed]) + b" ", typed_words

    def units_of_words(self, typed: list[str]) -> bytes:
        """:meth:`units` for words from :func:`bot.phrases.words` (any script)."""
        known, unknown = self.known, self._unknown
        return f" {'  '.join([known.get(w) or unknown(w) for w in typed])} ".encode()

    def _unknown_ascii(self, word: bytes) -> bytes:
        return self._unknown(word.decode()).encode()

    def _unknown(self, word: str) -> str:
        out = []
        for tok in squeeze(word):
            unit = self.known.get(tok)
            if unit is None:
                unit = tok if len(tok) < FUZZY_MIN or tok.isdigit() else self._correct(tok)
            out.append(unit)
        return "  ".join(out)

    def _correct(self, tok: str) -> str:
        """The one phrase word ``tok`` is a typo of, else ``tok`` (symmetric deletion)."""
        get = self.near.get
        hits = [h for h in map(get, [tok, *(tok[:i] + tok[i + 1 :] for i in range(len(tok)))]) if h]
        if not hits:
            return tok
        close = {w for h in hits for w in h if OSA.distance(tok, w, score_cutoff=1) <= 1}
        return close.pop() if len(close) == 1 else tok

    def screen(self, text: str) -> list[str]:
        return list(self.screen_all(text).flagged)

    def screen_all(self, text: str) -> RuleFindings:
        found, excused, _ = self.screen_lazy(text)
        return replace(found, excused=tuple(cat.name for cat in self.categories if excused(cat.name)))

    def screen_lazy(self, text: str) -> tuple[RuleFindings, Callable[[str], bool], list[bytes] | None]:
        """:meth:`screen_all` without ``excused`` (an unless search per category not found):
        instead a function that tells, when asked, whether a category is excused, for the few
        categories where that can change what screening does (session 22). Also the words of
        :meth:`units_and_words`, for the learned stage."""
        units, typed = self.units_and_words(text)
        found, asked, asking = [], [], []
        for cat in self.categories:
            if found_unless(cat.phrases, cat.unless, units):
                found.append(cat.name)
                if (cat.ask_when is not None and cat.ask_when.found(units)) or closed(cat, units):
                    asked.append(cat.name)
                continue
            if cat.ask is not None and found_unless(cat.ask, cat.unless, units):
                asking.append(cat.name)
        by_name = self._by_name

        def excused(name: str) -> bool:
            """Whether ``name`` was not found and its unless phrases match (``RuleFindings.excused``)."""
            cat = by_name.get(name)
            return cat is not None and name not in found and cat.unless is not None and cat.unless.found(units)

        return RuleFindings(tuple(found), tuple(asked), (), tuple(asking)), excused, typed

    def explain(self, text: str) -> list[RuleMatch]:
        """Every phrase, unless, ask_when, closed_by and ask phrase that matches ``text`` on its own (slow: for
        designers, never on the hot path)."""
        if self._explainers is None:
            self._explainers = [(c, k, src, PhraseRegex([rx])) for c, k, src, rx in self._sources]
        units = self.units(text)
        return [RuleMatch(c, k, src) for c, k, src, rx in self._explainers if rx.found(units)]


def closed(cat: _Category, units: bytes) -> bool:
    """Whether the category's ``closed_by`` phrases match and none of its phrases matches after
    the last of them: every hit comes before the words that close it."""
    if cat.closed_by is None:
        return False
    spans = cat.closed_by.spans(units)
    return bool(spans) and not found_unless(cat.phrases, cat.unless, b" " + units[spans[-1][1]:])


def found_unless(phrases: PhraseRegex, unless: PhraseRegex | None, units: bytes) -> bool:
    """Whether ``phrases`` match ``units`` once what the ``unless`` phrases cover is blanked out
    (the phrase rules' categories, and the lapse finder)."""
    if not phrases.found(units):
        return False
    spans = unless.spans(units) if unless is not None else []
    if not spans:
        return True
    # blank out what the unless phrases cover, and look again
    parts, pos = [], 0
    for start, stop in spans:
        parts.append(units[pos:start])
        pos = stop
    parts.append(units[pos:])
    return phrases.found(b" _ ".join(parts))


def _compile(regexes: list[str]) -> PhraseRegex:
    return PhraseRegex(regexes)


def _compile_some(phrases: list[Phrase]) -> PhraseRegex | None:
    """An unless, ask_when, closed_by or ask list compiled; None when it is empty."""
    return _compile([p.regex for p in phrases]) if phrases else None


class PhraseRules:
    """Screens text in every language that has a ``screening.yaml``; compiled once."""

    def __init__(self, languages: Mapping[str, _Language]) -> None:
        self._languages = dict(languages)

    @classmethod
    def from_dir(cls, locale_dir: Path, *, base: Path | None = None) -> PhraseRules:
        """Load and compile every language; raises ``LintFailed`` on any error in the patterns."""
        problems, loaded = _load_all(locale_dir, base if base is not None else Path.cwd())
        if any(p.severity == "error" for p in problems):
            raise LintFailed(sorted(problems, key=Problem.sort_key))
        return cls(loaded)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._languages))

    def screen(self, text: str, locale: str) -> list[str]:
        """Every category ``text`` calls for, most urgent first (an empty list for none).

        ``es-MX`` uses ``es`` unless it has its own patterns; an unknown language is a
        ``ContentError``, never a silent "nothing found".
        """
        return self._language(locale).screen(text)

    def screen_all(self, text: str, locale: str) -> RuleFindings:
        """:meth:`screen`, which of those hits an ``ask_when`` phrase turns into a check-in, and
        the categories an ``unless`` phrase speaks against (everyday talk the designers listed:
        "the urge passed"), where the learned stage may ask a check-in but never interrupts on
        its own."""
        return self._language(locale).screen_all(text)

    def screen_lazy(self, text: str, locale: str) -> tuple[RuleFindings, Callable[[str], bool], list[bytes] | None]:
        """:meth:`screen_all` with ``excused`` left empty and told by a function on demand, and
        the text's folded words where the fast path has them: the screener's hot path."""
        return self._language(locale).screen_lazy(text)

    def explain(self, text: str, locale: str) -> list[RuleMatch]:
        """Which phrases of which category match ``text``, each on its own, and from which list
        (``phrases``, ``unless``, ``ask_when``, ``closed_by``, ``ask``): what a designer needs to see why a message
        interrupts, asks or stays quiet."""
        return self._language(locale).explain(text)

    def check_locale(self, locale: str) -> None:
        """Raise ``ContentError`` unless ``locale`` (or its language) has patterns."""
        self._language(locale)

    def language_of(self, locale: str) -> str:
        """The language whose patterns screen ``locale`` ("es-MX" -> "es"); ``ContentError``."""
        self._language(locale)
        return locale if locale in self._languages else locale.split("-")[0]

    def bands(self, lang: str) -> Mapping[str, Band]:
        """``lang``'s thresholds for the learned stage, by category."""
        return self._languages[lang].bands

    def check_budget(self, lang: str) -> float | None:
        """``lang``'s ``check_budget:`` (what its bands are tuned to spend on dev), if it has one."""
        return self._languages[lang].check_budget

    def doubt_below(self, lang: str) -> float | None:
        """``lang``'s ``doubt_below:``: where every score of the learned stage is under it, the
        rule hits ask a check-in; None: rule hits always interrupt."""
        return self._languages[lang].doubt_below

    def _language(self, locale: str) -> _Language:
        lang = self._languages.get(locale) or self._languages.get(locale.split("-")[0])
        if lang is None:
            raise ContentError(
                f"no screening patterns for locale '{locale}' (have: {', '.join(self.languages)})"
            )
        return lang

    __call__ = screen


# -- loading and lint ------------------------------------------------------------------------

KINDS = ("phrases", "unless", "ask_when", "closed_by", "ask")
"""The lists of a category in ``screening.yaml``, in the order :data:`Parsed` keeps them: each
is a field of :class:`CategoryPatterns` and of :class:`_Category` by the same name."""


def lint_screening(locale_dir: Path, base: Path) -> list[Problem]:
    """Every problem in the ``screening.yaml`` files under ``locale_dir``, placed."""
    problems, _ = _load_all(locale_dir, base)
    return sorted(problems, key=Problem.sort_key)


def _load_all(
    locale_dir: Path, base: Path
) -> tuple[list[Problem], dict[str, _Language]]:
    problems: list[Problem] = []
    loaded: dict[str, _Language] = {}
    if not locale_dir.is_dir():
        return problems, loaded
    langs = sorted(p for p in locale_dir.iterdir() if p.is_dir() and (p / "language.yaml").exists())
    have = [d for d in langs if (d / SCREENING_FILE).exists()]
    for lang_dir in langs:
        path = lang_dir / SCREENING_FILE
        if not path.exists():
            if have:
                problems.append(
                    Problem(
                        Place(display_path(path, base)),
                        f"language '{lang_dir.name}' has no {SCREENING_FILE}, so its free text "
                        f"would not be screened (copy {display_path(have[0] / SCREENING_FILE, base)} "
                        "and translate it)",
                    )
                )
            continue
        result = _load_file(path, display_path(path, base), problems)
        if result is not None:
            loaded[lang_dir.name] = result
    if langs and not have:
        problems.append(
            Problem(
                Place(display_path(locale_dir, base)),
                f"no language has a {SCREENING_FILE}: free text will not be screened",
                "warning",
            )
        )
    return problems, loaded


def _load_file(
    path: Path, name: str, problems: list[Problem]
) -> _Language | None:
    raw = path.read_bytes()  # read once: the YAML, the places and the cache key are all of these bytes
    try:
        src = decode_yaml(raw, name)
    except YamlError as err:
        p = err.problem
        if p.message.startswith("YAML syntax"):
            p = Problem(p.place, f"{p.message} (quote a phrase that starts with '[', '{{' or '*')")
        problems.append(p)
        return None
    if not isinstance(src.data, dict):
        problems.append(
            Problem(src.place(), "expected a mapping with 'categories' at the top of the file")
        )
        return None
    try:
        spec = ScreeningFile.model_validate(src.data)
    except ValidationError as err:
        problems.extend(_screening_schema_problems(err, src))
        return None
    lines = raw.decode("utf-8").splitlines()
    before = len(problems)
    parsed = phrase_cache.load(path, raw)
    if parsed is None:
        parsed = _parse_categories(spec, src, lines, problems)
        if len(problems) == before:  # only a clean parse is kept: lint never loses a warning
            phrase_cache.store(path, raw, parsed)
    problems.extend(_band_problems(spec, src))
    for cat in CATEGORIES:
        if cat not in spec.categories:
            problems.append(
                Problem(
                    src.place(("categories",), key=True),
                    f"category '{cat}' is missing: every language screens for "
                    f"{', '.join(CATEGORIES)}",
                )
            )
    for alias, meant in spec.aliases.items():
        if len(words(alias)) != 1 or not tokens(meant):
            problems.append(
                Problem(
                    src.place(("aliases", alias), key=True),
                    f"aliases: '{alias}: {meant}' must be one typed word read as some words",
                )
            )
    for word, value in spec.numbers.items():
        if len(tokens(word)) != 1 or not 0 <= value <= 999:
            problems.append(
                Problem(
                    src.place(("numbers", word), key=True),
                    f"numbers: '{word}: {value}' must be one word and 0 to 999",
                )
            )
    if len(problems) > before:
        return None
    try:
        lang = _Language(spec, parsed)
    except re2.error as err:  # the phrase language keeps RE2 happy; say so loudly if not
        problems.append(
            Problem(src.place(("categories",), key=True), f"patterns do not compile: {err}")
        )
        return None
    for compiled in lang.categories:
        for kind in KINDS:
            regex: PhraseRegex | None = getattr(compiled, kind)
            size = regex.size if regex is not None else 0
            if size > MAX_PROGRAM:
                problems.append(
                    Problem(
                        src.place(("categories", compiled.name, kind), key=True),
                        f"{compiled.name} {kind} compile to {size} RE2 instructions (at most "
                        f"{MAX_PROGRAM}): screening would slow down; use fewer or shorter "
                        "phrases, or a smaller <set> in fewer places",
                    )
                )
    if len(problems) > before:
        return None
    return lang  # compiled once, for the size check here and for screening


def _parse_categories(spec: ScreeningFile, src: Source, lines: list[str], problems: list[Problem]) -> Parsed:
    """Every category's five lists parsed (its sets first); problems are appended, placed."""
    aliases = alias_words(spec.aliases)
    memo: RunMemo = {}  # this file's plain phrase words, read once (one aliases mapping)
    sets: dict[str, Phrase] = {}
    for set_name, entries in spec.sets.items():
        try:
            sets[set_name] = parse_set(entries, aliases, memo)
        except PhraseError as err:
            where = _column(src.place(("sets", set_name, err.entry)), lines, err.column)
            problems.append(Problem(where, f"set '{set_name}': {err}: '{entries[err.entry]}'"))
            sets[set_name] = Phrase("", "(?:)", frozenset())  # known, so uses are not errors too
    parsed: Parsed = {}
    for cat, patterns in spec.categories.items():
        if cat not in CATEGORIES:
            problems.append(
                Problem(
                    src.place(("categories", cat), key=True),
                    f"unknown category '{cat}'{did_you_mean(cat, CATEGORIES)}; "
                    f"categories are {', '.join(CATEGORIES)}",
                )
            )
            continue
        parsed[cat] = tuple(
            _parse_all(getattr(patterns, kind), ("categories", cat, kind), sets, aliases, memo, src, lines, problems)
            for kind in KINDS
        )
    return parsed


def alias_words(aliases: Mapping[str, str]) -> dict[str, str]:
    """Each alias as the folded typed word (and its squeezed form) -> the words it is read as:
    the one reading of ``aliases:``, for typed text (``_Language.known``) and for the phrases
    alike ("mun" in a phrase stands for "minun", as "mun" typed is read as "minun")."""
    out: dict[str, str] = {}
    for alias, meant in aliases.items():
        for w in words(alias):
            out[w] = meant
            if len(squeeze(w)) == 1:  # "2day" parts as "2 day": its "2" is not "today"
                out[squeeze(w)[0]] = meant
    return out


def _band_problems(spec: ScreeningFile, src: Source) -> list[Problem]:
    """``bands:``: known keys, a ``sure`` for every category and none for ``any``; ``doubt_below`` under
    every ``unsure``."""
    problems = []
    for cat, band in spec.bands.items():
        if cat not in BAND_KEYS:
            where, message = src.place(("bands", cat), key=True), (
                f"bands: unknown category '{cat}'{did_you_mean(cat, BAND_KEYS)}; "
                f"categories are {', '.join(CATEGORIES)}, and '{ANY}' for any of them"
            )
        elif cat == ANY and band.sure is not None:
            where, message = src.place(("bands", cat, "sure")), (
                f"bands: '{ANY}' has no sure threshold (it only asks a check-in); remove 'sure' from it"
            )
        elif cat != ANY and band.sure is None:
            where, message = src.place(("bands", cat)), (
                f"bands: '{cat}' needs a sure threshold too: {{unsure: {band.unsure}, sure: ...}}"
            )
        else:
            continue
        problems.append(Problem(where, message))
    lowest = min((band.unsure for band in spec.bands.values()), default=None)
    if spec.doubt_below is not None and lowest is not None and spec.doubt_below >= lowest:
        problems.append(Problem(src.place(("doubt_below",)), (
            f"doubt_below ({spec.doubt_below}) must be below every unsure threshold (lowest: {lowest}): "
            "it turns a rule hit into a check-in where the learned stage is near sure there is no crisis"
        )))
    return problems


def _parse_all(
    phrases: list[str],
    path: tuple[str, str, str],
    sets: Mapping[str, Phrase],
    aliases: Mapping[str, str],
    memo: RunMemo,
    src: Source,
    lines: list[str],
    problems: list[Problem],
) -> list[Phrase]:
    out = []
    seen: dict[str, int] = {}
    for i, text in enumerate(phrases):
        where = src.place((*path, i))
        try:
            phrase = parse_phrase(text, sets, aliases, memo)
        except PhraseError as err:
            problems.append(
                Problem(_column(where, lines, err.column), f"{path[1]} {path[2]}: {err}: '{text}'")
            )
            continue
        key = " ".join(tokens(text)) + "|" + phrase.regex
        if key in seen:
            problems.append(
                Problem(
                    where, f"{path[1]} {path[2]}: '{text}' repeats item {seen[key] + 1}", "warning"
                )
            )
        seen.setdefault(key, i)
        out.append(phrase)
    return out


def _column(where: Place, lines: list[str], offset: int) -> Place:
    """The place of character ``offset`` of a scalar that starts at ``where`` (after a quote)."""
    if not where.line or where.line > len(lines):
        return where
    line = lines[where.line - 1]
    quote = 1 if where.column - 1 < len(line) and line[where.column - 1] in "'\"" else 0
    return Place(where.file, where.line, where.column + quote + offset)


def _screening_schema_problems(err: ValidationError, src: Source) -> list[Problem]:
    out = []
    # schema_problems gives one problem per pydantic error, in the same order
    for e, p in zip(err.errors(), schema_problems(err, src), strict=True):
        if e["type"] == "string_type" and e["input"] is None:
            p = Problem(p.place, "empty phrase")
        elif e["type"] == "too_short" and e["loc"][-1] == "phrases":
            p = Problem(p.place, "a category needs at least one phrase")
        elif e["type"] == "string_too_long":
            p = Problem(
                p.place,
                f"phrase is longer than {MAX_PHRASE_CHARS} characters "
                "(split it, or move a word list into a set)",
            )
        elif e["type"] == "string_type" and isinstance(e["input"], list | dict):
            p = Problem(
                p.place,
                "a phrase that starts with '[' or '{' must be in quotes, "
                "or YAML reads it as a list or a mapping",
            )
        out.append(p)
    return out
