"""The hidden layer's trainer (:mod:`bot.screening.hidden_layer`, the learned stage's second model):
it learns what no linear model can, only moves the rows a batch has, and is deterministic."""

from __future__ import annotations

import numpy as np
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
