"""Recall and false positives of a language's phrase rules alone on the train pool of its corpus.

    .venv/bin/python bench/phrase_rules_pool.py fi            # figures
    .venv/bin/python bench/phrase_rules_pool.py fi --misses   # and every miss and false alarm

The pool is every ``corpus/<lang>/*.tsv`` except the frozen test splits (``test*.tsv``), which
are never read here: rules are tuned on the pool only. ``lapse`` is not a screening category
and is ignored. A false positive is a category fired on a line that does not carry that label.
Fired means found, whether it interrupts or asks a check-in (an ``ask_when`` phrase matched too,
or only an ``ask`` phrase matched); the last lines count those apart: lines with no crisis label
that a rule would interrupt, and crisis lines whose rule hit only asks.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Sequence
from pathlib import Path

# This checkout's code and locale/, not whichever checkout the virtualenv was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.paths import REPO_ROOT
from bot.screening import CATEGORIES, PhraseRules
from bot.screening.corpus import is_test_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang")
    parser.add_argument("--misses", action="store_true", help="print misses and false alarms")
    parser.add_argument("--file", default="*.tsv", help="only pool files matching this pattern (e.g. '*_r5.tsv')")
    args = parser.parse_args(argv)
    rules = PhraseRules.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)
    hit: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    false: collections.Counter[str] = collections.Counter()
    quiet_lines = quiet_fired = quiet_interrupted = crisis_lines = crisis_asked = 0
    notes: list[str] = []
    for path in sorted((REPO_ROOT / "corpus" / args.lang).glob(args.file)):
        if is_test_file(path):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            labels, _tags, text = line.split("\t", 2)
            wanted = set(labels.split(",")) & set(CATEGORIES)
            findings = rules.screen_all(text, args.lang)
            got = set(findings.flagged)
            if not wanted:
                quiet_lines += 1
                quiet_fired += bool(got)
                quiet_interrupted += bool(findings.sure)
                if findings.sure:
                    notes.append(f"interrupts {','.join(findings.sure)} (no crisis label): {text}")
            else:
                crisis_lines += 1
                if findings.asks and not findings.sure:
                    crisis_asked += 1
                    notes.append(f"only asks {','.join(findings.asks)} (labels {labels}): {text}")
            for category in CATEGORIES:
                if category in wanted:
                    total[category] += 1
                    hit[category] += category in got
                    if category not in got:
                        notes.append(f"miss   {category}: {text}")
                elif category in got:
                    false[category] += 1
                    notes.append(f"alarm  {category} (labels {labels}): {text}")
    print(f"phrase rules alone, corpus/{args.lang}/{args.file} of the train pool (test*.tsv not read)")
    for category in CATEGORIES:
        recall = hit[category] / total[category] if total[category] else 0.0
        print(f"  {category:<14} recall {hit[category]:>4}/{total[category]:<4} {recall:5.2f}"
              f"   false positives {false[category]}")
    rate = quiet_fired / quiet_lines if quiet_lines else 0.0
    print(f"  lines with no crisis label: {quiet_lines}, any category fired: {quiet_fired} ({rate:.1%})")
    share = quiet_interrupted / quiet_lines if quiet_lines else 0.0
    print(f"    of which a rule would interrupt: {quiet_interrupted} ({share:.1%})")
    asked = crisis_asked / crisis_lines if crisis_lines else 0.0
    print(f"  crisis lines whose rule hits only ask (ask_when, ask): {crisis_asked}/{crisis_lines} ({asked:.1%})")
    if args.misses:
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
