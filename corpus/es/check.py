"""Check the Spanish screening corpus: format, labels, duplicates, test/pool overlap.

Usage: python corpus/es/check.py   (prints counts per label and per file; exit 1 on a problem)

It also warns (without failing) about pool lines that are near-copies of a test line
(character similarity >= 0.9 after the same normalisation), so the test split stays unseen.
"""

from __future__ import annotations

import collections
import difflib
import pathlib
import re
import sys
import unicodedata

LABELS = {"suicide", "child_at_risk", "minor", "abused", "distress", "urge", "lapse"}
HERE = pathlib.Path(__file__).resolve().parent


def key(text: str) -> str:
    """Text compared for duplicates: lower case, no accents, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def near_copies(test: list[str], pool: list[str], threshold: float = 0.9) -> list[tuple[str, str]]:
    """Pairs (test text, pool text) whose normalised forms are nearly the same."""
    index: dict[str, list[int]] = collections.defaultdict(list)
    pool_tokens = [set(key(t).split()) for t in pool]
    for i, tokens in enumerate(pool_tokens):
        for tok in tokens:
            index[tok].append(i)
    pairs = []
    for text in test:
        tokens = set(key(text).split())
        shared: collections.Counter[int] = collections.Counter()
        for tok in tokens:
            shared.update(index.get(tok, ()))
        for i, n in shared.items():
            if n / len(tokens | pool_tokens[i]) < 0.5:
                continue
            if difflib.SequenceMatcher(None, key(text), key(pool[i])).ratio() >= threshold:
                pairs.append((text, pool[i]))
    return pairs


def main() -> int:
    problems: list[str] = []
    seen: dict[str, str] = {}
    per_label: dict[str, collections.Counter[str]] = {}
    tags_count: collections.Counter[str] = collections.Counter()
    texts: dict[str, list[str]] = {"test": [], "pool": []}
    files = sorted(HERE.glob("*.tsv"))
    for path in files:
        counts: collections.Counter[str] = collections.Counter()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not all(f.strip() for f in fields):
                problems.append(f"{where}: expected 3 non-empty tab-separated fields")
                continue
            labels, tags, text = fields
            names = labels.split(",")
            if names != ["none"] and not set(names) <= LABELS:
                problems.append(f"{where}: unknown label in {labels!r}")
            if len(names) != len(set(names)):
                problems.append(f"{where}: repeated label in {labels!r}")
            texts["test" if path.name.startswith("test") else "pool"].append(text)
            k = key(text)
            if k in seen:
                problems.append(f"{where}: duplicate of {seen[k]}: {text!r}")
            else:
                seen[k] = where
            counts["multi" if len(names) > 1 else labels] += 1
            for name in names:
                counts["any:" + name] += 1
            counts["total"] += 1
            for tag in tags.split(","):
                tags_count[tag] += 1
        per_label[path.name] = counts
    order = ["suicide", "child_at_risk", "urge", "abused", "distress", "minor", "lapse", "multi", "none"]
    print(f"{'file':28}" + "".join(f"{c[:8]:>9}" for c in order) + f"{'total':>9}")
    grand: collections.Counter[str] = collections.Counter()
    for name, counts in per_label.items():
        grand.update(counts)
        print(f"{name:28}" + "".join(f"{counts[c]:>9}" for c in order) + f"{counts['total']:>9}")
    print(f"{'ALL':28}" + "".join(f"{grand[c]:>9}" for c in order) + f"{grand['total']:>9}")
    pool = grand["total"] - sum(c["total"] for name, c in per_label.items() if name.startswith("test"))
    print("train pool:", pool)
    print("messages carrying each label (multi included):",
          {c: grand["any:" + c] for c in sorted(LABELS)})
    print("tags:", dict(tags_count.most_common()))
    for test_text, pool_text in near_copies(texts["test"], texts["pool"]):
        print(f"WARNING near-copy of a test line in the pool: {pool_text!r} ~ {test_text!r}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
