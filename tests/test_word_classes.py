"""Word classes (:mod:`bot.screening.word_classes`): a word of a class also gives ``c:<class>``,
at training and at run time alike, and a word the corpus never held still gives it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.errors import ContentError
from bot.screening.corpus import load_pool
from bot.screening.features import fold_words
from bot.screening.model import LearnedStage
from bot.screening.train import TrainConfig, fit_arrays
from bot.screening.word_classes import WORDS_FILE, WordClasses, class_entries, lint_words, read_words_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
WORDS = """\
height:
  - bridge
  - overpass
  - quarr*
now:
  - tonight
  - rn
"""


def test_a_word_is_read_as_its_classes_exact_or_by_prefix_and_folded() -> None:
    classes = WordClasses(class_entries({"height": ["Bridge", "quarr*", "cliff"], "now": ["bridge"]}, "t"))
    assert classes.of("bridge") == ["c:height", "c:now"]
    assert classes.of(fold_words("QUARRIES")[0]) == ["c:height"]
    assert classes.of(fold_words("cliffs")[0]) == []  # exact entries are whole words
    assert classes.of(fold_words("Cliff")[0]) == ["c:height"]  # "cliff" folds to "clif" both ways
    assert classes.of("brid") == [] and classes.of("quar") == ["c:height"]
    assert classes.token_features("bridge")[-2:] == ["c:height", "c:now"]


def test_an_entry_that_is_not_one_word_or_a_short_prefix_is_left_out() -> None:
    classes = WordClasses([("now", "2am"), ("now", "right now"), ("child", "kid*"), ("child", "kiddo")])
    assert classes.of("2") == classes.of("am") == classes.of("kidney") == []
    assert classes.of("kido") == ["c:child"]


def test_a_words_file_that_is_not_classes_of_words_is_a_content_error(tmp_path: Path) -> None:
    for text in ("- bridge\n", "height: bridge\n", "height:\n  - 3\n", "'a b':\n  - x\n", "height: [\n"):
        path = tmp_path / WORDS_FILE
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ContentError, match=WORDS_FILE):
            read_words_file(path)


def test_the_classes_go_into_the_model_file_and_back_unchanged() -> None:
    classes = WordClasses(class_entries({"height": ["bridge", "quarr*"], "now": ["rn"]}, "t"))
    again = WordClasses.from_array(classes.to_array())
    assert again.entries == classes.entries
    assert again.of("quary") == ["c:height"]


@pytest.fixture(scope="module")
def model_with_classes(tmp_path_factory: pytest.TempPathFactory) -> LearnedStage:
    """A small English model trained with two classes, one of whose words its training lines
    never hold ("overpass": the lines that do are left out)."""
    locale = tmp_path_factory.mktemp("locale")
    (locale / "en").mkdir()
    (locale / "en" / WORDS_FILE).write_text(WORDS, encoding="utf-8")
    pool = [ex for ex in load_pool(CORPUS, "en")[::6] if "overpass" not in ex.text.lower()]
    arrays = fit_arrays("en", pool, TrainConfig(word_classes=True, hidden=32, hidden_epochs=2), locale_dir=locale)
    assert [str(s) for s in arrays["word_classes"]] == ["height\tbridge", "height\toverpass", "height\tquarr*",
                                                         "now\ttonight", "now\trn"]
    return LearnedStage(arrays, "en (classes)", None)


def test_a_word_the_corpus_never_held_gives_its_class_at_run_time(model_with_classes: LearnedStage) -> None:
    model = model_with_classes
    height = model._index["c:height"]
    idx, _ = model._vector("standing on the overpass")
    assert height in idx.tolist()
    idx, _ = model._vector("standing on the sofa")
    assert height not in idx.tolist()
    assert model.scores("standing on the overpass") != model.scores("standing on the sofa")


def test_with_classes_the_fast_path_gives_the_plain_reference_scores(model_with_classes: LearnedStage) -> None:
    texts = ["on the overpass rn", "Quarries at night, tonight", "bridge bridge BRIDGE", "", "ab " * 50,
             *(ex.text for ex in load_pool(CORPUS, "en")[1::97])]
    for t in texts:
        (idx, x), (ref_idx, ref_x) = model_with_classes._vector(t), model_with_classes._vector_reference(t)
        order = np.argsort(idx)
        np.testing.assert_array_equal(idx[order], ref_idx)
        np.testing.assert_allclose(x[order], ref_x, rtol=0, atol=1e-6)
    got = np.stack([model_with_classes.probabilities(t) for t in texts])
    expected = np.stack([model_with_classes.probabilities_reference(t) for t in texts])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_lint_places_entries_that_are_not_one_word_short_prefixes_and_repeats(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / WORDS_FILE).write_text(
        "height:\n  - bridge\n  - right now\n  - bridge\nchild:\n  - kid*\n  - 2am\n", encoding="utf-8"
    )
    found = [(p.place.line, p.severity, p.message) for p in lint_words(tmp_path, tmp_path, "model.npz")]
    assert [(line, sev) for line, sev, _ in found] == [(3, "error"), (4, "warning"), (6, "error"), (7, "error")]
    assert "'right now' is not one word" in found[0][2] and "listed twice" in found[1][2]


@pytest.mark.parametrize("text", ["- bridge\n", "height: bridge\n", "height: [\n"])
def test_lint_names_a_words_file_that_is_not_classes_of_words(tmp_path: Path, text: str) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / WORDS_FILE).write_text(text, encoding="utf-8")
    (problem,) = lint_words(tmp_path, tmp_path, "model.npz")
    assert problem.severity == "error" and problem.place.file == f"en/{WORDS_FILE}"


def test_lint_warns_when_the_model_was_trained_with_other_classes(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / WORDS_FILE).write_text(WORDS, encoding="utf-8")
    model = tmp_path / "en" / "model.npz"
    np.savez(model, word_classes=WordClasses(read_words_file(tmp_path / "en" / WORDS_FILE)).to_array())
    assert lint_words(tmp_path, tmp_path, "model.npz") == []
    (tmp_path / "en" / WORDS_FILE).write_text(WORDS + "  - now\n", encoding="utf-8")
    (problem,) = lint_words(tmp_path, tmp_path, "model.npz")
    assert problem.severity == "warning" and "run train-screener" in problem.message
    np.savez(model, vocab=np.array(["w:x"]))
    (problem,) = lint_words(tmp_path, tmp_path, "model.npz")
    assert "run train-screener" in problem.message


def test_the_shipped_words_files_lint_clean_and_match_their_models() -> None:
    root = CORPUS.parent
    assert lint_words(root / "locale", root, "screening_model.npz") == []
