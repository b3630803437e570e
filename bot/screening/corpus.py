"""The labelled screening corpus: ``corpus/<lang>/*.tsv``, its splits, its hash and its lint.

One message a line, ``labels<TAB>tags<TAB>text``; ``labels`` is ``none`` or a comma-separated
list of :data:`LABELS`, ``tags`` is ``-`` or a comma-separated list of free tags
(``hard_negative``, ``past``, ``slang`` ...). Lines starting with ``#`` are comments.
Files whose name starts with ``test`` (``test.tsv``, ``test2.tsv``, ...) are the frozen test
splits, each written before any result of the model it measures was seen. The newest ones are
clean: never trained or tuned on. The older ones, :data:`CALIBRATION_SPLITS`, are trained on
since session 46 (added to the train part whole, :func:`training_parts`) and pick one number a
language, each half scored by a model fitted without it. Every other ``*.tsv`` is the train pool,
which :func:`split` parts into train and dev by a hash of each message's folded text and
:data:`SPLIT_SEED`, so the same text always falls on the same side whatever file it is in and
whatever else is added.

The phrase rules' own dev set, ``tests/screening/dev.<lang>.tsv`` (same format), joins the
pool: it holds hundreds of everyday sentences the rules must not fire on. Any pool line whose
text is also in the test split is left out of training (the test split wins).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ContentError
from bot.problems import Place, Problem, display_path
from bot.screening.features import fold_words
from bot.screening.rules import CATEGORIES

__all__ = [
    "CALIBRATION_SPLITS",
    "DEV_SHARE",
    "LABELS",
    "ROUND_RULE_SPLITS",
    "SPLIT_SEED",
    "TEST_FILE",
    "Example",
    "Parts",
    "corpus_hash",
    "is_test_file",
    "languages",
    "lint_corpus",
    "load_pool",
    "load_test",
    "pool_hash",
    "read_tsv",
    "split",
    "test_files",
    "training_parts",
]

LABELS = (*CATEGORIES, "lapse")
"""Labels a corpus line may carry. ``lapse`` is the lapse path's (not a crisis category): the
screener reads a line labelled only ``lapse`` as a message that must not interrupt."""
TEST_FILE = "test.tsv"
"""The first frozen test split; later ones are ``test2.tsv``, ``test3.tsv`` ... (see
:func:`is_test_file`)."""
SPLIT_SEED = "screening-split-1"
"""Changing it reshuffles train and dev: do so only with a note in docs/screening.md."""
DEV_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message; ``labels`` are crisis categories only (``lapse`` dropped)."""

    lang: str
    labels: frozenset[str]
    tags: frozenset[str]
    text: str
    file: str
    line: int

    @property
    def hard_negative(self) -> bool:
        return not self.labels and "hard_negative" in self.tags


@functools.lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """What makes two messages "the same text" across splits: their folded words. Memoised
    (a language's pool and test splits fit, about 50,000 texts): reading the pool, splitting it
    and checking it against the test splits ask for the same texts' keys."""
    return " ".join(fold_words(text))


def read_tsv(path: Path, lang: str, problems: list[Problem] | None = None, base: Path | None = None) -> list[Example]:
    """Every example in ``path``; a malformed line is a ``ContentError`` (or, with
    ``problems``, a problem placed at its line, and skipped)."""
    name = display_path(path, base) if base is not None else str(path)
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        message = None
        if len(parts) != 3:
            message = f"expected 'labels<TAB>tags<TAB>text', found {len(parts)} field(s)"
        else:
            labels = {x.strip() for x in parts[0].split(",")} - {""}
            unknown = sorted(labels - set(LABELS) - {"none"})
            if unknown:
                message = f"unknown label(s) {', '.join(unknown)}; labels are none, {', '.join(LABELS)}"
            elif "none" in labels and len(labels) > 1:
                message = "'none' cannot go with other labels"
            elif not parts[2].strip():
                message = "empty text"
        if message is not None:
            if problems is None:
                raise ContentError(f"{name}:{n}: {message}")
            problems.append(Problem(Place(name, n, 1), message))
            continue
        tags = frozenset(t.strip() for t in parts[1].split(",")) - {"-", ""}
        crisis = frozenset(labels & set(CATEGORIES))
        out.append(Example(lang, crisis, tags, parts[2].strip(), name, n))
    return out


def languages(corpus_dir: Path) -> list[str]:
    """Languages with a corpus folder."""
    if not corpus_dir.is_dir():
        return []
    return sorted(d.name for d in corpus_dir.iterdir() if d.is_dir() and any(d.glob("*.tsv")))


