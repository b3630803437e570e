"""The learned stage, the bands, the corpus and the screener every entry point shares."""

from __future__ import annotations

import io
import json
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bot.bootstrap
import bot.cli.serve
from bot.bootstrap import load_engine
from bot.cli import main
from bot.errors import ContentError
from bot.screening import CATEGORIES, Screener, Screening, lint_screening
from bot.screening.corpus import corpus_hash, languages, lint_corpus, load_pool, pool_hash, read_tsv, split
from bot.screening.features import ngram_analyzer, ngrams
from bot.screening.hidden_layer import Net, fit, quantize
from bot.screening.model import MODEL_FILE, LearnedStage
from bot.screening.rules import ANY, Band
from bot.screening.train import (
    TrainConfig,
    fit_arrays,
    head_targets,
    model_digest,
    train_language,
    train_languages,
)
from bot.session import UserInput
from bot.web import WebConfig, create_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_dir(ROOT / "locale", base=ROOT)


# -- no network, bounded input ----------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to open a connection or resolve a name raises, and is recorded."""
    tried: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        tried.append(repr(args[:2]))
        raise OSError("network use in a test that blocks it")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return tried


def test_screening_loads_and_runs_with_the_network_blocked(no_network: list[str]) -> None:
    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    assert set(screener.models) == set(screener.languages) >= {"en", "es", "fi", "pl"}
    for text, lang in [("got the rope ready in the garage", "en"), ("ya tengo la soga", "es")]:
        found = screener.screen(text, lang)
        assert set(found.scores) == {*CATEGORIES, ANY}
    assert not any(model.uses_embedding for model in screener.models.values())  # n-grams only (docs)
    assert no_network == []


JUNK = (
    "\u200b\u200d\u2060" * 50
    + "😀🔥💀" * 60
    + "مرحبا بالعالم שלום עולם " * 20
    + "\u202e\u202d" * 20
    + "ZALGƠ̸̢̛ ̷͈̈́" * 30
    + "a" * 300
    + "%$#@!" * 100
)[:2000]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_long_message_of_junk_emoji_rtl_and_zero_width_is_screened(screener: Screener, lang: str) -> None:
    assert len(JUNK) == 2000
    found = screener.screen(JUNK, lang)
    assert isinstance(found, Screening)
    assert all(0.0 <= p <= 1.0 for p in found.scores.values())


def test_junk_goes_through_a_whole_turn(no_network: list[str]) -> None:
    engine = load_engine(ROOT)
    session, _ = engine.start("es")
    reply = engine.turn(session, UserInput(text=JUNK))
    assert reply.messages


# -- the committed model ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es", "fi", "pl"])
def test_the_committed_model_was_trained_on_the_corpus_as_it_is(lang: str) -> None:
    model = LearnedStage.load(ROOT / "locale" / lang / MODEL_FILE, lang)
    assert model.corpus_sha256 == corpus_hash(CORPUS, lang), (
        f"corpus/{lang} changed since locale/{lang}/{MODEL_FILE} was trained: "
        "run `redirection-bot train-screener --write-bands` and commit both"
    )
    assert model.categories == (*CATEGORIES, ANY)
    assert model.meta["config"] == TrainConfig().__dict__
    assert model.meta["lang"] == lang


def test_every_screened_language_with_a_corpus_has_a_model() -> None:
    screened = [lang for lang in languages(CORPUS) if (ROOT / "locale" / lang / "screening.yaml").exists()]
    assert {"en", "es"} <= set(screened)
    for lang in screened:
        assert (ROOT / "locale" / lang / MODEL_FILE).exists()


