"""A network with one hidden layer over the learned stage's TF-IDF features, trained with
row-sparse ("lazy") Adam in numpy: ``bench/screening_rounds.py --mlp``. Not shipped yet.

    >>> net = fit(x, y, hidden=64, epochs=10)        # doctest: +SKIP
    >>> net.predict(x_held)                          # doctest: +SKIP

One hidden layer of ReLU units shared by every head (a sigmoid output per head), fitted on the
mean binary cross-entropy of all heads. Session 19 found it the first model since session 4's
stem pairs to move the held-out figures by more than their noise (docs/screening-history.md).

Why not scikit-learn's ``MLPClassifier``: its Adam step updates every row of the first layer's
weights (about 165,000 features x 64 units) after every batch, and a fit took 5-7 minutes on one
thread. A batch of 128 messages has only a few thousand distinct features, so here only their
rows are read, moved and written back (their Adam moments too: lazy Adam, as in sparse
embeddings), and a fit of 10 passes takes about half a minute with the same held-out quality.
Deterministic: the seed fixes the first weights and the order of batches, and numpy runs it on
one thread (the caller pins threads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from bot.screening.model import Floats

__all__ = ["Net", "fit"]


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


def fit(
    x: sp.csr_matrix,
    y: npt.NDArray[Any],
    *,
    hidden: int = 64,
    epochs: int = 10,
    batch: int = 128,
    lr: float = 1e-3,
    alpha: float = 1e-4,
    seed: int = 0,
) -> Net:
    """Fit on ``x`` (rows: messages, CSR) and ``y`` (rows: messages, columns: heads, 0/1).

    ``alpha`` is an L2 penalty on the weights (not the biases), applied to the rows a batch
    touches, scaled by the batch's share of the data."""
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
    step_count = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            xb, yb, size = x[rows], target[rows], len(rows)
            decay = alpha * size / n
            # the batch's distinct features, renumbered 0..k-1: only their rows of w1 take part
            cols, inverse = np.unique(xb.indices, return_inverse=True)
            xs = sp.csr_matrix((xb.data, inverse.astype(np.int32), xb.indptr), shape=(size, len(cols)))
            w1_rows = w1[cols]
            h = np.maximum(xs @ w1_rows + b1, 0)
            p = 1 / (1 + np.exp(-np.clip(h @ w2 + b2, -30, 30)))
            dz = (p - yb) / size
            dh = (dz @ w2.T) * (h > 0)
            grads = [h.T @ dz + decay * w2, dh.sum(0), dz.sum(0)]
            g1 = xs.T @ dh + decay * w1_rows
            step_count += 1
            step = lr * np.sqrt(1 - beta2**step_count) / (1 - beta1**step_count)
            for param, g, m, v in zip(small, grads, m_small, v_small, strict=True):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                param -= step * m / (np.sqrt(v) + eps)
            m_rows, v_rows = m1[cols], v1[cols]
            m_rows *= beta1
            m_rows += (1 - beta1) * g1
            v_rows *= beta2
            v_rows += (1 - beta2) * g1 * g1
            m1[cols], v1[cols] = m_rows, v_rows
            w1[cols] = w1_rows - step * m_rows / (np.sqrt(v_rows) + eps)
    return Net(w1, b1, w2, b2)