RULES_DEV = Path("tests") / "screening"
"""Under the content root: the phrase rules' dev sets, ``dev.<lang>.tsv``, part of the pool."""


def is_test_file(path: Path) -> bool:
    """A frozen test split: its name starts with ``test`` (never in the pool; only the
    :data:`CALIBRATION_SPLITS` are trained on, and tuned on for one number)."""
    return path.name.startswith("test")


CALIBRATION_SPLITS = ("test", *(f"test{n}" for n in range(2, 52)))
"""The test splits of sessions 2 to 53 (``test.tsv`` to ``test51.tsv``), which choose one number
per language, its ``check_budget:`` (``bench/screening_budget.py``): how much of everyday talk
screening may ask about; since session 26 also ``doubt_below:`` (``bench/rule_doubt.py``). No
longer clean measures; ``test52.tsv`` and later splits are (test22 to test34 set rounds' themes).
Since session 46 they are also trained on (:func:`training_parts`: about 12,900 lines a language
written by some forty writers who saw no result, which caught 0.9-2.1 points more of a held half
in 2-fold cross-fitting, ``bench/calibration_training.py``), so every bench that reads them
scores each half with a model fitted without it (``bench/screening_budget.py``). Sessions 14-23
used ``test.tsv`` to ``test11.tsv``; on the newer splits, run
and studied for fewer sessions, the budgets they picked checked in 1-2 points more often than
on them (session 23: 9.9% on test12-19 against 7.6-8.0%), so session 24 added ``test12.tsv`` to
``test21.tsv``. The same happened again (session 27: 9.2-9.8% in all on test-test21 at the
pick, 4.6-15.4% on test25, 12.3% and 15.4% in es and pl), so session 28 added ``test22.tsv`` to
``test25.tsv``, decided before any result of its model. Session 29 added ``test26.tsv``, whose
misses set round 43's themes, decided at its start; since then each session has added the
split written the session before, the same way (docs/screening.md, "What was tuned on what",
names each)."""

ROUND_RULE_SPLITS = CALIBRATION_SPLITS[CALIBRATION_SPLITS.index("test35"):]
"""The calibration splits ``bench/round_rule.py`` judges a new round of data on (session 41): the
ones no round was themed on (test22 to test34's misses set older rounds' themes, so those splits
reward a round that repeats a theme over one in new words: session 40's rule set aside en's and
pl's rounds 53-54, written with no themes, which raised the clean test38 by 2.7 and 0.9 points)
and on which no result of a round still to be judged has been seen (en's and pl's rounds 53-54
were run on test38 in session 40, so test38 was left out in session 41). A later split joins when
it joins :data:`CALIBRATION_SPLITS` and no round under judgment has been run on it: test38 and
test39 in session 42 (once rounds 53-56 were decided, no round still to be judged had been run on
them), which brings the hard negatives from 195 to 325 a language; test40 in session 43, test41 in
session 44, test42 in session 45, test43 in session 46, test44 in session 47, test45 in session 48,
test46 in session 49, test47 in session 50, test48 in session 51, test49 in session 52, test50 in
session 53 and test51 in session 54 (no round was themed on any of them), 1,105 hard negatives and
3,825 crisis messages a language. Since session
52 it is derived from :data:`CALIBRATION_SPLITS` (every one from test35 on), so the two move
together when a split joins: one edit, not two (session 49 left them apart)."""


def test_files(corpus_dir: Path, lang: str) -> list[Path]:
    """The frozen test splits of ``lang``, oldest first (``test.tsv``, ``test2.tsv`` ...)."""
    return sorted((p for p in (corpus_dir / lang).glob("*.tsv") if is_test_file(p)),
                  key=lambda p: (len(p.name), p.name))


def pool_files(corpus_dir: Path, lang: str) -> list[Path]:
    """The corpus's pool files of ``lang``, then the rules' dev set if there is one."""
    files = sorted(p for p in (corpus_dir / lang).glob("*.tsv") if not is_test_file(p))
    extra = corpus_dir.parent / RULES_DEV / f"dev.{lang}.tsv"
    return [*files, extra] if extra.exists() else files


def load_pool(corpus_dir: Path, lang: str, tests: Iterable[Example] | None = None) -> list[Example]:
    """The train pool of ``lang`` (every ``*.tsv`` but the test splits, and the rules' dev set),
    without any text that is in a test split (``tests``: their lines, if already read)."""
    test = {key(ex.text) for ex in (load_test(corpus_dir, lang) if tests is None else tests)}
    return [
        ex
        for p in pool_files(corpus_dir, lang)
        for ex in read_tsv(p, lang, base=corpus_dir.parent)
        if key(ex.text) not in test
    ]


