"""Compare learned-stage candidates on the dev part of the corpus (the measurement behind the
choice in docs/screening.md): n-grams alone, sentence embeddings alone, and their average.

    .venv/bin/python bench/screening_models.py [--corpus corpus]

For each candidate and language: the threshold per category that catches 97% of dev messages
of that category, and at those thresholds the share of dev negatives that would be checked in,
plus the average precision per category. Tuned and measured on dev only, so the figures only
compare candidates; never reads a test split.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening.corpus import languages, load_pool, split  # noqa: E402
from bot.screening.features import ngrams  # noqa: E402
from bot.screening.model import load_embedder, pin_threads  # noqa: E402
from bot.screening.rules import CATEGORIES, PhraseRules  # noqa: E402
from bot.screening.train import TrainConfig, _fit, embed_all  # noqa: E402


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def threshold_for(p: np.ndarray, y: np.ndarray, ruled: np.ndarray, recall: float) -> float:
    """The highest threshold at which rules or model catch ``recall`` of the positives."""
    need = int(np.ceil(recall * int(y.sum()))) - int((ruled & (y == 1)).sum())
    rest = np.sort(p[(y == 1) & ~ruled])[::-1]
    if need <= 0 or len(rest) == 0:
        return 1.0
    return float(rest[min(need, len(rest)) - 1])


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(y, p)) if y.any() else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--recall", type=float, default=0.97)
    parser.add_argument("--ngram-c", type=float, nargs="+", default=[TrainConfig().ngram_c])
    parser.add_argument("--embedding-c", type=float, default=TrainConfig().embedding_c)
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer

    pin_threads()
    cfg = TrainConfig()
    embedder = load_embedder()
    for lang in languages(args.corpus):
        train, dev = split(load_pool(args.corpus, lang))
        print(f"\n== {lang}: train {len(train)}, dev {len(dev)}")
        vec = TfidfVectorizer(analyzer=ngrams, min_df=cfg.min_df, sublinear_tf=True, dtype=np.float32)
        xt = vec.fit_transform([e.text for e in train])
        xd = vec.transform([e.text for e in dev])
        t0 = time.perf_counter()
        et = embed_all(embedder, [e.text for e in train])
        ed = embed_all(embedder, [e.text for e in dev])
        print(f"embedded {len(train) + len(dev)} in {time.perf_counter() - t0:.1f} s")
        neg = np.array([not e.labels for e in dev])
        rules = PhraseRules.from_dir(ROOT / "locale", base=ROOT)
        hits = [rules.screen(e.text, lang) for e in dev]
        ruled_any = np.array([bool(h) for h in hits])
        recall = {
            c: np.mean([c in h for e, h in zip(dev, hits, strict=True) if c in e.labels])
            for c in CATEGORIES
            if any(c in e.labels for e in dev)
        }
        rate = ruled_any[neg].mean() if neg.any() else 0.0
        print(f"rules alone: negatives hit {rate:.3f}, " + "  ".join(f"{c[:8]} {r:.3f}" for c, r in recall.items()))
        probs: dict[str, dict[str, np.ndarray]] = {"embedding": {}}
        for cat in CATEGORIES:
            yt = np.array([cat in e.labels for e in train], dtype=np.int8)
            w2, b2 = _fit(et, yt, args.embedding_c, cfg.max_iter)
            probs["embedding"][cat] = sigmoid(ed @ w2 + b2)
            for c in args.ngram_c:
                w, b = _fit(xt, yt, c, cfg.max_iter)
                probs.setdefault(f"ngram C={c:g}", {})[cat] = sigmoid(xd @ w + b)
                probs.setdefault(f"average C={c:g}", {})[cat] = (
                    probs[f"ngram C={c:g}"][cat] + probs["embedding"][cat]
                ) / 2
        for name, per in probs.items():
            flagged = ruled_any.copy()
            cells = []
            for cat in CATEGORIES:
                y = np.array([cat in e.labels for e in dev], dtype=np.int8)
                ruled = np.array([cat in h for h in hits])
                t = threshold_for(per[cat], y, ruled, args.recall)
                flagged |= per[cat] >= t
                cells.append(f"{cat[:8]} AP {average_precision(per[cat], y):.3f} t {t:.2f}")
            rate = flagged[neg].mean() if neg.any() else 0.0
            print(f"{name:<14} rules+model, negatives flagged at {args.recall:.0%} recall: {rate:.3f}  | ", end="")
            print("  ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
