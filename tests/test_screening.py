"""The crisis screener: categories for free text, the phrase language, lint, and the CLI."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.screen import screen_lines
from bot.errors import ContentError, LintFailed
from bot.lint import lint_paths
from bot.phrases import PhraseError, RunMemo, parse_phrase, tokens, words
from bot.screening import CATEGORIES, PhraseRules, Screener, lint_screening
from bot.screening.corpus import Example as Labelled
from bot.screening.corpus import read_tsv
from bot.screening.rules import Band

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

RULE_SETS = ROOT / "tests" / "screening"
"""The phrase rules' own sets (corpus format): dev (tuned on) and held-out. The learned
stage is measured on corpus/ instead (tests/test_screening_model.py, bench/screening_report.py)."""


def load_set(kind: str) -> list[Labelled]:
    return [
        ex for path in sorted(RULE_SETS.glob(f"{kind}.*.tsv")) for ex in read_tsv(path, path.name.split(".")[1])
    ]


@pytest.fixture(scope="module")
def screener() -> PhraseRules:
    return PhraseRules.from_dir(ROOT / "locale", base=ROOT)


# -- what the screener finds -----------------------------------------------------------------

EXAMPLES = [
    # the issue's own examples
    pytest.param("en", "I was 12 when I first saw it", [], id="en-past-age-is-not-minor"),
    pytest.param("en", "I want to end my use of it", [], id="en-end-my-use-is-not-suicide"),
    pytest.param(
        "es", "no quiero seguir viendo ese material", [], id="es-stop-viewing-is-not-suicide"
    ),
    pytest.param("en", "the urge passed", [], id="en-urge-passed-is-not-urge"),
    pytest.param("en", "I'm 34", [], id="en-adult-age-is-not-minor"),
    pytest.param("en", "kiiill myselff", ["suicide"], id="en-letter-repeats"),
    pytest.param("en", "kms", ["suicide"], id="en-slang-kms"),
    pytest.param("en", "thinking about unaliving myself", ["suicide"], id="en-slang-unalive"),
    pytest.param("en", "gonna ctb tonight", ["suicide"], id="en-slang-ctb"),
    pytest.param("es", "quiero suicidarme", ["suicide"], id="es-suicidarme"),
    pytest.param("es", "no quiero vivir", ["suicide"], id="es-no-quiero-vivir"),
    pytest.param("es", "tengo 15 anos", ["minor"], id="es-missing-tilde"),
    pytest.param("es", "tengo 15 años", ["minor"], id="es-with-tilde"),
    # typing in a hurry
    pytest.param("en", "I WANT TO DIE!!!", ["suicide"], id="en-shouting-and-punctuation"),
    pytest.param("en", "i want to commit sucide", ["suicide"], id="en-typo-listed"),
    pytest.param("en", "im so suicdal", ["suicide"], id="en-typo-corrected-by-distance"),
    pytest.param("en", "i want to kil myslef", ["suicide"], id="en-typo-swapped-letters"),
    pytest.param("en", "i'm fifteen", ["minor"], id="en-number-word"),
    pytest.param("en", "im 15yo", ["minor"], id="en-digits-glued-to-letters"),
    pytest.param("es", "quiero matarmeee", ["suicide"], id="es-letter-repeats"),
    pytest.param("es", "tengo quince", ["minor"], id="es-number-word"),
    # several categories, most urgent first
    pytest.param("en", "im 15 and i wanna kms", ["suicide", "minor"], id="en-suicide-and-minor"),
    pytest.param(
        "en",
        "i think im going to hurt a kid and then kill myself",
        ["child_at_risk", "suicide"],
        id="en-child-at-risk-before-suicide",
    ),
    pytest.param(
        "es", "tengo 14 y mi padrastro abusa de mi", ["minor", "abused"], id="es-minor-and-abused"
    ),
    pytest.param(
        "en",
        "i was abused as a kid and now im panicking",
        ["abused", "distress"],
        id="en-abused-and-distress",
    ),
    # unless phrases blank out only their own words
    pytest.param(
        "en",
        "the urge passed but now i want to look at it again",
        ["urge"],
        id="en-unless-covers-only-its-words",
    ),
    pytest.param("en", "i'm not suicidal", [], id="en-negated"),
    pytest.param("es", "no soy suicida", [], id="es-negated"),
    pytest.param("en", "i'm 15 minutes late", [], id="en-number-with-unit"),
    pytest.param("en", "i have a 14 year old son", [], id="en-someone-elses-age"),
    pytest.param("es", "tenia 12 cuando lo vi por primera vez", [], id="es-past-age"),
    pytest.param("es", "me muero de verguenza", [], id="es-idiom"),
    pytest.param("en", "i'd die of shame if anyone knew", [], id="en-idiom"),
    pytest.param("en", "i would never hurt a child", [], id="en-never-act"),
    pytest.param("en", "it is child sexual abuse material", [], id="en-material-is-not-disclosure"),
    pytest.param("es", "me aburro en las noches", [], id="es-keep-word-is-not-a-typo"),
    pytest.param("en", "i'm proud of myself today", [], id="en-of-myself-is-not-off-myself"),
    pytest.param("en", "im gonna off myself", ["suicide"], id="en-slang-off-myself"),
    pytest.param("en", "the urge is at a 9", ["urge"], id="en-high-urge-rating"),
    pytest.param("en", "the urge is at a 2 now", [], id="en-low-urge-rating"),
    pytest.param("es", "me kiero matar", ["suicide"], id="es-alias-kiero"),
    pytest.param("es", "tngo 15", ["minor"], id="es-alias-tngo"),
    pytest.param("en", "ima kms fr", ["suicide"], id="en-alias-text-speak"),
    pytest.param(
        "en", "i'm 2 weeks clean and doing ok", [], id="en-digit-alias-part-is-still-a-digit"
    ),
    pytest.param(
        "en", "i touched a child last week", ["child_at_risk"], id="en-offence-is-not-abused"
    ),
    pytest.param("en", "", [], id="empty"),
]


@pytest.mark.parametrize(("locale", "text", "expected"), EXAMPLES)
def test_screen_finds_exactly_these_categories(
    screener: PhraseRules, locale: str, text: str, expected: list[str]
) -> None:
    assert screener.screen(text, locale) == expected


def test_categories_come_most_urgent_first() -> None:
    assert CATEGORIES == ("child_at_risk", "suicide", "minor", "abused", "distress", "urge")


def test_a_regional_locale_uses_its_language(screener: PhraseRules) -> None:
    assert screener.screen("quiero morirme", "es-MX") == ["suicide"]


def test_an_unknown_locale_is_an_error_not_silence(screener: PhraseRules) -> None:
    with pytest.raises(
        ContentError, match=r"no screening patterns for locale 'fr' \(have: en, es(, [a-z]+)*\)"
    ):
        screener.screen("hello", "fr")


def test_ascii_fast_path_folds_like_the_general_path(screener: PhraseRules) -> None:
    lang = screener._language("en")
    for text in [
        "Don't KIIILL my-self, I'M 15yo!",
        "i`m  fifteen...ok",
        "9th grade",
        "kms;ctb",
        "",
        "¿Tengo 15 AÑOS? «no quiero vivir»… ¡ayúdame!",
        "Łódź ½ ﬁne ﬀ",
        "Привет мир 15",
    ]:
        assert lang.units(text) == lang.units_of_words(words(text))


def test_the_fast_regex_path_agrees_with_google_re2s_public_api(screener: PhraseRules) -> None:
    lang = screener._language("en")
    texts = [ex.text for ex in load_set("dev") if ex.lang == "en"][:200]
    for cat in lang.categories:
        for regex in filter(None, (cat.phrases, cat.unless)):
            for text in texts:
                units = lang.units(text)
                public = [m.span() for m in regex.regex.finditer(units)]
                assert regex.found(units) == bool(public)
                assert regex.spans(units) == public


def test_screening_logs_nothing(screener: PhraseRules, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    screener.screen("i want to kill myself", "en")
    screener.screen("tengo 15", "es")
    assert caplog.records == []


# -- the labelled sets -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_hits(screener: PhraseRules) -> list[tuple[Labelled, list[str]]]:
    return [(ex, screener.screen(ex.text, ex.lang)) for ex in load_set("dev")]


@pytest.mark.parametrize("category", CATEGORIES)
def test_dev_set_recall_is_at_least_95_percent(
    dev_hits: list[tuple[Labelled, list[str]]], category: str
) -> None:
    positives = [(ex, got) for ex, got in dev_hits if category in ex.labels]
    assert len(positives) >= 60, "the dev set needs ~60 positives per category"
    missed = [ex.text for ex, got in positives if category not in got]
    assert 1 - len(missed) / len(positives) >= 0.95, missed


def test_dev_set_false_positives_are_at_most_5_percent(
    dev_hits: list[tuple[Labelled, list[str]]],
) -> None:
    negatives = [(ex, got) for ex, got in dev_hits if not ex.labels]
    assert len(negatives) >= 300
    alarms = [(ex.text, got) for ex, got in negatives if got]
    assert len(alarms) / len(negatives) <= 0.05, alarms


@pytest.mark.parametrize("lang", ["en", "es", "fi", "pl"])
def test_no_phrase_rule_interrupts_an_everyday_probe(screener: PhraseRules, lang: str) -> None:
    """``tests/screening/everyday.<lang>.txt``: everyday messages written to use the words of
    the crisis phrases (the session 7 rules round's probes). A phrase may ask about one, never
    interrupt it."""
    path = ROOT / "tests" / "screening" / f"everyday.{lang}.txt"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) >= 30
    interrupted = [(line, found.sure) for line in lines if (found := screener.screen_all(line, lang)).sure]
    assert not interrupted


@pytest.mark.parametrize("kind", ["dev", "heldout"])
def test_labelled_sets_cover_both_languages_and_every_category(kind: str) -> None:
    examples = load_set(kind)
    for lang in ("en", "es"):
        labels = {c for ex in examples if ex.lang == lang for c in ex.labels}
        assert labels == set(CATEGORIES)
        assert any(not ex.labels for ex in examples if ex.lang == lang)


@pytest.mark.parametrize("kind", ["heldout"])
def test_held_out_utterances_are_not_in_the_dev_set(kind: str) -> None:
    dev = {(ex.lang, ex.text.casefold()) for ex in load_set("dev")}
    assert [ex.text for ex in load_set(kind) if (ex.lang, ex.text.casefold()) in dev] == []


# -- the phrase language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "message", "column"),
    [
        pytest.param("want to (die", r"'\(' without a closing '\)'", 8, id="unclosed-group"),
        pytest.param("(a|b)+ die", r"'\+' is not part of the phrase language", 5, id="regex-plus"),
        pytest.param("a.*b", r"'\.' is not part of the phrase language", 1, id="regex-dot"),
        pytest.param(
            "(want)? die",
            r"'\?' is not part of the phrase language: write \[a\|b\]",
            6,
            id="regex-question-mark",
        ),
        pytest.param("end it *", "a phrase cannot end with a gap", 7, id="trailing-gap"),
        pytest.param("* die", "a phrase cannot start with a gap", 0, id="leading-gap"),
        pytest.param("die *9 now", "a gap is 1 to 6 words wide, not 9", 4, id="gap-too-wide"),
        pytest.param(
            "i am {17-10}", r"'\{17-10\}' is not a range from low to high", 5, id="reversed-range"
        ),
        pytest.param("hurt <chid>", r"unknown set '<chid>'", 5, id="unknown-set"),
        pytest.param("[really]", "at least one word that is not optional", 0, id="only-optional"),
        pytest.param("(a|)", r"empty alternative in '\(\.\.\.\)'", 3, id="empty-alternative"),
        pytest.param("((((a))))", "groups nest at most 3 deep", 3, id="deep-nesting"),
        pytest.param("   ", "empty phrase", 0, id="blank"),
    ],
)
def test_malformed_phrases_are_refused_with_a_column(
    phrase: str, message: str, column: int
) -> None:
    with pytest.raises(PhraseError, match=message) as info:
        parse_phrase(phrase)
    assert info.value.column == column


def test_a_run_read_once_is_read_the_same_and_placed_the_same_again() -> None:
    """The memo of runs a file's phrases share: a second phrase with the same run gets the
    same regex and words, and a mistake in it is placed in the second phrase, not the first."""
    memo: RunMemo = {}
    first = parse_phrase("want to die", memo=memo)
    again = parse_phrase("(i|we) want to die", memo=memo)
    assert {"want", "to", "die"} <= memo.keys()
    assert again.regex.endswith(first.regex) and again.words == first.words | {"i", "we"}
    with pytest.raises(PhraseError) as one:
        parse_phrase("go die? now", memo=memo)
    with pytest.raises(PhraseError) as two:
        parse_phrase("(a|b) go die? now", memo=memo)
    assert (one.value.column, two.value.column) == (6, 12)
    assert parse_phrase("go die? now".replace("?", ""), memo=memo).regex == parse_phrase("go die now").regex


def test_phrase_words_are_folded_like_the_text() -> None:
    assert tokens("Don't KIIILL my-self, I'M 15yo!") == [
        "dont",
        "kil",
        "my",
        "self",
        "im",
        "15",
        "yo",
    ]
    assert tokens("Ñoño AÑOS") == ["nono", "anos"]


def test_a_pathological_pattern_stays_linear(tmp_path: Path) -> None:
    """Nested optional groups and wide gaps, on a long text that almost matches: RE2 has no
    backtracking to blow up, so this returns at once (no timing asserted, it just finishes)."""
    locale = _copy_locale(tmp_path)
    bad = "(a|[a|(a b)] a) *6 (a|[a] a) *6 (a|[a|b] a) *6 a *6 a *6 a *6 zzz"
    path = locale / "en" / "screening.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  urge:\n    phrases:\n", f'  urge:\n    phrases:\n      - "{bad}"\n', 1
        ),
        encoding="utf-8",
    )
    screener = PhraseRules.from_dir(locale, base=tmp_path)
    assert screener.screen("a " * 1000, "en") == []


# -- lint --------------------------------------------------------------------------------------


def test_shipped_screening_files_are_clean() -> None:
    assert lint_screening(ROOT / "locale", ROOT) == []


def test_lint_places_every_mistake_in_the_bad_fixture() -> None:
    base = FIXTURES / "screening_bad"
    problems = [str(p) for p in lint_screening(base / "locale", base)]
    assert problems == [
        "locale/en/screening.yaml:4:27: error: set 'child': '?' is not part of the phrase "
        "language: write [a|b] for optional words: 'kid?'",
        "locale/en/screening.yaml:5:1: error: category 'distress' is missing: every language "
        "screens for child_at_risk, suicide, minor, abused, distress, urge",
        "locale/en/screening.yaml:6:3: error: unknown category 'suicde' (did you mean 'suicide'?); "
        "categories are child_at_risk, suicide, minor, abused, distress, urge",
        "locale/en/screening.yaml:11:10: error: suicide phrases: empty phrase: ''",
        "locale/en/screening.yaml:12:17: error: suicide phrases: '(' without a closing ')': "
        "'want to (die'",
        "locale/en/screening.yaml:13:15: error: suicide phrases: '+' is not part of the phrase "
        "language (write words, (a|b), [optional], *, word*, {13-17} or <set>): '(a|b)+ .* die'",
        "locale/en/screening.yaml:14:15: error: suicide phrases: unknown set '<chid>' "
        "(did you mean 'child'?): 'hurt <chid>'",
        "locale/en/screening.yaml:15:16: error: suicide phrases: a phrase cannot end with a gap: "
        "'end it *'",
        "locale/en/screening.yaml:19:21: error: minor phrases: '{17-10}' is not a range from low "
        "to high (at most 120 apart): 'i am {17-10}'",
        "locale/en/screening.yaml:24:27: warning: urge unless: 'urge  passed' repeats item 1",
        "locale/es/screening.yaml: error: language 'es' has no screening.yaml, so its free text "
        "would not be screened (copy locale/en/screening.yaml and translate it)",
    ]


def test_an_alias_must_be_one_typed_word(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("aliases:\n", "aliases:\n  want to: wanna\n", 1),
        encoding="utf-8",
    )
    problems = [str(p) for p in lint_screening(locale, tmp_path)]
    assert len(problems) == 1
    assert problems[0].endswith(
        ":3: error: aliases: 'want to: wanna' must be one typed word read as some words"
    )


def test_a_phrase_reads_its_words_through_the_aliases(tmp_path: Path) -> None:
    """Typed text is read through ``aliases:`` ("wnt" is read as "want") before phrases are
    looked for, so a phrase that spells an alias must be read the same way, or it never
    matches (Finnish phrases spelling "mun", "mua" were dead for sessions)."""
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  wnt: want\n" in text and "  suicide:\n    phrases:\n" in text
    head = "  suicide:\n    phrases:\n"
    path.write_text(text.replace(head, head + "      - i wnt to sleep under the frozen pond\n", 1), encoding="utf-8")
    rules = PhraseRules.from_dir(locale, base=tmp_path)
    for typed in ("I Wnt To Sleep Under The Frozen Pond", "i want to sleep under the frozen pond"):
        assert "suicide" in rules.screen(typed, "en"), typed
    assert "suicide" not in rules.screen("i want to skate on the frozen pond", "en")


def test_a_category_missing_from_a_language_is_an_error(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "es" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  urge:\n")], encoding="utf-8")
    problems = [str(p) for p in lint_screening(locale, tmp_path)]
    assert len(problems) == 1
    assert problems[0].startswith("locale/es/screening.yaml:")
    assert problems[0].endswith(
        ": error: category 'urge' is missing: every language screens for "
        "child_at_risk, suicide, minor, abused, distress, urge"
    )


def test_schema_mistakes_are_placed(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    (locale / "es" / "screening.yaml").write_text(
        "categories:\n  suicide:\n    phrases: []\n    unles: [x]\n", encoding="utf-8"
    )
    problems = [str(p) for p in lint_screening(locale, tmp_path)]
    assert "locale/es/screening.yaml:3:14: error: a category needs at least one phrase" in problems
    assert any(
        p.startswith("locale/es/screening.yaml:4:5: error:") and "unles" in p for p in problems
    )


def test_an_unquoted_bracket_gets_a_hint(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("  urge:") + 3
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  urge:\n    phrases:\n", "  urge:\n    phrases:\n      - [really] want it\n", 1
        ),
        encoding="utf-8",
    )
    assert [str(p) for p in lint_screening(locale, tmp_path)] == [
        f"locale/en/screening.yaml:{line}:18: error: YAML syntax: expected <block end>, but found "
        "'<scalar>' (quote a phrase that starts with '[', '{' or '*')"
    ]


def test_a_phrase_yaml_reads_as_a_whole_list_gets_a_hint(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  urge:\n    phrases:\n", "  urge:\n    phrases:\n      - [want|need]\n", 1
        ),
        encoding="utf-8",
    )
    assert [p.message for p in lint_screening(locale, tmp_path)] == [
        "a phrase that starts with '[' or '{' must be in quotes, or YAML reads it as a list or a "
        "mapping"
    ]


def test_a_category_that_compiles_too_big_is_refused(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    huge = "".join(f"      - <child> *6 <child> *6 <child> word{i}\n" for i in range(60))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  urge:\n    phrases:\n", "  urge:\n    phrases:\n" + huge, 1),
        encoding="utf-8",
    )
    problems = [str(p) for p in lint_screening(locale, tmp_path)]
    assert len(problems) == 1
    assert re.fullmatch(
        r"locale/en/screening.yaml:\d+:5: error: urge phrases compile to \d+ RE2 instructions "
        r"\(at most 60000\): screening would slow down; use fewer or shorter phrases, or a "
        r"smaller <set> in fewer places",
        problems[0],
    )


def test_the_screener_refuses_to_start_on_bad_patterns() -> None:
    base = FIXTURES / "screening_bad"
    with pytest.raises(LintFailed, match=r"locale/en/screening.yaml:12:17: error: suicide phrases"):
        PhraseRules.from_dir(base / "locale", base=base)


def test_redirection_bot_lint_reports_screening_problems(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("      - kms\n", "      - kms)\n", 1),
        encoding="utf-8",
    )
    _, problems = lint_paths(ROOT / "flows", locale, base=tmp_path)
    assert [p.message for p in problems if p.place.file == "locale/en/screening.yaml"] == [
        "suicide phrases: ')' without an opening bracket before it: 'kms)'"
    ]


def test_no_screening_file_anywhere_is_only_a_warning(tmp_path: Path) -> None:
    locale = _copy_locale(tmp_path)
    for path in locale.glob("*/screening.yaml"):
        path.unlink()
    problems = lint_screening(locale, tmp_path)
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "no language has a screening.yaml: free text will not be screened")
    ]


# -- the command -------------------------------------------------------------------------------


def test_screen_command_writes_one_json_object_per_line() -> None:
    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    stdin = io.StringIO("the urge passed\nim 15 and i wanna kms\n\nquiero morirme\r\n")
    stdout = io.StringIO()
    assert screen_lines(screener, "en", stdin, stdout) == 0
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [(r["text"], r["categories"]) for r in lines] == [
        ("the urge passed", []),
        ("im 15 and i wanna kms", ["suicide", "minor"]),
        ("", []),
        ("quiero morirme", []),  # screened as English: the locale is the caller's
    ]
    for r in lines:
        assert list(r) == ["text", "categories", "check", "scores"]
        assert set(r["scores"]) == {*CATEGORIES, "any"}  # and the any head: some crisis, whichever
        assert all(0.0 <= p <= 1.0 for p in r["scores"].values())
        assert not set(r["check"]) & set(r["categories"])
    assert lines[1]["scores"]["suicide"] > lines[0]["scores"]["suicide"]


def test_screen_explain_lists_each_matching_phrase_and_its_list() -> None:
    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    stdout = io.StringIO()
    screen_lines(screener, "en", io.StringIO("kms lol\nhello there\n"), stdout, explain=True)
    joke, hello = (json.loads(line) for line in stdout.getvalue().splitlines())
    assert {"category": "suicide", "kind": "phrases", "phrase": "kms"} in joke["rules"]
    assert any(r["category"] == "suicide" and r["kind"] == "ask_when" for r in joke["rules"])
    assert hello["rules"] == [] and hello["doubted"] == [] and joke["doubted"] == []


def test_screen_explain_names_the_rule_hits_the_model_doubted() -> None:
    """A designer asking why a rule hit only asks sees ``doubted`` (``doubt_below:``)."""
    shipped = Screener.from_dir(ROOT / "locale", base=ROOT)

    class Quiet:
        def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
            return dict.fromkeys((*CATEGORIES, "any"), 0.0)

    screener = Screener(shipped.rules, {"en": Quiet()})  # type: ignore[dict-item]
    stdout = io.StringIO()
    screen_lines(screener, "en", io.StringIO("i want to kill myself\n"), stdout, explain=True)
    record = json.loads(stdout.getvalue())
    assert record["doubted"] == ["suicide"] and record["check"] == ["suicide"] and record["categories"] == []


def test_explain_finds_a_phrase_for_every_category_the_rules_find(
    screener: PhraseRules, dev_hits: list[tuple[Labelled, list[str]]]
) -> None:
    for ex, _ in dev_hits[::7]:
        found = screener.screen_all(ex.text, ex.lang)
        explained = screener.explain(ex.text, ex.lang)
        assert set(found.found) <= {m.category for m in explained if m.kind == "phrases"}, ex.text
        assert set(found.asked) <= {m.category for m in explained if m.kind in ("ask_when", "closed_by")}, ex.text


def test_screen_command_end_to_end(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    class Stdin:
        buffer = io.BytesIO("tengo 15 años\nno quiero seguir viendo ese material\n".encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    assert main(["screen", "--locale", "es", "--content", str(ROOT)]) == 0
    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines()]
    assert [(r["text"], r["categories"], r["check"]) for r in lines] == [
        ("tengo 15 años", ["minor"], []),
        ("no quiero seguir viendo ese material", [], []),
    ]


def test_screen_command_refuses_an_unknown_locale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--locale", "fr", "--content", str(ROOT)]) == 1
    assert "no screening patterns for locale 'fr'" in capsys.readouterr().err


def _copy_locale(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    return tmp_path / "locale"


def _with_ask_when(tmp_path: Path, phrases: str) -> Path:
    """A copy of the shipped locale whose English suicide category has these ask_when phrases."""
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  suicide:\n    phrases:\n" in text
    path.write_text(
        text.replace("  suicide:\n    phrases:\n", f"  suicide:\n    ask_when: {phrases}\n    phrases:\n", 1),
        encoding="utf-8",
    )
    return locale


def _with_ask(tmp_path: Path, phrases: str, unless: str = "") -> Path:
    """A copy of the shipped locale whose English suicide category has these ask phrases (and
    these unless phrases in front of its own)."""
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  suicide:\n    phrases:\n" in text
    text = text.replace("  suicide:\n    phrases:\n", f"  suicide:\n    ask: {phrases}\n    phrases:\n", 1)
    if unless:
        start = text.index("  suicide:\n")
        at = text.index("    unless:\n", start) + len("    unless:\n")
        text = text[:at] + f"      - {unless}\n" + text[at:]
    path.write_text(text, encoding="utf-8")
    return locale


class _Unsure:
    """A learned stage that is sure of nothing."""

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        return dict.fromkeys((*CATEGORIES, "any"), 0.001)


def test_an_ask_phrase_asks_a_check_in_and_the_model_may_still_interrupt(tmp_path: Path) -> None:
    rules = PhraseRules.from_dir(
        _with_ask(tmp_path, '["(on|at) the bridge"]', "on the bridge *3 (run|walk|jog)"), base=tmp_path)
    asks = rules.screen_all("Im on the bridge", "en")
    assert asks.found == () and asks.asking == ("suicide",) and asks.sure == ()
    assert rules.screen("Im on the bridge", "en") == ["suicide"]
    # its category's unless phrases speak against it too
    assert rules.screen_all("on the bridge on my morning run", "en").asking == ()
    # a phrase of the category still interrupts
    both = rules.screen_all("im on the bridge and i want to die", "en")
    assert both.sure == ("suicide",) and both.asking == ()
    quiet = Screener(rules, {"en": _Unsure()}).screen("im on the bridge", "en")  # type: ignore[dict-item]
    assert (quiet.sure, quiet.unsure) == ((), ("suicide",))
    bands = {"en": {"suicide": Band(unsure=0.5, sure=0.9)}}
    certain = Screener(rules, {"en": _Certain()}, bands).screen("im on the bridge", "en")  # type: ignore[dict-item]
    assert certain.sure == ("suicide",)
    without_model = Screener(rules, {}).screen("on the bridge", "en")
    assert (without_model.sure, without_model.unsure) == ((), ("suicide",))
    # beside a sure crisis, a more urgent one it asks about leads: both interrupt, it first
    with_minor = Screener(rules, {}).screen("im 15 and on the bridge", "en")
    assert (with_minor.sure, with_minor.unsure) == (("suicide", "minor"), ())
    assert {"category": "suicide", "kind": "ask", "phrase": "(on|at) the bridge"} in [
        {"category": m.category, "kind": m.kind, "phrase": m.phrase} for m in rules.explain("im on the bridge", "en")
    ]


class _Certain:
    """A learned stage that is sure of every category (to show what ask_when holds back)."""

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        return dict.fromkeys((*CATEGORIES, "any"), 0.999)


def test_an_ask_when_phrase_turns_a_rule_hit_into_a_check_in(tmp_path: Path) -> None:
    rules = PhraseRules.from_dir(_with_ask_when(tmp_path, '["zebra crossing"]'), base=tmp_path)
    plain = rules.screen_all("I want to die", "en")
    assert plain.found == ("suicide",) and plain.asked == () and plain.sure == ("suicide",)
    # anywhere in the message, before or after the phrase, and only for its own category
    for text in ["I want to die. Zebra crossing.", "zebra crossing and then i want to die"]:
        found = rules.screen_all(text, "en")
        assert found.found == ("suicide",) and found.asked == ("suicide",) and found.sure == ()
    both = rules.screen_all("im 15, zebra crossing, i want to die", "en")
    assert both.found == ("suicide", "minor") and both.sure == ("minor",)
    without_model = Screener(rules, {}).screen("zebra crossing, i want to die", "en")
    assert (without_model.sure, without_model.unsure) == ((), ("suicide",))
    # what ask_when held back does not lead beside a sure, less urgent crisis
    held = Screener(rules, {}).screen("im 15, zebra crossing, i want to die", "en")
    assert (held.sure, held.unsure) == (("minor",), ("suicide",))


def test_the_learned_stage_alone_cannot_interrupt_what_ask_when_held_back(tmp_path: Path) -> None:
    rules = PhraseRules.from_dir(_with_ask_when(tmp_path, '["zebra crossing"]'), base=tmp_path)
    screener = Screener(rules, {"en": _Certain()})  # type: ignore[dict-item]
    held = screener.screen("zebra crossing, i want to die", "en")
    assert "suicide" not in held.sure and "suicide" in held.unsure
    assert "suicide" in screener.screen("i want to die", "en").sure


def _with_closed_by(tmp_path: Path, phrase: str) -> Path:
    """A copy of the shipped locale with one more closed_by phrase in English suicide."""
    locale = _copy_locale(tmp_path)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    closed_by:\n", text.index("  suicide:\n")) + len("    closed_by:\n")
    path.write_text(text[:at] + f"      - {phrase}\n" + text[at:], encoding="utf-8")
    return locale


def test_a_closed_by_phrase_asks_for_a_hit_before_it_but_not_after(tmp_path: Path) -> None:
    rules = PhraseRules.from_dir(_with_closed_by(tmp_path, "zebra crossing"), base=tmp_path)
    before = rules.screen_all("I want to die. Zebra crossing.", "en")
    assert before.found == ("suicide",) and before.asked == ("suicide",) and before.sure == ()
    for text in ["zebra crossing. I want to die", "i want to die, zebra crossing, but tonight i want to die"]:
        after = rules.screen_all(text, "en")
        assert after.sure == ("suicide",) and after.asked == (), text
    assert "closed_by" in {m.kind for m in rules.explain("i want to die, zebra crossing", "en")}
    # like ask_when, what it held back the learned stage alone cannot interrupt
    held = Screener(rules, {"en": _Certain()}).screen("i want to die, zebra crossing", "en")  # type: ignore[dict-item]
    assert "suicide" not in held.sure and "suicide" in held.unsure


ASKS, INTERRUPTS = ((), ("suicide",)), (("suicide",), ())


@pytest.mark.parametrize(
    ("locale", "text", "sure_asked"),
    [
        # a crisis said as a joke, or as passed: a check-in, never silence
        pytest.param("en", "i wanna kms lol", ASKS, id="en-kms-lol"),
        pytest.param("en", "gonna kill myself lmao this exam", ASKS, id="en-kill-myself-lmao"),
        pytest.param("es", "tuve ganas de hacerme daño, llamé a mi amiga y se me pasó", ASKS, id="es-passed"),
        # everyday words beside a crisis now do not hold it back
        pytest.param("es", "ya se me pasó la tristeza pero me quiero matar esta noche", INTERRUPTS, id="es-now"),
        pytest.param("en", "i'm fine. i'm going to kill myself tonight", INTERRUPTS, id="en-fine-now"),
        pytest.param("en", "cant stop crying at this film, i want to die", INTERRUPTS, id="en-film-now"),
        # an act just done, then "okay now": the overdose still interrupts
        pytest.param(
            "en", "i took all my pills an hour ago, im okay now just sleepy", INTERRUPTS, id="en-pills-ok-now"
        ),
        pytest.param("en", "years ago i wanted to die but im okay now", ((), ()), id="en-years-ago-ok-now"),
        # words that close a past, then a crisis now: the crisis after them interrupts (closed_by)
        pytest.param(
            "en", "My Therapist Thinks Im Fine Now But Tonight Im Going To Kill Myself", INTERRUPTS,
            id="en-therapist-fine-tonight",
        ),
        pytest.param("en", "i got help years ago but i want to die tonight", INTERRUPTS, id="en-got-help-tonight"),
        pytest.param(
            "es", "hace años pensé en matarme, hoy estoy bien, pero esta noche me quiero morir otra vez",
            INTERRUPTS, id="es-hoy-bien-pero-esta-noche",
        ),
        pytest.param("es", "hace años pensé en matarme, hoy estoy mucho mejor", ASKS, id="es-hoy-mejor"),
        pytest.param(
            "fi", "vuosia sitten mietin itsemurhaa, nyt menee paremmin, mut tänä yönä mä tapan itteni",
            INTERRUPTS, id="fi-nyt-paremmin-mut-tana-yona",
        ),
        pytest.param(
            "pl", "lata temu chciałem się zabić, teraz jest dobrze, ale dziś w nocy się zabiję",
            INTERRUPTS, id="pl-teraz-dobrze-ale-dzis",
        ),
    ],
)
def test_jokes_and_the_past_ask_but_never_hold_back_a_crisis_now(
    screener: PhraseRules, locale: str, text: str, sure_asked: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    found = screener.screen_all(text, locale)
    assert (found.sure, found.asked) == sure_asked


def test_a_malformed_ask_when_phrase_is_placed(tmp_path: Path) -> None:
    locale = _with_ask_when(tmp_path, '["years ago", "kid?"]')
    problems = [str(p) for p in lint_screening(locale, tmp_path)]
    line = (locale / "en" / "screening.yaml").read_text(encoding="utf-8").splitlines().index(
        '    ask_when: ["years ago", "kid?"]'
    )
    assert problems == [
        f"locale/en/screening.yaml:{line + 1}:33: error: suicide ask_when: '?' is not part of the "
        "phrase language: write [a|b] for optional words: 'kid?'"
    ]


class _Scores:
    """A learned stage that gives every message the same scores."""

    def __init__(self, **scores: float) -> None:
        self._scores = {**dict.fromkeys((*CATEGORIES, "any"), 0.001), **scores}

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        return dict(self._scores)


@pytest.mark.parametrize("sure_one", ["abused", "distress", "urge"])
def test_an_unsure_minor_never_leads_a_sure_crisis_into_the_youth_path(screener: PhraseRules,
                                                                        sure_one: str) -> None:
    """The youth path never leads back to the adult program (S7): an adult's panic attack with
    a minor score just over a low band (fi's was 0.06 in session 28) opens the distress path,
    not the youth one. A more urgent unsure crisis still leads, and a sure minor still does."""
    bands = {"en": {c: Band(unsure=0.1, sure=0.9) for c in CATEGORIES}}
    text = "weather is fine today"  # no phrase rule: the scores alone decide
    unsure_minor = Screener(screener, {"en": _Scores(**{sure_one: 0.99, "minor": 0.5})}, bands)  # type: ignore[dict-item]
    found = unsure_minor.screen(text, "en")
    assert (found.sure, found.unsure) == ((sure_one,), ("minor",))
    unsure_suicide = Screener(screener, {"en": _Scores(**{sure_one: 0.99, "suicide": 0.5})}, bands)  # type: ignore[dict-item]
    assert unsure_suicide.screen(text, "en").sure == ("suicide", sure_one)
    sure_minor = Screener(screener, {"en": _Scores(**{sure_one: 0.99, "minor": 0.95})}, bands)  # type: ignore[dict-item]
    assert sure_minor.screen(text, "en").sure == ("minor", sure_one)
