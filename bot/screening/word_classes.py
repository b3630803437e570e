"""Word classes: words the learned stage reads as one kind of thing, as well as each word itself.

``locale/<lang>/screening_words.yaml`` maps a class name to its words::

    height:
      - bridge
      - cliff
      - quarr*      # any word that starts so: quarry, quarries

A word of a class gives the model, beside its own n-grams, the feature ``c:<class>``: a word the
pool rarely or never holds ("overpass") then shares what training taught about its class's
common words ("bridge"). Entries are folded as the phrases and the model fold text (lower case,
no accents, letter runs squeezed: "cliff" is read as "clif"), one word each; a trailing ``*``
makes a prefix, for inflected forms (Finnish "sillalta", Polish "moście").

Training stores the classes in the model file (``word_classes``: one ``class<TAB>entry`` string
each), so the model reads text with the classes it was trained with; the lint warns when the
file and the model differ (run ``train-screener``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.errors import ContentError
from bot.problems import Place, Problem, display_path
from bot.screening.features import char_ngrams, fold_words
from bot.yamlsource import YamlError, decode_yaml

__all__ = ["MIN_PREFIX", "WORDS_FILE", "WordClasses", "class_entries", "lint_words", "read_words_file"]

WORDS_FILE = "screening_words.yaml"
MIN_PREFIX = 4
"""A prefix entry needs this many letters once folded (``kid*`` would also read "kidney")."""


def class_entries(data: Any, name: str) -> list[tuple[str, str]]:
    """``(class, entry)`` pairs of a words file's YAML, in file order; a ``ContentError`` naming
    ``name`` if it is not a mapping of class names to lists of strings."""
    if not isinstance(data, Mapping):
        raise ContentError(f"{name}: expected a mapping of word classes to lists of words")
    out: list[tuple[str, str]] = []
    for cls, entries in data.items():
        if not isinstance(cls, str) or not cls.replace("_", "").isalnum():
            raise ContentError(f"{name}: class name {cls!r} must be letters, digits and underscores")
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ContentError(f"{name}: {cls}: expected a list of words")
        out.extend((cls, e) for e in entries)
    return out


def read_words_file(path: Path) -> list[tuple[str, str]]:
    """The ``(class, entry)`` pairs of a ``screening_words.yaml``."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ContentError(f"{path}: {err}") from err
    return class_entries(data, str(path))


def fold_entry(entry: str) -> tuple[str, bool] | None:
    """An entry folded as a token, and whether it is a prefix; ``None`` if it is not one word
    once folded (or a prefix shorter than :data:`MIN_PREFIX`)."""
    prefix = entry.endswith("*")
    toks = fold_words(entry[:-1] if prefix else entry)
    if len(toks) != 1 or (prefix and len(toks[0]) < MIN_PREFIX):
        return None
    return toks[0], prefix


class WordClasses:
    """The classes of a folded token: ``of("quary")`` -> ``["c:height"]``."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.entries: tuple[tuple[str, str], ...] = tuple(entries)
        exact: dict[str, set[str]] = {}
        prefixes: dict[str, set[str]] = {}
        for cls, entry in self.entries:
            folded = fold_entry(entry)
            if folded is None:
                continue  # the lint names it
            word, is_prefix = folded
            (prefixes if is_prefix else exact).setdefault(word, set()).add(f"c:{cls}")
        self._exact = exact
        self._prefixes = prefixes
        self._lengths = sorted({len(p) for p in prefixes})

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefixes)

    def of(self, token: str) -> list[str]:
        """The class features of a folded token, sorted (none for most words)."""
        found = self._exact.get(token)
        for n in self._lengths:
            if n > len(token):
                break
            more = self._prefixes.get(token[:n])
            if more:
                found = more if found is None else found | more
        return sorted(found) if found else []

    def token_features(self, token: str) -> list[str]:
        """A token's own features: :func:`char_ngrams`, then its classes."""
        return [*char_ngrams(token), *self.of(token)]

    def to_array(self) -> npt.NDArray[np.str_]:
        """For the model file: ``class<TAB>entry`` each, in file order."""
        return np.array([f"{cls}\t{entry}" for cls, entry in self.entries], dtype=np.str_)

    @classmethod
    def from_array(cls, array: Any) -> WordClasses:
        pairs = [str(s).split("\t", 1) for s in np.asarray(array).tolist()]
        return cls((c, e) for c, e in pairs)


def lint_words(locale_dir: Path, base: Path, model_file: str) -> list[Problem]:
    """Every problem of the ``screening_words.yaml`` files under ``locale_dir``, placed: not a
    mapping of classes to lists of words, an entry that is not one word once folded or a prefix
    too short, an entry twice in a class; and a warning where the language's model was trained
    with other classes than the file holds (run ``train-screener``)."""
    problems: list[Problem] = []
    if not locale_dir.is_dir():
        return problems
    for lang_dir in sorted(p for p in locale_dir.iterdir() if p.is_dir()):
        path = lang_dir / WORDS_FILE
        if not path.exists():
            continue
        name = display_path(path, base)
        try:
            src = decode_yaml(path.read_bytes(), name)
        except YamlError as err:
            problems.append(err.problem)
            continue
        try:
            entries = class_entries(src.data, name)
        except ContentError as err:
            problems.append(Problem(src.place(), str(err).removeprefix(f"{name}: ")))
            continue
        seen: set[tuple[str, str]] = set()
        index: dict[str, int] = {}
        for cls, entry in entries:
            i = index[cls] = index.get(cls, -1) + 1
            place = src.place((cls, i))
            if fold_entry(entry) is None:
                problems.append(Problem(place, f"{cls}: {entry!r} is not one word once folded, or is a prefix "
                                        f"of fewer than {MIN_PREFIX} letters (the model reads one word at a time)"))
            elif (cls, entry) in seen:
                problems.append(Problem(place, f"{cls}: {entry!r} is listed twice", "warning"))
            seen.add((cls, entry))
        model = lang_dir / model_file
        if model.exists() and _model_entries(model) != entries:
            problems.append(Problem(
                Place(name),
                f"{display_path(model, base)} was trained with other word classes than this file holds: "
                "run train-screener",
                "warning",
            ))
    return problems


def _model_entries(model: Path) -> list[tuple[str, str]] | None:
    """The word classes a model file was trained with (``None`` for none or an unreadable file)."""
    try:
        with np.load(model, allow_pickle=False) as data:
            if "word_classes" not in data.files:
                return None
            return list(WordClasses.from_array(data["word_classes"]).entries)
    except (OSError, ValueError):
        return None
