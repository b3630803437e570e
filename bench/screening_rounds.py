"""Leave-one-round-out validation of the learned stage: how it does on wording nobody it learned
from wrote (the measurement behind the feature and C choices in docs/screening.md).

    .venv/bin/python bench/screening_rounds.py [--lang en es] [--c 30] [--no-stems]

The pool was written in rounds (``suicide.tsv``, ``suicide_more.tsv``, ``suicide_r2.tsv`` ...,
``longer_r4.tsv``), each by other people at another time. For each round: train the n-gram
model on every other round (the shipped :class:`TrainConfig`, or ``--c``), score the round, and
report the share of its crisis messages the model ranks above the top 2% and 10% of the round's
own negatives (mostly hard negatives), without the phrase rules (which were written looking at
the pool). Per category at 10%. The thresholds are the round's own, so the figures compare
models; they are not what a user meets (``screening_report.py`` is). Never reads a test split.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening.corpus import Example, languages, load_pool  # noqa: E402
from bot.screening.features import char_ngrams, fold_words, ngrams  # noqa: E402
from bot.screening.model import pin_threads  # noqa: E402
from bot.screening.rules import ANY, CATEGORIES  # noqa: E402
from bot.screening.train import TrainConfig, _fit  # noqa: E402


def round_of(ex: Example) -> str:
    """``more``, ``r2`` ... from the file name; ``base`` for the first round's files."""
    m = re.search(r"_(more|r\d+)\.tsv$", ex.file)
    return m.group(1) if m else "base"


def without_stems(text: str) -> list[str]:
    """The features before stem pairs: word pairs and character n-grams only."""
    toks = fold_words(text)
    out = [f"b:{a} {b}" for a, b in pairwise(toks)]
    for t in toks:
        out.extend(char_ngrams(t))
    return out


def held_out_scores(
    train: Sequence[Example], held: Sequence[Example], analyzer: Callable[[str], list[str]], c: float
) -> np.ndarray:
    """The highest probability of any head on each held-out message."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=analyzer, min_df=TrainConfig().min_df, sublinear_tf=True, dtype=np.float32)
    x = vec.fit_transform([ex.text for ex in train])
    xt = vec.transform([ex.text for ex in held])
    best = np.zeros(len(held))
    for head in (*CATEGORIES, ANY):
        y = np.array([bool(ex.labels) if head == ANY else head in ex.labels for ex in train], dtype=np.int8)
        w, b = _fit(x, y, c, TrainConfig().max_iter)
        best = np.maximum(best, 1.0 / (1.0 + np.exp(-np.clip(xt @ w + b, -30, 30))))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="+")
    parser.add_argument("--c", type=float, default=TrainConfig().ngram_c)
    parser.add_argument("--no-stems", action="store_true", help="features without the stem pairs")
    args = parser.parse_args()
    pin_threads()
    analyzer = without_stems if args.no_stems else ngrams
    corpus = ROOT / "corpus"
    for lang in args.lang or languages(corpus):
        t0 = time.perf_counter()
        pool = load_pool(corpus, lang)
        hits: dict[str, list[float]] = {"2%": [], "10%": []}
        per_cat: dict[str, list[bool]] = {c: [] for c in CATEGORIES}
        rounds = []
        for r in sorted({round_of(ex) for ex in pool}):
            held = [ex for ex in pool if round_of(ex) == r]
            s = held_out_scores([ex for ex in pool if round_of(ex) != r], held, analyzer, args.c)
            pos = np.array([bool(ex.labels) for ex in held])
            if not pos.any() or pos.all():
                continue
            for share in hits:
                t = np.quantile(s[~pos], 1 - float(share[:-1]) / 100)
                hits[share].extend((s[pos] > t).tolist())
            t10 = np.quantile(s[~pos], 0.9)
            rounds.append(f"{r} {float((s[pos] > t10).mean()):.3f}")
            for ex, v in zip(held, s, strict=True):
                for cat in ex.labels:
                    per_cat[cat].append(bool(v > t10))
        cats = "  ".join(f"{c} {np.mean(v):.2f}" for c, v in per_cat.items() if v)
        print(
            f"{lang}: crisis ranked above the top 2% of negatives {np.mean(hits['2%']):.3f}, "
            f"10% {np.mean(hits['10%']):.3f}  ({time.perf_counter() - t0:.0f} s, C={args.c:g}"
            f"{', no stems' if args.no_stems else ''})\n  by round: {', '.join(rounds)}\n  by category: {cats}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
