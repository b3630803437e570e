"""The hidden layer's trainer (:mod:`bot.screening.hidden_layer`, the learned stage's second model):
it learns what no linear model can, only moves the rows a batch has, and is deterministic."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bot.screening.hidden_layer import fit


def _xor(n: int = 400) -> tuple[sp.csr_matrix, np.ndarray]:
    """Features 0 and 1 each on in half the rows, at random; the head is on when exactly one is
    (a crisis word with or without the word that makes it someone else's): no weighted sum of
    the two separates it. Feature 2 is always on (a bias the data carries), features 3-9 never."""
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    dense = np.zeros((n, 10), dtype=np.float32)
    dense[:, 0], dense[:, 1], dense[:, 2] = a, b, 1.0
    return sp.csr_matrix(dense), (a ^ b).reshape(-1, 1).astype(np.int8)


def test_it_learns_an_interaction_a_linear_model_cannot() -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = _xor()
    net = fit(x, y, hidden=8, epochs=60, batch=32, lr=0.02)
    net_right = float(((net.predict(x)[:, 0] > 0.5) == y[:, 0]).mean())
    linear_right = float(LogisticRegression().fit(x, y[:, 0]).score(x, y[:, 0]))
    assert net_right > 0.98
    assert linear_right < 0.8


def test_rows_of_features_no_message_has_never_move() -> None:
    x, y = _xor()
    before = fit(x, y, hidden=8, epochs=0).w1
    after = fit(x, y, hidden=8, epochs=5, batch=32, lr=0.02).w1
    assert np.array_equal(before[3:], after[3:])
    assert not np.array_equal(before[:3], after[:3])


def test_the_same_data_and_seed_give_the_same_weights() -> None:
    x, y = _xor()
    one, two = fit(x, y, hidden=8, epochs=3, seed=1), fit(x, y, hidden=8, epochs=3, seed=1)
    other = fit(x, y, hidden=8, epochs=3, seed=2)
    assert np.array_equal(one.w1, two.w1) and np.array_equal(one.w2, two.w2)
    assert not np.array_equal(one.w1, other.w1)


def test_dropout_is_seeded_changes_the_fit_and_still_learns() -> None:
    x, y = _xor()
    one = fit(x, y, hidden=8, epochs=3, seed=1, dropout=0.4)
    two = fit(x, y, hidden=8, epochs=3, seed=1, dropout=0.4)
    plain = fit(x, y, hidden=8, epochs=3, seed=1)
    assert np.array_equal(one.w1, two.w1) and np.array_equal(one.w2, two.w2)
    assert not np.array_equal(one.w1, plain.w1)
    # on the two features that matter the dropped inputs are noise it learns through (scaled up
    # by 1 / (1 - dropout), so the expected input stays the same)
    net = fit(x, y, hidden=16, epochs=80, batch=32, lr=0.02, dropout=0.2)
    assert float(((net.predict(x)[:, 0] > 0.5) == y[:, 0]).mean()) > 0.9


def _numpy_fit(
    x: sp.csr_matrix, y: np.ndarray, *, hidden: int, epochs: int, batch: int, lr: float = 1e-3, seed: int = 0,
    dropout: float = 0.0,
) -> tuple[np.ndarray, ...]:
    """Sessions 19-23's trainer, numpy only (gather the batch's rows, renumber its features,
    scipy's products, Adam on gathered copies, scatter back): what the compiled one must equal."""
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
    return w1, b1, w2, b2


def _sparse_messages(n: int = 300, d: int = 2000) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows like TF-IDF n-grams: 5-60 features each, a few common ones, positive weights."""
    rng = np.random.default_rng(11)
    rows = []
    for _ in range(n):
        k = int(rng.integers(5, 60))
        cols = np.unique(np.concatenate([rng.integers(0, 30, 3), rng.integers(0, d, k)]))
        row = np.zeros(d, np.float32)
        row[cols] = rng.random(len(cols), dtype=np.float32)
        rows.append(row)
    y = rng.integers(0, 2, (n, 3)).astype(np.int8)
    return sp.csr_matrix(np.array(rows)), y


@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_the_compiled_trainer_gives_numpys_weights_to_the_bit(dropout: float) -> None:
    x, y = _sparse_messages()
    net = fit(x, y, hidden=16, epochs=3, batch=32, seed=5, dropout=dropout)
    reference = _numpy_fit(x, y, hidden=16, epochs=3, batch=32, seed=5, dropout=dropout)
    assert not np.array_equal(net.w1, fit(x, y, hidden=16, epochs=0, seed=5).w1)
    for got, want in zip((net.w1, net.b1, net.w2, net.b2), reference, strict=True):
        assert np.array_equal(got, want)
