"""Keep a new round of data or set it aside: the rule of docs/screening.md, from two runs of
``bench/screening_budget.py``.

    .venv/bin/python bench/screening_budget.py > /tmp/without.txt   # the pool without the round
    # add the round, run train-screener, then:
    .venv/bin/python bench/screening_budget.py > /tmp/with.txt
    .venv/bin/python bench/round_rule.py /tmp/without.txt /tmp/with.txt

For each language in both runs it prints the crisis messages the calibration splits caught at
6, 7, 8, 9 and 10% of their hard negatives checked in by the bands (the best budget of the grid
within each share; check-ins only a doubted rule hit asked are not counted, as in the budget
pick), without and with the round, and the decision: a round lower at both 7% and 8% is set
aside (sessions 18, 29 and 30 set rounds aside by it), otherwise kept. Decide before running
the clean test split with the new model, and keep to it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.screening_budget import LINE  # noqa: E402

SHARES = (0.06, 0.07, 0.08, 0.09, 0.10)
DECIDING = (0.07, 0.08)
"""A round lower at both of these is set aside."""
LANG = re.compile(r"^(?P<lang>[a-z]{2,3}): calibration splits")


Point = tuple[float, float]
"""A budget's (hard negatives checked in by the bands, crisis messages caught), as printed."""


def read_runs(text: str) -> dict[str, list[Point]]:
    """Each language's budgets in a ``bench/screening_budget.py`` output."""
    runs: dict[str, list[Point]] = {}
    lang = None
    for line in text.splitlines():
        m = LANG.match(line)
        if m:
            lang = m["lang"]
            runs[lang] = []
            continue
        row = LINE.search(line)
        if row is not None and lang is not None:
            runs[lang].append((float(row["bands"]), float(row["caught"])))
    return runs


def caught_at(rows: Sequence[Point], share: float) -> float | None:
    """The most crisis messages caught (a share) by a budget whose hard negatives checked in by
    the bands stay at or under ``share``; None if none does."""
    within = [caught for checked, caught in rows if checked <= share + 1e-9]
    return max(within) if within else None


def decide(without: Sequence[Point], with_round: Sequence[Point]) -> tuple[dict[float, float | None], bool]:
    """The change at each share (points, with minus without) and whether to keep the round."""
    deltas: dict[float, float | None] = {}
    for share in SHARES:
        a, b = caught_at(without, share), caught_at(with_round, share)
        deltas[share] = None if a is None or b is None else round(100 * (b - a), 1)
    lower = [(d := deltas[s]) is not None and d < 0 for s in DECIDING]
    return deltas, not all(lower)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("without", type=Path, help="screening_budget.py's output without the round")
    parser.add_argument("with_round", type=Path, help="its output with the round")
    args = parser.parse_args(argv)
    before = read_runs(args.without.read_text(encoding="utf-8"))
    after = read_runs(args.with_round.read_text(encoding="utf-8"))
    for lang in [lang for lang in before if lang in after]:
        deltas, keep = decide(before[lang], after[lang])
        cells = []
        for share in SHARES:
            a, b = caught_at(before[lang], share), caught_at(after[lang], share)
            d = deltas[share]
            cells.append(f"{share:.0%} " + ("-" if a is None or b is None else f"{a:.3f} -> {b:.3f} ({d:+.1f})"))
        print(f"{lang}: " + ", ".join(cells) + f"  => {'keep' if keep else 'SET ASIDE'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
