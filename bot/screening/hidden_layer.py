"""The learned stage's model: one hidden layer over TF-IDF-weighted n-grams and word pairs
(:mod:`bot.screening.features`), trained with row-sparse ("lazy") Adam, its two inner loops
compiled with numba.

    >>> net = fit(x, y, hidden=64, epochs=10)        # doctest: +SKIP
    >>> net.predict(x_held)                          # doctest: +SKIP
    >>> quantize(net.w1)                             # the int8 rows and their scales, as shipped

One layer of ReLU units shared by every head (a sigmoid output per head), fitted on the mean
binary cross-entropy of all heads. It learns what a weighted sum of n-grams cannot: which words
together make a crisis ("a 13 yr old" and "messaging", "the pills" and "took"). Session 19 found
it the first model since session 4's stem pairs to move the held-out figures by more than their
noise; session 20 shipped it, averaged with n-gram regressions, and session 23 alone
(docs/screening.md).

Why not scikit-learn's ``MLPClassifier``: its Adam step updates every row of the first layer's
weights (about 150,000 features x 64 units) after every batch, and a fit took 5-7 minutes on one
thread. A batch of 128 messages has only some thousands of distinct features, so here only their
rows are read, moved and written back (their Adam moments too: lazy Adam, as in sparse
embeddings): about 20 s a fit with the same held-out quality, in numpy (sessions 19-23).

Why numba: numpy had to gather each of the three arrays' rows (weights, and Adam's two moments),
make a temporary for each operation and scatter the rows back, and build a renumbered CSR matrix
for every batch: two thirds of a fit went to moving memory. :func:`_sums` reads the batch's rows
of the weights where they are, and :func:`_adam_first_layer` sums the gradient and steps Adam in
one pass. Same operations in the same order as the numpy trainer, so the same weights to the bit
(session 24 refitted the shipped models and got the same files); the tests keep the numpy trainer
to compare.

Deterministic: the seed fixes the first weights and the order of batches, and numpy runs it on
one thread (the caller pins threads, :func:`bot.screening.model.pin_threads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba  # a development dependency, for training
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # (no stubs; a development dependency, via scikit-learn)

from bot.screening.model import Floats

Ints = npt.NDArray[np.int64]

__all__ = ["Net", "fit", "quantize"]


@dataclass
class Net:
    w1: Floats
    """features x hidden"""
    b1: Floats
    w2: Floats
    """hidden x heads"""
    b2: Floats

    def predict(self, x: Any) -> Floats:
        """Each head's probability on each row of ``x`` (sparse, the training features)."""
        h = np.maximum(x @ self.w1 + self.b1, 0)
        return np.asarray(1 / (1 + np.exp(-np.clip(h @ self.w2 + self.b2, -30, 30))), dtype=np.float32)


def quantize(w: Floats) -> tuple[npt.NDArray[np.int8], Floats]:
    """``w``'s rows as int8 and one float32 scale a row (``w ~ q * scale[:, None]``): a quarter
    of the memory (10 MB a language instead of 40), and a message's scores move by less than a
    thousandth (the tests measure it). A row of zeros gets scale 0."""
    peak = np.abs(w).max(axis=1)
    scale = (peak / 127.0).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1.0))
    q = np.clip(np.rint(w / safe[:, None]), -127, 127).astype(np.int8)
    return q, scale


# "numpy": no zero-division checks, so the loops vectorise; cache: compiled once on a machine,
# not again in every training process (3.7 s each)
@numba.njit(error_model="numpy", cache=True)
def _sums(
    indptr: Ints, indices: Ints, data: Floats, rows: Ints, keep: Floats, scale: np.float32, w1: Floats
) -> tuple[Floats, Floats]:
    """``x[rows] @ w1``, each input ``data * keep / scale`` (dropout), summed in the order of
    scipy's CSR product (the same float32 result), reading ``w1``'s rows where they are; and
    those inputs, in the batch's order (what :func:`_adam_first_layer` reads)."""
    sums = np.zeros((len(rows), w1.shape[1]), np.float32)
    inputs = np.empty(len(keep), np.float32)
    k = 0
    for i in range(len(rows)):
        for jj in range(indptr[rows[i]], indptr[rows[i] + 1]):
            a = data[jj] * keep[k] / scale
            inputs[k] = a
            k += 1
            c = indices[jj]
            for u in range(w1.shape[1]):
                sums[i, u] += a * w1[c, u]
    return sums, inputs