def test_the_model_file_holds_arrays_only() -> None:
    with np.load(ROOT / "locale" / "en" / MODEL_FILE, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("word_ptr"), "lacks word_ptr; run train-screener"),
        (lambda a: a.update(word_ptr=a["word_ptr"][:-1]), "does not fit its vocabulary; run train-screener"),
        (lambda a: a.update(word_features=a["word_features"][:-1]), "does not fit its vocabulary"),
        (lambda a: a.pop("hidden_scale"), "lacks hidden_scale; run train-screener"),
        (lambda a: a.update(hidden_w1=a["hidden_w1"][:-1]), "hidden layer does not fit its vocabulary"),
        (lambda a: [a.pop(k) for k in list(a) if k.startswith(("hidden_", "ng_"))], "lacks hidden_w1, ng_coef; run"),
        (lambda a: [a.pop("ng_bias", None), a.update(ng_coef=np.zeros((len(a["vocab"]), 8), np.float32))],
         "lacks ng_bias; run"),
    ],
)
def test_a_model_whose_word_table_is_missing_or_does_not_fit_is_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    """The word table (each known word's features, written by training) is read as it is, so
    a model file from before it, or cut short, is refused by name rather than screening wrong."""
    with np.load(ROOT / "locale" / "en" / MODEL_FILE, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    change(arrays)
    path = tmp_path / MODEL_FILE
    np.savez_compressed(path, **arrays)
    with pytest.raises(ContentError, match=message):
        LearnedStage.load(path, "old.npz")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of a slice of the English pool, so training runs in a second."""
    root = tmp_path_factory.mktemp("content")
    (root / "corpus" / "en").mkdir(parents=True)
    lines = []
    for ex in load_pool(CORPUS, "en")[::4]:
        labels = ",".join(sorted(ex.labels)) or "none"
        lines.append(f"{labels}\t{','.join(sorted(ex.tags)) or '-'}\t{ex.text}")
    (root / "corpus" / "en" / "pool.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_training_is_deterministic_in_one_process_or_as_parallel_jobs(small_corpus: Path) -> None:
    """The same corpus gives the same model and dev scores, whether the two fits run one after
    the other here or as separate jobs in other processes (``train-screener``)."""
    first = train_language(small_corpus / "corpus", "en", TrainConfig())
    (second,) = train_languages(small_corpus / "corpus", ["en"], TrainConfig(), workers=2)
    assert model_digest(first.arrays) == model_digest(second.arrays)
    assert first.dev_scores == second.dev_scores
    assert (first.train, first.dev) == (second.train, second.dev)


def test_the_bands_are_tuned_on_a_model_that_never_saw_dev_and_the_written_one_saw_all(
    small_corpus: Path,
) -> None:
    trained = train_language(small_corpus / "corpus", "en", TrainConfig())
    train_only = LearnedStage(fit_arrays("en", trained.train, TrainConfig()), "train part", None)
    assert trained.dev_scores == [train_only.scores(ex.text) for ex in trained.dev]
    written = json.loads(str(trained.arrays["meta"]))
    assert written["train_examples"] == len(trained.train) + len(trained.dev)
    unrefitted = train_language(small_corpus / "corpus", "en", TrainConfig(refit=False))
    assert json.loads(str(unrefitted.arrays["meta"]))["train_examples"] == len(trained.train)
    assert unrefitted.dev_scores == trained.dev_scores


def test_train_screener_spends_the_languages_check_budget(small_corpus: Path, tmp_path: Path) -> None:
    """``check_budget:`` in screening.yaml is what the written bands spend: a larger budget
    flags more messages (more check-ins), from the same model, with lower thresholds on the
    whole. Not every category's need fall: the tuning spends the budget on whichever category
    gains most at each step, and a message another head flags already gains nothing."""
    written, flagged = {}, {}
    for budget in (0.05, 0.4):
        root = tmp_path / str(budget)
        shutil.copytree(small_corpus / "corpus", root / "corpus")
        shutil.copytree(ROOT / "locale" / "en", root / "locale" / "en")
        path = root / "locale" / "en" / "screening.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.count("\ncheck_budget: ") == 1
        start = text.index("\ncheck_budget: ") + 1
        end = text.index("\n", start)
        path.write_text(f"{text[:start]}check_budget: {budget}{text[end:]}", encoding="utf-8")
        assert main(["train-screener", "--content", str(root), "--lang", "en", "--write-bands"]) == 0
        screener = Screener.from_dir(root / "locale", base=root)
        written[budget] = screener.rules.bands("en")
        screened = [screener.screen(ex.text, "en") for ex in load_pool(root / "corpus", "en")]
        flagged[budget] = sum(bool(s.sure or s.unsure) for s in screened)
    stingy, generous = written[0.05], written[0.4]
    assert stingy.keys() == generous.keys()
    assert sum(generous[c].unsure for c in stingy) < sum(stingy[c].unsure for c in stingy)
    assert flagged[0.4] > flagged[0.05]


def test_lint_checks_the_check_budget(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ncheck_budget: ") + 1
    path.write_text(f"{text[:start]}check_budget: 1.2{text[text.index(chr(10), start):]}", encoding="utf-8")
    line = text[:start].count("\n") + 1
    problems = lint_screening(locale, tmp_path)
    assert any(
        "less than 1" in p.message and (p.place.file, p.place.line) == ("locale/en/screening.yaml", line)
        for p in problems
    ), problems


def test_the_budget_pick_is_the_largest_within_the_target() -> None:
    from bench.screening_budget import Row, pick

    rows = [Row(b, None, 100, caught, 100, 2, checked) for b, caught, checked in
            [(0.1, 90, 3), (0.2, 92, 7), (0.3, 95, 8), (0.4, 97, 12)]]
    assert pick(rows, 0.08) == rows[2]
    assert pick(rows, 0.05) == rows[0]
    assert pick(rows, 0.02) is None
    saturated = [*rows[:3], Row(0.35, None, 100, 95, 100, 2, 8)]  # dev all flagged: nothing gained
    assert pick(saturated, 0.08) == rows[2]
    # check-ins only a doubted rule hit asked are not the bands' doing: not counted
    doubted = [Row(b, None, 100, caught, 100, 0, checked, 3) for b, caught, checked in
               [(0.1, 90, 6), (0.2, 92, 10), (0.3, 95, 11), (0.4, 97, 15)]]
    assert pick(doubted, 0.08, limit=0.12) == doubted[2]
    # but every check-in counts against the 10%: 11 of 100 is over it
    assert pick(doubted, 0.08) == doubted[1]


def test_the_doubt_bench_counts_rule_hits_and_marks_the_shipped_floor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``bench/rule_doubt.py`` on one calibration split (screened by the shipped model here, not
    one fitted without it, to spare the fits): a row per floor, the shipped one marked, counts
    that grow with the floor."""
    import re

    import bench.rule_doubt as bench

    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    monkeypatch.setattr(bench, "screeners_by_half", lambda lang: [(("test",), screener)])
    assert bench.main(["--lang", "en", "--floors", "0.001", "0.5"]) == 0
    out = capsys.readouterr().out
    right, wrong = map(int, re.search(r"en: .*: (\d+) right, (\d+) on messages", out).groups())  # type: ignore[union-attr]
    assert right > 50
    rows = re.findall(r"^ ([* ])(\S+) +right hits asked instead +(\d+) .* asked instead +(\d+) ", out, re.M)
    shipped = Screener.from_dir(ROOT / "locale", base=ROOT).rules.doubt_below("en")
    assert shipped is not None and 0.001 < shipped < 0.5
    assert [float(r[1]) for r in rows] == [0.001, shipped, 0.5] and [r[0] for r in rows] == [" ", "*", " "]
    lost = [int(r[2]) for r in rows]
    saved = [int(r[3]) for r in rows]
    assert lost == sorted(lost) and saved == sorted(saved) and saved[-1] <= wrong and lost[-1] <= right


def test_a_fit_runs_on_one_thread_even_when_pinned_before_scikit_learn_was_loaded() -> None:
    """Pinning once, before scikit-learn (and scipy's own OpenBLAS) was imported, left scipy's
    pool on every core: a bench's fits then differed from ``train-screener``'s."""
    import subprocess

    code = (
        "from bot.screening.model import pin_threads; pin_threads()\n"
        "from bot.screening.corpus import Example\n"
        "from bot.screening.train import TrainConfig, fit_arrays\n"
        "ex = [Example('en', frozenset({'urge'} if i % 2 else set()), frozenset(), f'text number {i} here', 'x', i)"
        " for i in range(40)]\n"
        "fit_arrays('en', ex, TrainConfig())\n"
        "from threadpoolctl import threadpool_info\n"
        "print(max(pool['num_threads'] for pool in threadpool_info()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


@pytest.mark.parametrize("hidden_weight", [0.7, 1.0])
def test_the_numpy_inference_matches_scikit_learn(small_corpus: Path, tmp_path: Path, hidden_weight: float) -> None:
    """The network's probabilities (as shipped, weight 1.0), or its average with the n-gram
    regressions (weight 0.7, as sessions 20-22 shipped), equal the same arrays run through
    scikit-learn's vectors; at 1.0 no regression is fitted or stored."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    trained = train_language(small_corpus / "corpus", "en", TrainConfig(hidden_weight=hidden_weight))
    np.savez_compressed(tmp_path / MODEL_FILE, **trained.arrays)
    model = LearnedStage.load(tmp_path / MODEL_FILE, "m")
    vocab = {str(w): i for i, w in enumerate(trained.arrays["vocab"])}
    vec = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, vocabulary=vocab, dtype=np.float32)
    vec.idf_ = trained.arrays["idf"]
    texts = [ex.text for ex in trained.dev[:40]] + ["", "zzzz qqqq", "Kiiill MYSELF!!"]
    x = vec.transform(texts)
    # the hidden layer, dequantized and run on scikit-learn's vectors, averaged as stored
    a = trained.arrays
    net = Net(a["hidden_w1"] * a["hidden_scale"][:, None], a["hidden_b1"], a["hidden_w2"], a["hidden_b2"])
    assert model.uses_hidden and float(a["hidden_weight"]) == pytest.approx(hidden_weight)
    expected_p = net.predict(x)
    if hidden_weight < 1:
        expected = x @ a["ng_coef"] + a["ng_bias"]
        np.testing.assert_allclose(np.stack([model.ngram_logits(t) for t in texts]), expected, rtol=1e-4, atol=1e-4)
        expected_p = (1 - hidden_weight) / (1 + np.exp(-expected)) + hidden_weight * expected_p
    else:
        assert not model.uses_ngram and not {"ng_coef", "ng_bias"} & set(a)
        with pytest.raises(ValueError, match="no n-gram regressions"):
            model.ngram_logits(texts[0])
    got = np.stack([model.probabilities(t) for t in texts])
    np.testing.assert_allclose(got, expected_p, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.stack([model.probabilities_reference(t) for t in texts]), got, rtol=1e-5, atol=1e-6)


def test_int8_rows_move_a_messages_scores_by_less_than_a_hundredth(small_corpus: Path) -> None:
    """The first layer ships as int8 rows with a scale each (a quarter of float32's memory):
    a dev message's probabilities hardly move, and each weight is within half a step."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, dev = split(load_pool(small_corpus / "corpus", "en"))
    vec = TfidfVectorizer(analyzer=ngrams, min_df=2, sublinear_tf=True, dtype=np.float32)
    x, xd = vec.fit_transform([ex.text for ex in train]), vec.transform([ex.text for ex in dev])
    config = TrainConfig()
    net = fit(x, head_targets(train), hidden=config.hidden, epochs=config.hidden_epochs, batch=config.hidden_batch)
    q, scale = quantize(net.w1)
    assert q.dtype == np.int8 and np.abs(q).max() == 127
    assert np.all(np.abs(q * scale[:, None] - net.w1) <= scale[:, None] / 2 + 1e-7)
    rounded = Net(q * scale[:, None], net.b1, net.w2, net.b2)
    moved = np.abs(rounded.predict(xd) - net.predict(xd))
    assert moved.max() < 0.01, moved.max()
    assert np.abs(net.predict(xd)[:, -1] - head_targets(dev)[:, -1]).mean() < 0.3  # it learned something


ODD_TEXTS = [
    "", "   ", "!!!", "Kiiill MYSELF!!", "15yo 2day l33t aa11bbb 1a1", "x" * 80, "ab " * 700,
    "¿Tengo 15 AÑOS? niño ñandú", "Jag mår dåligt, łódź", "Минск ٱلسلام 東京 😀\u200b\u200dzz", JUNK,
]


@pytest.mark.parametrize("lang", ["en", "es", "fi", "pl"])
def test_the_fast_path_gives_the_plain_reference_scores(screener: Screener, lang: str) -> None:
    """The learned stage's lookups and counting (its TF-IDF vector), and the hidden layer fed from
    them, give what the plain computation from ``features.ngrams`` gives, on every dev text, an
    eighth of the train texts and odd input."""
    model = screener.models[lang]
    train, dev = split(load_pool(CORPUS, lang))
    texts = [ex.text for ex in (*train[::8], *dev)] + ODD_TEXTS
    for t in texts:
        (idx, x), (ref_idx, ref_x) = model._vector(t), model._vector_reference(t)
        order = np.argsort(idx)
        np.testing.assert_array_equal(idx[order], ref_idx)
        np.testing.assert_allclose(x[order], ref_x, rtol=0, atol=1e-6)
    assert model.uses_hidden
    got = np.stack([model.probabilities(t) for t in texts])
    expected = np.stack([model.probabilities_reference(t) for t in texts])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_the_ascii_squeeze_is_squeeze() -> None:
    from bot.phrases import squeeze, words
    from bot.screening.model import _squeeze

    typed = {w for t in ODD_TEXTS for w in words(t)} | {"kiiill", "15yo", "2000", "aa11bbb", "ABC", "a_b", "ñandu"}
    for w in typed:
        assert _squeeze(w) == squeeze(w), w


def test_the_split_is_fixed_and_keeps_a_text_on_one_side() -> None:
    pool = load_pool(CORPUS, "en")
    train, dev = split(pool)
    _, again_dev = split(list(reversed(pool)))
    assert {e.text for e in dev} == {e.text for e in again_dev}
    assert 0.1 < len(dev) / len(pool) < 0.3
    from bot.screening.corpus import key

    assert not {key(e.text) for e in train} & {key(e.text) for e in dev}


def test_no_test_text_is_trained_on() -> None:
    from bot.screening.corpus import key, load_test

    for lang in languages(CORPUS):
        test = {key(e.text) for e in load_test(CORPUS, lang)}
        assert test, f"corpus/{lang} has no test split"
        assert not test & {key(e.text) for e in load_pool(CORPUS, lang)}


def test_every_language_has_the_calibration_splits_and_a_clean_split_after_them() -> None:
    """The budgets are chosen on :data:`CALIBRATION_SPLITS`; a language missing one would be
    calibrated on less, and one with no split beyond them would have no clean measure left."""
    from bot.screening.corpus import CALIBRATION_SPLITS, test_files

    for lang in languages(CORPUS):
        names = [p.stem for p in test_files(CORPUS, lang)]
        assert set(CALIBRATION_SPLITS) <= set(names), f"corpus/{lang} lacks a calibration split"
        assert set(names) - set(CALIBRATION_SPLITS), f"corpus/{lang} has no test split beyond the calibration splits"


# -- bands ------------------------------------------------------------------------------------


def test_a_rule_hit_interrupts_with_the_shipped_model(screener: Screener) -> None:
    found = screener.screen("i want to kill myself", "en")
    assert "suicide" in found.sure and "suicide" in found.rules and not found.doubted


class _Scores:
    """A learned stage that gives every category and ``any`` the same probability."""

    def __init__(self, p: float) -> None:
        self.p = p

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        return {c: self.p for c in (*CATEGORIES, ANY)}

    def scores_reference(self, text: str) -> dict[str, float]:
        return self.scores(text)


def _scored(screener: Screener, scores: Any) -> Screener:
    return Screener(screener.rules, {lang: scores for lang in screener.languages})


RULE_HITS = {"en": "i want to kill myself", "es": "quiero suicidarme", "fi": "haluan tappaa itseni",
             "pl": "chcę się zabić"}


@pytest.mark.parametrize("lang", sorted(RULE_HITS))
def test_a_rule_hit_asks_where_the_model_is_near_sure_there_is_no_crisis(screener: Screener, lang: str) -> None:
    """``doubt_below:``: under it (every score), the hit asks; at it, the hit interrupts. Never silent."""
    floor = screener.rules.doubt_below(lang)
    assert floor is not None, f"locale/{lang}/screening.yaml has no doubt_below"
    text = RULE_HITS[lang]
    doubted = _scored(screener, _Scores(floor / 2)).screen(text, lang)
    assert doubted.sure == () and doubted.rules == ()
    assert doubted.doubted == ("suicide",) and doubted.unsure == ("suicide",)
    at_floor = _scored(screener, _Scores(floor)).screen(text, lang)
    assert "suicide" in at_floor.sure and at_floor.doubted == ()


def test_one_score_at_the_floor_keeps_every_rule_hit(screener: Screener) -> None:
    """The model must be near sure of no crisis at all: one category (or ``any``) at the floor and
    every hit interrupts, whichever category it is."""
    floor = screener.rules.doubt_below("en")
    assert floor is not None

    class OneHigh(_Scores):
        def __init__(self, which: str) -> None:
            super().__init__(floor / 2)
            self.which = which

        def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
            return {**super().scores(text), self.which: floor}

    for which in (*CATEGORIES, ANY):
        found = _scored(screener, OneHigh(which)).screen("i want to kill myself", "en")
        assert "suicide" in found.sure and found.doubted == (), which


def test_past_doubt_chars_a_rule_hit_interrupts_whatever_the_model_says(screener: Screener) -> None:
    """Words around a crisis can pull a long message's scores down: past DOUBT_CHARS the model
    cannot doubt a hit."""
    from bot.screening.screener import DOUBT_CHARS

    quiet = _scored(screener, _Scores(0.0001))
    at = "i want to kill myself".ljust(DOUBT_CHARS, ".")
    past = at + "."
    assert quiet.screen(at, "en").doubted == ("suicide",)
    assert quiet.screen(past, "en").sure == ("suicide",)
    assert quiet.screen_reference(past, "en").sure == ("suicide",)


def test_a_doubted_hit_is_not_made_sure_by_another_hit(screener: Screener) -> None:
    """Both hits are doubted together, so neither leads the other to sure."""
    found = _scored(screener, _Scores(0.0001)).screen("im having a panic attack and i want to kill myself", "en")
    assert found.sure == () and {"suicide", "distress"} <= set(found.unsure) and set(found.doubted) == {
        "suicide", "distress"}


def test_lint_keeps_doubt_below_under_every_unsure_threshold(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\ndoubt_below:" in text
    lines = ["doubt_below: 0.5" if line.startswith("doubt_below:") else line for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = lint_screening(locale, tmp_path)
    assert any("doubt_below (0.5) must be below every unsure threshold" in p.message
               and p.place.file == "locale/en/screening.yaml" and p.place.line > 1 for p in problems), problems


def _middling_urge(screener: Screener) -> tuple[str, float]:
    """A message the rules leave alone and the model gives an urge probability well inside (0, 1)."""
    candidates = [
        "the pull to go and look is getting hard to ignore",
        "this homework is killing me",
        "my head is going places tonight",
        "i dont know how much longer i can do this",
    ]
    found = [(m, screener.screen(m, "en")) for m in candidates]
    return next((m, f.scores["urge"]) for m, f in found if 0.03 < f.scores["urge"] < 0.97 and not f.rules)


def test_bands_follow_the_thresholds(screener: Screener, tmp_path: Path) -> None:
    message, p = _middling_urge(screener)
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")

    def banded(unsure: float, sure: float) -> Screening:
        # the any head out of reach: it is another way to an urge check-in (the likeliest category)
        band = f"bands:\n  urge: {{unsure: {unsure:.4f}, sure: {sure:.4f}}}\n  {ANY}: {{unsure: 0.9999}}\n"
        out = text.replace("bands:\n", band, 1)
        for c in ("urge", ANY):
            out = _dedupe_band(out, c)
        path.write_text(out, encoding="utf-8")
        return Screener.from_dir(locale, base=tmp_path).screen(message, "en")

    below = banded(p + 0.01, min(1.0, p + 0.02))
    unsure = banded(p - 0.01, min(1.0, p + 0.01))
    sure = banded(p - 0.02, p - 0.01)
    assert "urge" not in below.sure + below.unsure
    assert "urge" in unsure.unsure and "urge" not in unsure.sure
    assert "urge" in sure.sure and "urge" not in sure.unsure


def test_bands_given_to_the_screener_replace_the_files(screener: Screener) -> None:
    """What ``bench/screening_rounds.py --whole`` measures other thresholds with."""
    message, p = _middling_urge(screener)
    found = screener.screen(message, "en")

    def banded(unsure: float, sure: float) -> Screening:
        bands = {"urge": Band(unsure=unsure, sure=sure)}  # no other head: only urge's bar decides
        return Screener(screener.rules, screener.models, bands={"en": bands}).screen(message, "en")

    assert not banded(p + 0.01, p + 0.02)
    assert banded(p - 0.01, p + 0.01).unsure == ("urge",)
    assert banded(p - 0.02, p - 0.01).sure == ("urge",)
    assert screener.screen(message, "en") == found  # the shared screener keeps its own


def test_the_any_head_asks_about_the_likeliest_category_and_never_interrupts(
    screener: Screener, tmp_path: Path
) -> None:
    """Above ``any``'s threshold, with no category flagged, the likeliest category is unsure."""
    message = "i dont know how much longer i can do this"
    found = screener.screen(message, "en")
    assert not found.rules
    likeliest = max(CATEGORIES, key=lambda c: found.scores[c])
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")

    def banded(any_unsure: float) -> Screening:
        # every category out of reach, so only the any head can speak
        lines = "".join(f"  {c}: {{unsure: 0.9998, sure: 0.9999}}\n" for c in CATEGORIES)
        block = f"bands:\n{lines}  {ANY}: {{unsure: {any_unsure:.4f}}}\n"
        out = text.replace("bands:\n", block, 1)
        for c in (*CATEGORIES, ANY):
            out = _dedupe_band(out, c)
        path.write_text(out, encoding="utf-8")
        return Screener.from_dir(locale, base=tmp_path).screen(message, "en")

    p = found.scores[ANY]
    assert 0.0 < p < 0.999
    asked = banded(max(0.0001, p - 0.01))
    assert asked.unsure == (likeliest,) and asked.sure == ()
    quiet = banded(min(0.9999, p + 0.01))
    assert not quiet


def _dedupe_band(text: str, category: str) -> str:
    """Keep the first ``category:`` line under ``bands:`` (the inserted one)."""
    out, seen, in_bands = [], False, False
    for line in text.splitlines(keepends=True):
        if line.startswith("bands:"):
            in_bands = True
        elif in_bands and not line.startswith("  "):
            in_bands = False
        if in_bands and line.startswith(f"  {category}:"):
            if seen:
                continue
            seen = True
        out.append(line)
    return "".join(out)


@pytest.mark.parametrize(
    ("band", "message"),
    [
        ("  urgee: {unsure: 0.2, sure: 0.8}", "bands: unknown category 'urgee' (did you mean 'urge'?)"),
        ("  urge: {unsure: 0.8, sure: 0.2}", "unsure (0.8) must be below sure (0.2)"),
        ("  urge: {unsure: 0, sure: 0.5}", "greater than 0"),
        ("  urge: {unsure: 0.5, sure: 1.5}", "less than or equal to 1"),
        ("  urge: {unsure: 0.5}", "bands: 'urge' needs a sure threshold too: {unsure: 0.5, sure: ...}"),
        ("  any: {unsure: 0.5, sure: 0.9}", "bands: 'any' has no sure threshold (it only asks a check-in)"),
        ("  anny: {unsure: 0.5}", "bands: unknown category 'anny' (did you mean 'any'?)"),
    ],
)
def test_lint_checks_the_thresholds(tmp_path: Path, band: str, message: str) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    path = locale / "en" / "screening.yaml"
    text = path.read_text(encoding="utf-8")
    text = _dedupe_band(text.replace("bands:\n", f"bands:\n{band}\n", 1), "urge")
    path.write_text(text, encoding="utf-8")
    problems = lint_screening(locale, tmp_path)
    assert any(message in p.message and p.place.file == "locale/en/screening.yaml" for p in problems), problems


# -- the corpus -------------------------------------------------------------------------------


def test_the_shipped_corpus_lints_clean() -> None:
    assert lint_corpus(CORPUS, ROOT) == []


def test_corpus_lint_finds_bad_labels_bad_lines_and_text_in_two_splits(tmp_path: Path) -> None:
    en = tmp_path / "corpus" / "en"
    en.mkdir(parents=True)
    (en / "test.tsv").write_text("suicide\t-\tStanding on the bridge rn\nnone\t-\tI like tea\n", encoding="utf-8")
    (en / "pool.tsv").write_text(
        "# a comment\n"
        "suicde\t-\tnot a label\n"
        "urge\tjust two fields\n"
        "none,urge\t-\tnone with another\n"
        "suicide\tslang\tstanding on the BRIDGE right now\n"
        "none\t-\ti like tea!!\n",
        encoding="utf-8",
    )
    problems = [(p.place.file, p.place.line, p.message) for p in lint_corpus(tmp_path / "corpus", tmp_path)]
    assert ("corpus/en/pool.tsv", 2, "unknown label(s) suicde; labels are none, " + ", ".join(
        (*CATEGORIES, "lapse"))) in problems
    assert any(f == "corpus/en/pool.tsv" and n == 3 and "expected 'labels<TAB>tags<TAB>text'" in m
               for f, n, m in problems)
    assert any(n == 4 and "'none' cannot go with other labels" in m for _, n, m in problems)
    assert [(f, n) for f, n, m in problems if "also in the train pool" in m] == [("corpus/en/test.tsv", 2)]
    with pytest.raises(ContentError, match=r"pool.tsv:2: unknown label"):
        read_tsv(en / "pool.tsv", "en")


def test_the_corpus_hash_follows_what_training_reads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    en = corpus / "en"
    en.mkdir(parents=True)
    pool = en / "pool.tsv"
    pool.write_text("suicide\tplain\tgot the rope ready\nnone\t-\ti like tea\n", encoding="utf-8")
    (en / "test.tsv").write_text("urge\t-\twant to look rn\n", encoding="utf-8")
    first = corpus_hash(corpus, "en")
    # what a fit job computes from what it read: the pool, then the calibration splits ("test")
    assert pool_hash([*load_pool(corpus, "en"), *read_tsv(en / "test.tsv", "en")]) == first

    # what training does not read: tags, comments, a new clean test split with new texts
    pool.write_text("# a comment\nsuicide\tplain,r99\tgot the rope ready\nnone\thard_negative\ti like tea\n",
                    encoding="utf-8")
    (en / "test99.tsv").write_text("distress\t-\tpanic at the bus stop\n", encoding="utf-8")
    assert corpus_hash(corpus, "en") == first

    # what it does read: a label, a text, the order, a pool text taken out by a test split
    for text in ("suicide,urge\t-\tgot the rope ready\nnone\t-\ti like tea\n",
                 "suicide\t-\tgot the rope ready now\nnone\t-\ti like tea\n",
                 "none\t-\ti like tea\nsuicide\t-\tgot the rope ready\n"):
        pool.write_text(text, encoding="utf-8")
        assert corpus_hash(corpus, "en") != first, text
    pool.write_text("suicide\t-\tgot the rope ready\nnone\t-\ti like tea\n", encoding="utf-8")
    assert corpus_hash(corpus, "en") == first
    (en / "test99.tsv").write_text("none\t-\tI like tea\n", encoding="utf-8")
    assert corpus_hash(corpus, "en") != first
    (en / "test99.tsv").unlink()
    assert corpus_hash(corpus, "en") == first
    # a calibration split is trained on (session 46): its labels and texts count
    (en / "test.tsv").write_text("urge,distress\t-\twant to look rn\n", encoding="utf-8")
    assert corpus_hash(corpus, "en") != first


def test_training_reads_the_calibration_splits_into_the_train_part_and_no_clean_split(tmp_path: Path) -> None:
    """Since session 46 the calibration splits are trained on: added to the train part whole (the
    bands' dev stays the pool's), a bench can leave some out, and a clean split is never read (a
    calibration line a clean split repeats is left out, as a pool line would be)."""
    from bot.screening.corpus import CALIBRATION_SPLITS, training_parts

    corpus = tmp_path / "corpus"
    en = corpus / "en"
    en.mkdir(parents=True)
    pool = [f"none\t-\teveryday line number {i}" for i in range(200)]
    (en / "pool.tsv").write_text("\n".join(pool) + "\n", encoding="utf-8")
    (en / "test.tsv").write_text("urge\t-\twant to look rn\nnone\t-\tthe bus was late\n", encoding="utf-8")
    (en / "test2.tsv").write_text("suicide\t-\tgot the rope ready\n", encoding="utf-8")
    clean = f"test{len(CALIBRATION_SPLITS) + 1}.tsv"
    (en / clean).write_text("distress\t-\tpanic at the bus stop\nnone\t-\tThe bus was late.\n", encoding="utf-8")

    parts = training_parts(corpus, "en")
    texts = [ex.text for ex in parts.train]
    assert texts[-2:] == ["want to look rn", "got the rope ready"]  # the pool's train part, then the splits
    assert "the bus was late" not in texts  # the clean split repeats it
    assert "panic at the bus stop" not in texts + [ex.text for ex in parts.dev]
    assert not {"want to look rn", "got the rope ready"} & {ex.text for ex in parts.dev}
    assert 0 < len(parts.dev) < 200 and len(parts.train) == 200 - len(parts.dev) + 2
    assert parts.sha256 == corpus_hash(corpus, "en")

    without = training_parts(corpus, "en", leave_out=["test2"])
    assert [ex.text for ex in without.train][-1] == "want to look rn"
    assert without.dev == parts.dev and without.sha256 != parts.sha256


# -- one screener for every entry point ---------------------------------------------------------


class Counting(Screener):
    instances: list[Counting] = []  # noqa: RUF012 - a record for the test

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.threads: list[str] = []
        Counting.instances.append(self)

    def screen(self, text: str, locale: str) -> Screening:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        return super().screen(text, locale)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[Counting]:
    Counting.instances = []
    monkeypatch.setattr(bot.bootstrap, "Screener", Counting)
    return Counting


def test_the_terminal_chat_screens_with_the_bootstrap_screener(
    counting: type[Counting], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("i want to kill myself\n"))
    assert main(["chat", "--content", str(ROOT)]) == 0
    assert len(counting.instances) == 1 and counting.instances[0].calls == 1


def test_replay_screens_with_the_bootstrap_screener(counting: type[Counting]) -> None:
    script = ROOT / "tests" / "conversations" / "interrupts" / "suicide_en.yaml"
    assert main(["replay", "-q", str(script), "--content", str(ROOT)]) == 0
    assert len(counting.instances) == 1 and counting.instances[0].calls >= 1


async def test_the_web_screens_with_the_bootstrap_screener(
    counting: type[Counting], aiohttp_client: Any
) -> None:
    assert bot.cli.serve.load_engine is bot.bootstrap.load_engine  # serve builds it the same way
    client = await aiohttp_client(create_app(load_engine(ROOT), WebConfig()))
    start = await (await client.post("/api/v1/start", json={"locale": "en"})).json()
    t0 = time.perf_counter()
    turn = await client.post(
        "/api/v1/turn", json={"session": start["session"], "seq": start["seq"], "text": "i want to kill myself"}
    )
    assert turn.status == 200 and time.perf_counter() - t0 < 30
    assert (await turn.json())["flow"] == "crisis_suicide"
    assert len(counting.instances) == 1 and counting.instances[0].calls == 1


async def test_the_web_screens_short_texts_on_the_loop_and_long_ones_off_it(
    counting: type[Counting], aiohttp_client: Any
) -> None:
    """Up to INLINE_TEXT_CHARS a typed turn is cheaper than a hop to a thread; longer ones
    (up to MAX_INPUT_CHARS, several ms) go to the executor, so none stalls the loop for long."""
    from bot.web.conversation import INLINE_TEXT_CHARS

    client = await aiohttp_client(create_app(load_engine(ROOT), WebConfig()))
    reply = await (await client.post("/api/v1/start", json={"locale": "en"})).json()
    reply = await (await client.post(
        "/api/v1/turn", json={"session": reply["session"], "seq": reply["seq"], "choice": "continue"})).json()
    short = ("the weather was nice today and we went out for a walk " * 10)[:INLINE_TEXT_CHARS]
    for text in (short, short + " and then we came back home"):
        turn = await client.post("/api/v1/turn", json={"session": reply["session"], "seq": reply["seq"], "text": text})
        assert turn.status == 200
        reply = await turn.json()
    assert counting.instances[0].threads == [threading.main_thread().name, "screening_0"]
    start = time.perf_counter()
    screener = counting.instances[0]
    for _ in range(5):
        screener.screen(JUNK[:INLINE_TEXT_CHARS], "es")
    assert (time.perf_counter() - start) / 5 < 0.05  # bounded: about 2-3 ms here, 50 ms for a slow CI


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_training_reads_the_same_features_as_ngrams_with_each_token_worked_out_once(lang: str) -> None:
    texts = [ex.text for ex in load_pool(CORPUS, lang)[:3000]]
    texts += ["Kiiill myselff 15yo", "", "🙂 ​‮ x" * 40, texts[0].upper()]
    analyze = ngram_analyzer()
    assert [analyze(t) for t in texts] == [ngrams(t) for t in texts]
    assert [analyze(t) for t in texts[:50]] == [ngrams(t) for t in texts[:50]]  # from the cache
