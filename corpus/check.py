"""Check one language's screening corpus: format, labels, duplicates, split leaks.

Usage: python corpus/check.py LANG [--write-readme]   (en, es, fi, pl; exit status 1 on any problem)
       python corpus/check.py LANG --near FILE [--ratio R] [--drop]   (a new round's lines near a test line)
Every line of corpus/LANG/*.tsv: labels<TAB>tags<TAB>text; '#' lines are comments.
It also warns (without failing) about pool lines that are near-copies of a test line
(character similarity >= 0.9 after the same normalisation), without printing the test line,
so the test splits stay unseen by whoever runs it. With --write-readme it also puts its
figures in corpus/LANG/README.md's Counts section: the "| pool |" row, the "Per label (test +
pool)" line and the "Hard negatives in the pool" line (a new test split's own row is still
written by hand). Two writers adding files at once then need no sums by hand.

With --near FILE (a new round's file, before it is measured) it prints each of that file's lines
whose similarity to a test line after norm() is R or more (default 0.8), by place only: "FILE:12
0.853 test29.tsv:292", and "(clean: do not open)" beside a split that is not a calibration split
(bot.screening.corpus.CALIBRATION_SPLITS). Reword those lines before the round is measured, from
their own words (docs/screening.md, Adding data and retraining), or, with --drop, take them out
of FILE (its other lines and comments kept as they are): what sessions 40-41 did to rounds written
by people who never saw a test split, so that nobody reads the lines to reword them.
"""

from __future__ import annotations

import collections
import difflib
import math
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

OPTIONS_WITH_VALUE = {"--near", "--ratio"}
ARGS = [a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS_WITH_VALUE]
HERE = Path(__file__).resolve().parent / (ARGS[0] if ARGS else "en")
LABELS = {"suicide", "child_at_risk", "minor", "abused", "distress", "urge", "lapse"}
COLUMNS = ("suicide", "child_at_risk", "urge", "abused", "distress", "minor", "lapse", "multi", "none")
"""The README's Counts table, left to right ("multi" is its "several" column), then the total."""


def readme_lines(pool: Counter[str], per_label: Counter[str], hard: int) -> dict[str, str]:
    """The README's three lines of figures, by the start each is found by."""
    n = sum(pool.values())
    share = round(100 * hard / n) if n else 0
    by_count = sorted(per_label.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "| pool |": "| pool | " + " | ".join(str(pool[c]) for c in COLUMNS) + f" | {n} |",
        "Per label (test + pool),": "Per label (test + pool), counting a message with several labels once for each: "
        + ", ".join(f"{k} {v}" for k, v in by_count) + ".",
        "Hard negatives in the pool:": f"Hard negatives in the pool: {hard} of {n} messages ({share}%).",
    }


def write_readme(readme: Path, lines: dict[str, str]) -> list[str]:
    """Replace the line of ``readme`` that starts as each key of ``lines``; what was wrong: a start
    not found, or found more than once (two writers' merged Counts sections, which pl's README
    carried 16 times over until session 41; the first is written, the others left to delete)."""
    text = readme.read_text(encoding="utf-8").split("\n")
    wrong = []
    for start, new in lines.items():
        found = [i for i, line in enumerate(text) if line.startswith(start)]
        if not found:
            wrong.append(f"no line starting {start!r} to write the figures in")
            continue
        text[found[0]] = new
        if len(found) > 1:
            wrong.append(f"{len(found)} lines start {start!r} (lines {', '.join(str(i + 1) for i in found)}): keep one")
    readme.write_text("\n".join(text), encoding="utf-8")
    return wrong


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def near_copies(test: list[str], pool: list[str], threshold: float = 0.9, overlap: float = 0.5) -> list[str]:
    """Pool texts whose normalised form is nearly that of a test text: at least ``overlap`` of
    their words in common (Jaccard), then a character similarity of ``threshold`` or more.

    Candidates come from a prefix filter (each word set sorted rarest first: two sets with a
    Jaccard of ``overlap`` or more share a word among the first ``n - ceil(overlap * n) + 1`` of
    either), so a test line is compared only with pool lines that share one of its rare words,
    not with every pool line that shares "i" or "the". Same result as comparing every pair.
    """
    pool_norm = [norm(t) for t in pool]
    pool_tokens = [set(t.split()) for t in pool_norm]
    test_norm = [norm(t) for t in test]
    test_tokens = [set(t.split()) for t in test_norm]
    freq: collections.Counter[str] = collections.Counter()
    for tokens in (*pool_tokens, *test_tokens):
        freq.update(tokens)

    def prefix(tokens: set[str]) -> list[str]:
        ordered = sorted(tokens, key=lambda tok: (freq[tok], tok))
        return ordered[: len(ordered) - math.ceil(overlap * len(ordered)) + 1]

    index: dict[str, list[int]] = collections.defaultdict(list)
    for i, tokens in enumerate(pool_tokens):
        for tok in prefix(tokens):
            index[tok].append(i)
    out = []
    for text, tokens in zip(test_norm, test_tokens, strict=True):
        if not tokens:
            continue
        candidates = sorted({i for tok in prefix(tokens) for i in index.get(tok, ())})
        for i in candidates:
            if len(tokens & pool_tokens[i]) / len(tokens | pool_tokens[i]) >= overlap and (
                difflib.SequenceMatcher(None, text, pool_norm[i]).ratio() >= threshold
            ):
                out.append(pool[i])
    return out