def load_test(corpus_dir: Path, lang: str, name: str | None = None) -> list[Example]:
    """The frozen test splits of ``lang``, or only the file ``name`` (training reads the
    calibration splits through :func:`training_parts`; never train or tune on a clean one)."""
    return [
        ex
        for p in test_files(corpus_dir, lang)
        if name is None or p.name == name
        for ex in read_tsv(p, lang, base=corpus_dir.parent)
    ]


def _bucket(text: str) -> float:
    digest = hashlib.sha256(f"{SPLIT_SEED}\0{key(text)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split(pool: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, dev): :data:`DEV_SHARE` of the pool goes to dev, by a seeded hash of the text."""
    train: list[Example] = []
    dev: list[Example] = []
    for ex in pool:
        (dev if _bucket(ex.text) < DEV_SHARE else train).append(ex)
    return train, dev


@dataclass(frozen=True, slots=True)
class Parts:
    """What a model is fitted on: ``train`` (the pool's train part, then the calibration splits
    trained on), ``dev`` (the pool's dev part: what the bands are tuned on) and the hash of both."""

    train: list[Example]
    dev: list[Example]
    sha256: str


def training_parts(corpus_dir: Path, lang: str, leave_out: Iterable[str] = ()) -> Parts:
    """The pool split by :func:`split`, with the lines of :data:`CALIBRATION_SPLITS` (but the
    splits named in ``leave_out``) added to the train part whole: never to dev, whose negatives
    the check budget is a share of. A calibration line whose text is also in a clean split (one
    after them) is left out, as a pool line would be. ``leave_out`` is for the benches, which
    measure a calibration split with a model fitted without it."""
    tests = {p.stem: read_tsv(p, lang, base=corpus_dir.parent) for p in test_files(corpus_dir, lang)}
    pool = load_pool(corpus_dir, lang, (ex for lines in tests.values() for ex in lines))
    skip = set(leave_out)
    clean = {key(ex.text) for name, lines in tests.items() if name not in CALIBRATION_SPLITS for ex in lines}
    extra = [ex for name in CALIBRATION_SPLITS if name not in skip
             for ex in tests.get(name, ()) if key(ex.text) not in clean]
    train, dev = split(pool)
    return Parts([*train, *extra], dev, pool_hash([*pool, *extra]))


def corpus_hash(corpus_dir: Path, lang: str) -> str:
    """sha256 of what training reads: the train pool's texts and crisis labels, in order (after
    the test splits took out their texts), then the calibration splits'. Tags, comments, file
    names and new clean test lines that leave those as they were do not change it, so they need
    no retrain (and no new model file); a split joining :data:`CALIBRATION_SPLITS` does."""
    return training_parts(corpus_dir, lang).sha256


def pool_hash(pool: Iterable[Example]) -> str:
    """sha256 of the texts and crisis labels of ``pool``, in order (:func:`corpus_hash`)."""
    h = hashlib.sha256()
    for ex in pool:
        h.update(",".join(sorted(ex.labels)).encode() + b"\t" + ex.text.encode() + b"\n")
    return h.hexdigest()


def lint_corpus(corpus_dir: Path, base: Path) -> list[Problem]:
    """Malformed lines, unknown labels, and any text in both the test split and the pool."""
    problems: list[Problem] = []
    for lang in languages(corpus_dir):
        pool: list[Example] = []
        for p in pool_files(corpus_dir, lang):
            if not p.is_relative_to(corpus_dir):
                continue  # the rules' dev set is linted by its tests
            pool.extend(read_tsv(p, lang, problems, base))
        test = [ex for p in test_files(corpus_dir, lang) for ex in read_tsv(p, lang, problems, base)]
        problems.extend(_overlaps(test, pool))
    return sorted(problems, key=Problem.sort_key)


def _overlaps(test: Iterable[Example], pool: Iterable[Example]) -> list[Problem]:
    in_pool = {key(ex.text): ex for ex in pool}
    out = []
    for ex in test:
        other = in_pool.get(key(ex.text))
        if other is not None:
            out.append(
                Problem(
                    Place(ex.file, ex.line, 1),
                    f"this text is also in the train pool at {other.file}:{other.line}: a message "
                    "may be in one split only (remove it from the pool)",
                )
            )
    return out
