"""The learned stage's pair features by number: ``b:`` word pairs, ``p:`` stem pairs and ``s:``
stem pairs one word apart (:func:`bot.screening.features.pair_features`) as int64 keys in one
sorted array, found with ``np.searchsorted``.

    >>> keys = PairKeys(["b:i want", "p:i want", "s:i to", "w:i"])
    >>> keys.lookup([keys.word_id("i"), keys.word_id("want")],
    ...             [keys.stem_id("i"), keys.stem_id("want"), keys.stem_id("to")]).tolist()
    [0, 1, 2]

Each word (or stem) that some pair of the vocabulary names gets a number; a pair of numbers
``(a, b)`` is the key ``offset + a * base + b``, where ``base`` is one more than the numbers
given, so a word no pair names (number ``base - 1``) makes keys no pair has: unknown pairs are
dropped without building their names. Before session 22 each of a message's ~3 pairs a word
was looked up by its name (``f"b:{a} {b}"``) in a dict of ~120,000 strings: about a fifth of
the whole screener's time. Built from the vocabulary at load (no file format change), from the
corpus's words only: nothing a user types is kept.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["PAIR_KINDS", "PairKeys", "is_pair"]

Ints = npt.NDArray[np.int64]


PAIR_KINDS = ("b:", "p:", "s:")


def is_pair(feature: str) -> bool:
    """A pair feature: a kind of :data:`PAIR_KINDS` and two tokens (features.py writes no other
    pair; a word's own features have no space)."""
    return feature[:2] in PAIR_KINDS and feature.count(" ") == 1


class PairKeys:
    """The pair features of one vocabulary (sorted or not), by number."""

    def __init__(self, vocab: Sequence[str]) -> None:
        words: dict[str, int] = {}
        stems: dict[str, int] = {}
        # per kind: each pair's two numbers and its vocabulary index, in compact int64 arrays
        # (lists of the pairs' names cost 25 MB at the peak of a start-up)
        pairs = {k: (array("q"), array("q"), array("q")) for k in PAIR_KINDS}
        for i, f in enumerate(vocab):
            if not is_pair(f):
                continue
            kind = f[:2]
            some = pairs[kind]
            a, _, b = f[2:].partition(" ")
            ids = words if kind == "b:" else stems
            some[0].append(ids.setdefault(a, len(ids)))
            some[1].append(ids.setdefault(b, len(ids)))
            some[2].append(i)
        self._words = words
        self._stems = stems
        self.unknown_word = len(words)
        self.unknown_stem = len(stems)
        self.word_base = len(words) + 1
        self.stem_base = len(stems) + 1
        self._p_offset = self.word_base**2
        self._s_offset = self._p_offset + self.stem_base**2
        offsets = {"b:": 0, "p:": self._p_offset, "s:": self._s_offset}
        all_keys: list[Ints] = []
        all_features: list[Ints] = []
        for kind, (firsts, seconds, where) in pairs.items():
            base = self.word_base if kind == "b:" else self.stem_base
            a_ids, b_ids = np.frombuffer(firsts, dtype=np.int64), np.frombuffer(seconds, dtype=np.int64)
            all_keys.append(offsets[kind] + a_ids * base + b_ids)
            all_features.append(np.frombuffer(where, dtype=np.int64))
        keys = np.concatenate(all_keys)
        order = np.argsort(keys, kind="stable")
        self._keys: Ints = keys[order]
        self._features: npt.NDArray[np.intp] = np.concatenate(all_features)[order].astype(np.intp)
        if len(keys) > 1 and not np.all(self._keys[1:] != self._keys[:-1]):
            raise ValueError("a pair feature is in the vocabulary twice")

    def word_id(self, token: str) -> int:
        """``token``'s number among the words of ``b:`` pairs (:attr:`unknown_word` if none)."""
        return self._words.get(token, self.unknown_word)

    def stem_id(self, stem: str) -> int:
        """``stem``'s number among the stems of ``p:`` and ``s:`` pairs (:attr:`unknown_stem`)."""
        return self._stems.get(stem, self.unknown_stem)

    def lookup(self, word_ids: Iterable[int], stem_ids: Iterable[int]) -> npt.NDArray[np.intp]:
        """The vocabulary indices of the pair features of a message whose tokens have these word
        and stem numbers, in no particular order (repeats kept)."""
        w = np.fromiter(word_ids, dtype=np.int64)
        s = np.fromiter(stem_ids, dtype=np.int64)
        if len(w) < 2 or not len(self._keys):
            return np.zeros(0, dtype=np.intp)
        keys = np.concatenate(
            [
                w[:-1] * self.word_base + w[1:],
                self._p_offset + s[:-1] * self.stem_base + s[1:],
                self._s_offset + s[:-2] * self.stem_base + s[2:],
            ]
        )
        pos = np.searchsorted(self._keys, keys)
        np.minimum(pos, len(self._keys) - 1, out=pos)
        found: npt.NDArray[np.intp] = self._features[pos[self._keys[pos] == keys]]
        return found
