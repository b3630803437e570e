"""Check one language's screening corpus: format, labels, duplicates, split leaks.

Usage: python corpus/check.py LANG   (en, fi, pl; exit status 1 on any problem)
Every line of corpus/LANG/*.tsv: labels<TAB>tags<TAB>text; '#' lines are comments.
(corpus/es/check.py does the same and also warns of pool lines close to a test line.)
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent / (sys.argv[1] if len(sys.argv) > 1 else "en")
LABELS = {"suicide", "child_at_risk", "minor", "abused", "distress", "urge", "lapse"}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def main() -> int:
    problems: list[str] = []
    seen: dict[str, str] = {}
    per_file: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    test_texts: set[str] = set()
    pool_texts: set[str] = set()
    for path in sorted(HERE.glob("*.tsv")):
        counts: Counter[str] = Counter()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not all(f.strip() for f in fields):
                problems.append(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
                continue
            labels, _tags, text = fields
            names = labels.split(",")
            if labels != "none" and not set(names) <= LABELS:
                problems.append(f"{where}: unknown label(s) {sorted(set(names) - LABELS)}")
            if len(names) != len(set(names)):
                problems.append(f"{where}: repeated label in {labels!r}")
            key = norm(text)
            if key in seen:
                problems.append(f"{where}: duplicate of {seen[key]}: {text!r}")
            else:
                seen[key] = where
            (test_texts if path.name.startswith("test") else pool_texts).add(key)
            counts["multi" if "," in labels else labels] += 1
            for name in names:
                total[name] += 1
        per_file[path.name] = counts
    for key in test_texts & pool_texts:
        problems.append(f"text in both a test split (test*.tsv) and the train pool: {key!r}")
    for name, counts in per_file.items():
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{name:32} {sum(counts.values()):5}  {detail}")
    test_n = sum(sum(c.values()) for name, c in per_file.items() if name.startswith("test"))
    all_n = sum(sum(c.values()) for c in per_file.values())
    print(f"{'total':32} {all_n:5}  (test {test_n}, pool {all_n - test_n})")
    print("per label (a message with several labels counts once for each):")
    for name, n in sorted(total.items(), key=lambda kv: -kv[1]):
        print(f"  {name:14} {n}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