@numba.njit(error_model="numpy", cache=True)
def _adam_first_layer(
    indptr: Ints, indices: Ints, rows: Ints, inputs: Floats, dh: Floats,
    w1: Floats, m1: Floats, v1: Floats, slot: Ints,
    step: np.float32, beta1: np.float32, beta2: np.float32, c1: np.float32, c2: np.float32, eps: np.float32,
) -> None:
    """The first layer's gradient on the features the batch's ``rows`` have (``x[rows].T @ dh``
    with :func:`_sums`'s ``inputs``, summed in scipy's CSC order), then one Adam step on those
    rows of ``w1`` (their moments in ``m1`` and ``v1``), in place. ``slot``: -1 for every
    feature, as it is left again. ``c1``, ``c2``: ``1 - beta1``, ``1 - beta2`` rounded to
    float32, as numpy rounds them: the same float32 operations in the same order as numpy's
    whole-array Adam, so the same weights to the bit (tests/test_hidden_layer.py)."""
    units = w1.shape[1]
    cols = np.empty(len(inputs), np.int64)
    found = 0
    for i in range(len(rows)):
        for jj in range(indptr[rows[i]], indptr[rows[i] + 1]):
            c = indices[jj]
            if slot[c] < 0:
                slot[c] = found
                cols[found] = c
                found += 1
    g = np.zeros((found, units), np.float32)
    k = 0
    for i in range(len(rows)):
        for jj in range(indptr[rows[i]], indptr[rows[i] + 1]):
            s = slot[indices[jj]]
            a = inputs[k]
            k += 1
            for u in range(units):
                g[s, u] += a * dh[i, u]
    for s in range(found):
        r = cols[s]
        slot[r] = -1
        for u in range(units):
            gu = g[s, u]
            vu = v1[r, u] * beta2 + (gu * gu) * c2
            mu = m1[r, u] * beta1 + gu * c1
            v1[r, u] = vu
            m1[r, u] = mu
            w1[r, u] -= (mu / (np.sqrt(vu) + eps)) * step


def fit(
    x: sp.csr_matrix,
    y: npt.NDArray[Any],
    *,
    hidden: int = 64,
    epochs: int = 10,
    batch: int = 128,
    lr: float = 1e-3,
    seed: int = 0,
    dropout: float = 0.0,
) -> Net:
    """Fit on ``x`` (rows: messages, CSR) and ``y`` (rows: messages, columns: heads, 0/1);
    ``dropout``: the share of a batch's input features zeroed at each step (the rest scaled up)."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    rng = np.random.default_rng(seed)
    n, d = x.shape
    heads = y.shape[1]
    lim1 = np.sqrt(6 / (d + hidden))
    lim2 = np.sqrt(6 / (hidden + heads))
    w1 = rng.uniform(-lim1, lim1, (d, hidden)).astype(np.float32)
    w2 = rng.uniform(-lim2, lim2, (hidden, heads)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    b2 = np.zeros(heads, np.float32)
    m1, v1 = np.zeros_like(w1), np.zeros_like(w1)
    small = [w2, b1, b2]
    m_small = [np.zeros_like(p) for p in small]
    v_small = [np.zeros_like(p) for p in small]
    target = y.astype(np.float32)
    x = sp.csr_matrix(x, dtype=np.float32)
    indptr, indices, data = x.indptr.astype(np.int64), x.indices.astype(np.int64), x.data
    lengths = np.diff(indptr)
    slot = np.full(d, -1, dtype=np.int64)
    scale = np.float32(1 - dropout)
    f32 = np.float32
    step_count = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            yb, size = target[rows], len(rows)
            nnz = int(lengths[rows].sum())
            # dropout's draw, one a feature of each row (the same stream as sessions 22-23's trainer)
            if dropout:
                keep = (rng.random(nnz, dtype=np.float32) >= dropout).astype(np.float32)
            else:
                keep = np.ones(nnz, np.float32)
            sums, inputs = _sums(indptr, indices, data, rows, keep, scale, w1)
            h = np.maximum(sums + b1, 0)
            p = 1 / (1 + np.exp(-np.clip(h @ w2 + b2, -30, 30)))
            dz = (p - yb) / size
            dh = (dz @ w2.T) * (h > 0)
            grads = [h.T @ dz, dh.sum(0), dz.sum(0)]
            step_count += 1
            step = float(lr * np.sqrt(1 - beta2**step_count) / (1 - beta1**step_count))
            for param, g, m, v in zip(small, grads, m_small, v_small, strict=True):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                param -= step * m / (np.sqrt(v) + eps)
            _adam_first_layer(indptr, indices, rows, inputs, dh, w1, m1, v1, slot,
                              f32(step), f32(beta1), f32(beta2), f32(1 - beta1), f32(1 - beta2), f32(eps))
    return Net(w1, b1, w2, b2)
