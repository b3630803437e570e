"""Recall and false positives of a language's phrase rules alone on the train pool of its corpus.

    .venv/bin/python bench/phrase_rules_pool.py fi            # figures
    .venv/bin/python bench/phrase_rules_pool.py fi --misses   # and every miss and false alarm

The pool is every ``corpus/<lang>/*.tsv`` except the frozen test splits (``test*.tsv``), which
are never read here: rules are tuned on the pool only. ``lapse`` is not a screening category
and is ignored. A false positive is a category fired on a line that does not carry that label.
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Sequence

from bot.paths import REPO_ROOT
from bot.screening import CATEGORIES
from bot.screening.corpus import is_test_file
from bot.screening.rules import PhraseRules


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang")
    parser.add_argument("--misses", action="store_true", help="print misses and false alarms")
    args = parser.parse_args(argv)
    rules = PhraseRules.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)
    hit: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    false: collections.Counter[str] = collections.Counter()
    quiet_lines = quiet_fired = 0
    notes: list[str] = []
    for path in sorted((REPO_ROOT / "corpus" / args.lang).glob("*.tsv")):
        if is_test_file(path):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            labels, _tags, text = line.split("\t", 2)
            wanted = set(labels.split(",")) & set(CATEGORIES)
            got = set(rules.screen(text, args.lang))
            if not wanted:
                quiet_lines += 1
                quiet_fired += bool(got)
            for category in CATEGORIES:
                if category in wanted:
                    total[category] += 1
                    hit[category] += category in got
                    if category not in got:
                        notes.append(f"miss   {category}: {text}")
                elif category in got:
                    false[category] += 1
                    notes.append(f"alarm  {category} (labels {labels}): {text}")
    print(f"phrase rules alone, corpus/{args.lang} train pool (test*.tsv not read)")
    for category in CATEGORIES:
        recall = hit[category] / total[category] if total[category] else 0.0
        print(f"  {category:<14} recall {hit[category]:>4}/{total[category]:<4} {recall:5.2f}"
              f"   false positives {false[category]}")
    rate = quiet_fired / quiet_lines if quiet_lines else 0.0
    print(f"  lines with no crisis label: {quiet_lines}, any category fired: {quiet_fired} ({rate:.1%})")
    if args.misses:
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
