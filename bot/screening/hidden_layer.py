"""The learned stage's model: one hidden layer over TF-IDF-weighted n-grams and word pairs
(:mod:`bot.screening.features`), trained with row-sparse ("lazy") Adam in numpy.

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
embeddings): about 20 s a fit with the same held-out quality.

Deterministic: the seed fixes the first weights and the order of batches, and numpy runs it on
one thread (the caller pins threads, :func:`bot.screening.model.pin_threads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # (no stubs; a development dependency, via scikit-learn)

from bot.screening.model import Floats

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
    seen = np.zeros(d, dtype=bool)
    position = np.zeros(d, dtype=np.int32)
    step_count = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            xb, yb, size = x[rows], target[rows], len(rows)
            # the batch's distinct features, ascending, renumbered 0..k-1: only their rows of w1
            # take part (a mark per feature: cheaper than sorting the batch's indices)
            seen[xb.indices] = True
            cols = np.flatnonzero(seen)
            seen[cols] = False
            position[cols] = np.arange(len(cols), dtype=np.int32)
            data = xb.data
            if dropout:
                data = data * (rng.random(len(data), dtype=np.float32) >= dropout) / np.float32(1 - dropout)
            xs = sp.csr_matrix((data, position[xb.indices], xb.indptr), shape=(size, len(cols)))
            w1_rows = np.take(w1, cols, axis=0)  # take: a third of the time of w1[cols]
            h = np.maximum(xs @ w1_rows + b1, 0)
            p = 1 / (1 + np.exp(-np.clip(h @ w2 + b2, -30, 30)))
            dz = (p - yb) / size
            dh = (dz @ w2.T) * (h > 0)
            grads = [h.T @ dz, dh.sum(0), dz.sum(0)]
            g1 = np.asarray(xs.T @ dh, dtype=np.float32)
            step_count += 1
            step = float(lr * np.sqrt(1 - beta2**step_count) / (1 - beta1**step_count))
            for param, g, m, v in zip(small, grads, m_small, v_small, strict=True):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                param -= step * m / (np.sqrt(v) + eps)
            # Adam on the batch's rows, in place on the gathered copies (few temporaries)
            m_rows, v_rows = np.take(m1, cols, axis=0), np.take(v1, cols, axis=0)
            work = np.multiply(g1, g1)
            work *= 1 - beta2
            v_rows *= beta2
            v_rows += work
            g1 *= 1 - beta1
            m_rows *= beta1
            m_rows += g1
            np.sqrt(v_rows, out=work)
            work += eps
            np.divide(m_rows, work, out=work)
            work *= step
            w1_rows -= work
            m1[cols], v1[cols], w1[cols] = m_rows, v_rows, w1_rows
    return Net(w1, b1, w2, b2)
