"""What ``doubt_below:`` costs and saves, on the calibration splits.

    .venv/bin/python bench/rule_doubt.py [--lang en es] [--floors 0.01 0.02 0.05]

The phrase rules' hits ask a check-in instead of interrupting where every score of the learned
stage (each category and ``any``) is less than the language's ``doubt_below:`` (messages up to
:data:`bot.screening.screener.DOUBT_CHARS` characters). For each language and each floor this
screens the calibration splits (:data:`bot.screening.corpus.CALIBRATION_SPLITS`) with the
shipped rules and, since the shipped model trains on them (session 46), each half with a model
fitted without it (two fits a language), and prints, among the rule hits that would interrupt:

- on crisis messages that carry the hit's category: how many the floor turns into a check-in
  (the cost: one tap for a person in crisis; they are still caught);
- on messages with no crisis label: how many wrong interrupts it turns into a check-in.

The shipped floor is marked ``*``. Run it after every retrain: the model's scores move, and a
floor that costs more than about 0.1% of right rule hits should come down. Never reads a split
after the calibration splits.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening.corpus import languages, load_test  # noqa: E402
from bot.screening.model import pin_threads  # noqa: E402
from bot.screening.screener import DOUBT_CHARS, Screener  # noqa: E402

FLOORS = (0.005, 0.01, 0.02, 0.05, 0.1)


def screeners_by_half(lang: str) -> list[tuple[Sequence[str], Screener]]:
    """Each half of the calibration splits with a screener whose model for ``lang`` was fitted as
    ``train-screener`` fits it but without that half (the shipped model trains on them)."""
    from bench.screening_budget import HALVES, screener_without

    pin_threads()
    return [(half, screener_without(lang, half)) for half in HALVES]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="*", help="languages (default: every one with a corpus)")
    parser.add_argument("--floors", nargs="*", type=float, default=list(FLOORS))
    args = parser.parse_args(argv)
    corpus = ROOT / "corpus"
    for lang in args.lang or languages(corpus):
        right: list[float] = []  # per right rule hit: the model's highest score on its message
        wrong: list[float] = []
        for half, screener in screeners_by_half(lang):
            for name in half:
                for ex in load_test(corpus, lang, f"{name}.tsv"):
                    if len(ex.text) > DOUBT_CHARS:
                        continue
                    found = screener.screen(ex.text, lang)
                    hits = found.rules + found.doubted  # every rule hit that would interrupt undoubted
                    if not hits:
                        continue
                    doubt = max(found.scores.values())
                    for cat in hits:
                        if cat in ex.labels:
                            right.append(doubt)
                        elif not ex.labels:
                            wrong.append(doubt)
        shipped = screener.rules.doubt_below(lang)
        print(f"{lang}: rule hits that interrupt, calibration splits: {len(right)} right, "
              f"{len(wrong)} on messages with no crisis")
        for floor in sorted(set(args.floors) | ({shipped} if shipped else set())):
            lost = sum(d < floor for d in right)
            saved = sum(d < floor for d in wrong)
            mark = "*" if floor == shipped else " "
            print(f" {mark}{floor:<6} right hits asked instead {lost:4d} ({lost / max(1, len(right)):.2%})   "
                  f"wrong interrupts asked instead {saved:3d} ({saved / max(1, len(wrong)):.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