def near_test_lines(
    lines: list[tuple[int, str]], tests: list[tuple[str, int, str]], ratio: float = 0.8
) -> list[tuple[int, float, str, int]]:
    """(line number, similarity, test file, test line number) for each of ``lines`` (number, text)
    within ``ratio`` of a test line (file, number, text), after :func:`norm`, best first per line.

    rapidfuzz's Indel ratio is never below difflib's ratio (difflib counts at most the longest
    common subsequence's characters), so it shortlists without losing a pair; difflib decides.
    """
    from rapidfuzz import fuzz, process

    choices = [norm(text) for _, _, text in tests]
    found = []
    for number, text in lines:
        key = norm(text)
        near = []
        for _, _, i in process.extract(key, choices, scorer=fuzz.ratio, limit=None, score_cutoff=100 * ratio):
            similarity = difflib.SequenceMatcher(None, key, choices[i]).ratio()
            if similarity >= ratio:
                near.append((number, round(similarity, 3), tests[i][0], tests[i][1]))
        found += sorted(near, key=lambda hit: -hit[1])
    return found


def rows(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a corpus file's lines, comments and blank lines left out."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("\t")
        if line.strip() and not line.startswith("#") and len(fields) == 3:
            out.append((n, fields[2]))
    return out


def near(file: Path, ratio: float, drop: bool = False) -> int:
    """--near: print the file's lines near a test line, by place only (never a test line's text);
    with ``drop``, rewrite the file without them."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bot.screening.corpus import CALIBRATION_SPLITS

    tests = [(path.name, n, text) for path in sorted(HERE.glob("test*.tsv")) for n, text in rows(path)]
    hits = near_test_lines(rows(file), tests, ratio)
    for number, similarity, test_file, test_line in hits:
        clean = "" if test_file.removesuffix(".tsv") in CALIBRATION_SPLITS else "  (clean: do not open)"
        print(f"{file.name}:{number} {similarity} {test_file}:{test_line}{clean}")
    numbers = {hit[0] for hit in hits}
    print(f"{len(numbers)} line(s) of {file.name} within {ratio} of a test line")
    if drop and numbers:
        kept = [line for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(True), 1) if n not in numbers]
        file.write_text("".join(kept), encoding="utf-8")
        print(f"dropped them from {file.name}")
    return 0


def option_value(option: str) -> str | None:
    """The command line's value after ``option``, or None if it is not given or has none."""
    at = sys.argv.index(option) if option in sys.argv else -1
    return sys.argv[at + 1] if 0 <= at < len(sys.argv) - 1 else None


def ratio_value(text: str) -> float | None:
    """``text`` as a similarity above 0 and at most 1, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= 1 else None


def main() -> int:
    if "--near" in sys.argv:
        file = option_value("--near")
        ratio = ratio_value(option_value("--ratio") or "0.8")
        if not file or not Path(file).is_file() or ratio is None:
            print("usage: python corpus/check.py LANG --near FILE [--ratio R] [--drop]  (FILE: a corpus file; R: 0-1)")
            return 2
        return near(Path(file), ratio, drop="--drop" in sys.argv)
    problems: list[str] = []
    seen: dict[str, tuple[str, str, bool]] = {}
    """Normalised text -> where it was first seen, its pool text ('' for a test line), test?"""
    per_file: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    test_texts: set[str] = set()
    pool_texts: set[str] = set()
    raw: dict[str, list[str]] = {"test": [], "pool": []}
    hard = 0
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
            labels, tags, text = fields
            names = labels.split(",")
            if labels != "none" and not set(names) <= LABELS:
                problems.append(f"{where}: unknown label(s) {sorted(set(names) - LABELS)}")
            if len(names) != len(set(names)):
                problems.append(f"{where}: repeated label in {labels!r}")
            key = norm(text)
            is_test = path.name.startswith("test")
            if key in seen:
                first, pool_text, _ = seen[key]
                # a test line's text is never printed: only the pool line's, where there is one
                shown = f": {pool_text!r}" if pool_text else (f": {text!r}" if not is_test else "")
                problems.append(f"{where}: duplicate of {first}{shown}")
            else:
                seen[key] = (where, "" if is_test else text, is_test)
            (test_texts if is_test else pool_texts).add(key)
            raw["test" if is_test else "pool"].append(text)
            counts["multi" if "," in labels else labels] += 1
            if not is_test and labels == "none" and "hard_negative" in tags.split(","):
                hard += 1
            for name in names:
                total[name] += 1
        per_file[path.name] = counts
    for key in test_texts & pool_texts:
        problems.append(f"text in both a test split (test*.tsv) and the train pool: {key!r} (the pool line's words)")
    for name, counts in per_file.items():
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{name:32} {sum(counts.values()):5}  {detail}")
    test_n = sum(sum(c.values()) for name, c in per_file.items() if name.startswith("test"))
    all_n = sum(sum(c.values()) for c in per_file.values())
    print(f"{'total':32} {all_n:5}  (test {test_n}, pool {all_n - test_n})")
    print("per label (a message with several labels counts once for each):")
    for name, n in sorted(total.items(), key=lambda kv: -kv[1]):
        print(f"  {name:14} {n}")
    for text in near_copies(raw["test"], raw["pool"]):
        print(f"WARNING pool line close to a test line (reword or drop it): {text!r}")
    if "--write-readme" in sys.argv[1:]:
        pool: Counter[str] = Counter()
        for name, c in per_file.items():
            if not name.startswith("test"):
                pool.update(c)
        for wrong in write_readme(HERE / "README.md", readme_lines(pool, total, hard)):
            problems.append(f"README.md: {wrong}")
        print(f"wrote the pool row, the per-label line and the hard negatives line to {HERE / 'README.md'}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
