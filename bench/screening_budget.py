"""Each language's ``check_budget:``, chosen on the calibration splits.

    .venv/bin/python bench/screening_budget.py [--lang en es] [--target 0.08]

``train-screener`` tunes the bands so that at most ``check_budget:`` of the corpus's dev
negatives are flagged (interrupt or check-in). Dev's negatives are written to be hard (the twin
of almost every crisis line, the listed words in everyday talk), so how a dev budget turns into
check-ins on what people type differs by language: at the old 12%, en asked about 2.7% of the
calibration splits' hard negatives and es 8.0% (session 14).

For each language and each half of the calibration splits
(:data:`bot.screening.corpus.CALIBRATION_SPLITS`: the older test splits, trained on since session
46) this fits the model as ``train-screener`` does but without that half (on the train part for
dev's scores, then on train and dev for the model that screens), tunes the bands at each budget
of a grid, screens the half with the phrase rules, that model and those bands, and prints, the
two halves added up, crisis messages caught and hard negatives interrupted and checked in: each
line measured by a model that never trained on it (four fits a language, about ten minutes for
the four languages on two cores). Then the pick: the largest budget whose hard negatives checked in
stay at or under ``--target`` (8%: the issue's 10%, less a margin for a new split's noise), or
a smaller one where the larger ones change nothing. The check-ins that only a rule hit the
learned stage doubted asked (``doubt_below:``) are printed but not counted against the target:
they were interrupts before session 26, and the bands did not make them; counted, they lowered
es's pick from 0.18 to 0.11 (crisis caught on these splits 0.973 -> 0.946) to pay for interrupts
that became a tap. All check-ins together, doubted ones included, must stay within the issue's
10% (``LIMIT``, since session 27). Put the pick in ``locale/<lang>/screening.yaml``
(``check_budget:``), then ``train-screener --write-bands``. Never reads a split after the
calibration splits.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.screening_report import Score  # noqa: E402
from bot.screening.corpus import (  # noqa: E402
    CALIBRATION_SPLITS,
    ROUND_RULE_SPLITS,
    Example,
    Parts,
    languages,
    load_test,
    training_parts,
)
from bot.screening.model import LearnedStage, pin_threads  # noqa: E402
from bot.screening.rules import ANY, Band, PhraseRules  # noqa: E402
from bot.screening.screener import Screener  # noqa: E402
from bot.screening.train import TrainConfig, fit_arrays  # noqa: E402
from bot.screening.tuning import bands_from, budget_of, suggest_bands  # noqa: E402

GRID = tuple(round(0.06 + 0.01 * i, 2) for i in range(25))
"""0.06 to 0.30 by 0.01. Session 15's grid stepped by 0.02, and a pick flipped by a whole step
(1-2 points of hard negatives checked in on the clean splits) with two new dev lines; a finer
step makes that flip smaller (session 16)."""
TARGET = 0.08
LIMIT = 0.10
"""The issue's 10% of hard negatives checked in, counting every check-in, doubted rule hits
included (session 27: at fi's pick by the bands' 8% alone, 10.1% of the calibration splits'
hard negatives got a check-in)."""


LINE = re.compile(
    r"budget (?P<budget>[\d.]+) \((?:any unsure (?P<head>[\d.]+)|no any head)\): crisis caught "
    r"(?P<caught>[\d.]+) of (?P<crisis>\d+); hard negatives interrupted (?P<interrupted>[\d.]+), "
    r"checked in (?P<checked>[\d.]+) of (?P<hard>\d+), (?P<bands>[\d.]+) without doubted rule hits"
)
"""A :meth:`Row.line` as printed (``bench/round_rule.py`` reads two runs' output: it compares the
printed shares, as the sessions that set rounds aside by hand did)."""


@dataclass(frozen=True)
class Row:
    budget: float
    any_unsure: float | None
    crisis: int
    caught: int
    hard: int
    interrupted: int
    checked: int
    doubted: int = 0
    """Of ``checked``, the hard negatives only a rule hit the learned stage doubted asked about
    (``doubt_below:``): interrupts before session 26, not the bands' doing."""

    @property
    def checked_share(self) -> float:
        """Hard negatives the bands checked in on: doubted rule hits not counted."""
        return (self.checked - self.doubted) / max(1, self.hard)

    @property
    def checked_all_share(self) -> float:
        """Hard negatives checked in on by anything, doubted rule hits too."""
        return self.checked / max(1, self.hard)

    @classmethod
    def total(cls, rows: Sequence[Row]) -> Row:
        """The rows of one budget on parts of the splits, as one row: counts added, the ``any``
        head's bar the mean of theirs."""
        bars = [r.any_unsure for r in rows if r.any_unsure is not None]
        counts = ("crisis", "caught", "hard", "interrupted", "checked", "doubted")
        return cls(rows[0].budget, sum(bars) / len(bars) if bars else None,
                   *(sum(getattr(r, f) for r in rows) for f in counts))

    @classmethod
    def of(cls, budget: float, any_unsure: float | None, s: Score) -> Row:
        return cls(budget, any_unsure, s.crisis, s.crisis_caught, s.hard, s.hard_interrupted, s.hard_checked,
                   s.hard_doubted)

    def line(self) -> str:
        head = f"any unsure {self.any_unsure:.2f}" if self.any_unsure is not None else "no any head"
        return (
            f"budget {self.budget:.2f} ({head}): crisis caught {self.caught / max(1, self.crisis):.3f} "
            f"of {self.crisis}; hard negatives interrupted {self.interrupted / max(1, self.hard):.3f}, "
            f"checked in {self.checked_all_share:.3f} of {self.hard}, "
            f"{self.checked_share:.3f} without doubted rule hits"
        )


def pick(rows: Sequence[Row], target: float, limit: float = LIMIT) -> Row | None:
    """Of the budgets whose hard negatives checked in by the bands stay at or under ``target``
    and by anything (doubted rule hits too) at or under ``limit``, the smallest that catches as
    many crisis messages as any of them (the largest budget, unless a larger one changes
    nothing: dev's crisis messages are all flagged already)."""
    within = [r for r in rows if r.checked_share <= target and r.checked_all_share <= limit]
    if not within:
        return None
    most = max(r.caught for r in within)
    return min((r for r in within if r.caught == most), key=lambda r: r.budget)


HALVES = (CALIBRATION_SPLITS[0::2], CALIBRATION_SPLITS[1::2])
"""The calibration splits dealt into two halves (odd and even places): since session 46 the
model trains on them, so each half is screened by a model fitted on the other half only."""


def screener_without(lang: str, leave_out: Sequence[str], config: TrainConfig | None = None,
                     parts: Parts | None = None) -> Screener:
    """The shipped rules with a model for ``lang`` fitted as ``train-screener`` fits it (train and
    dev, ``config``) but without the calibration splits named in ``leave_out``."""
    parts = parts or training_parts(ROOT / "corpus", lang, leave_out)
    shipped = Screener.from_dir(ROOT / "locale", base=ROOT)
    whole = LearnedStage(fit_arrays(lang, [*parts.train, *parts.dev], config or TrainConfig()),
                         f"{lang} (without {len(leave_out)} calibration splits)", None)
    return Screener(shipped.rules, {**shipped.models, lang: whole})


def dev_part(
    lang: str, config: TrainConfig | None = None, *, leave_out: Sequence[str]
) -> tuple[Screener, list[Example], list[dict[str, float]], list[list[str]]]:
    """A screener whose model for ``lang`` is fitted as ``train-screener`` fits it with ``config``
    but without the calibration splits named in ``leave_out``, and dev with its scores by a model
    fitted on the train part (without them too) and its rule hits: what the bands are tuned on.
    To measure those splits with a model that never saw them (the shipped one has seen them all)."""
    parts = training_parts(ROOT / "corpus", lang, leave_out)
    config = config or TrainConfig()
    screener = screener_without(lang, leave_out, config, parts)
    part = LearnedStage(fit_arrays(lang, parts.train, config), f"{lang} (train part)", None)
    scores = [part.scores(ex.text) for ex in parts.dev]
    hits = [screener.rules.screen(ex.text, lang) for ex in parts.dev]
    return screener, parts.dev, scores, hits


def measure(screener: Screener, lang: str, bands: Mapping[str, Band], examples: Sequence[Example]) -> Score:
    """``examples`` screened with ``screener``'s rules and models and ``bands``."""
    tuned = Screener(screener.rules, screener.models, bands={lang: bands})
    s = Score()
    for ex in examples:
        s.add(ex, tuned.screen(ex.text, lang))
    return s


def calibrate(
    lang: str, grid: Sequence[float], config: TrainConfig | None = None, splits: Sequence[str] = CALIBRATION_SPLITS
) -> list[Row]:
    """A row a budget over ``splits`` (calibration splits), each of :data:`HALVES` screened by a
    model fitted as ``train-screener`` fits it without that half, its bands tuned on dev at the
    budget: every line is measured by a model that did not train on it. The two halves' counts
    are added; ``any_unsure`` is the mean of their bars."""
    pin_threads()
    by_half = []
    for half in HALVES:
        held = [name for name in half if name in splits]
        if not held:
            continue
        screener, dev, scores, hits = dev_part(lang, config, leave_out=half)
        examples = [ex for name in held for ex in load_test(ROOT / "corpus", lang, f"{name}.tsv")]
        rows = []
        for budget in grid:
            bands = bands_from(suggest_bands(dev, scores, hits, check_share=budget))
            head = bands.get(ANY)
            rows.append(Row.of(budget, head.unsure if head else None, measure(screener, lang, bands, examples)))
        by_half.append(rows)
    return [Row.total(same) for same in zip(*by_half, strict=True)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="+")
    parser.add_argument("--target", type=float, default=TARGET, help="hard negatives checked in, at most")
    parser.add_argument("--grid", type=float, nargs="+", default=list(GRID))
    parser.add_argument("--hidden-seed", type=int, default=TrainConfig.hidden_seed,
                        help="the hidden layer's seed (bench/round_rule.py compares a round at two seeds)")
    parser.add_argument("--round-rule", action="store_true",
                        help="screen only the splits bench/round_rule.py judges a round on (ROUND_RULE_SPLITS); "
                             "its pick is not a budget to ship")
    args = parser.parse_args(argv)
    splits = ROUND_RULE_SPLITS if args.round_rule else CALIBRATION_SPLITS
    rules = PhraseRules.from_dir(ROOT / "locale", base=ROOT)
    langs = args.lang or [lang for lang in languages(ROOT / "corpus") if lang in rules.languages]
    config = TrainConfig(hidden_seed=args.hidden_seed)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(2, len(langs)), mp_context=context) as pool:
        runs = pool.map(partial(calibrate, grid=sorted(args.grid), config=config, splits=splits), langs)
        for lang, rows in zip(langs, runs, strict=True):
            now = budget_of(rules, lang)
            print(f"{lang}: calibration splits {', '.join(splits)}; check_budget now {now:g}; "
                  f"hidden seed {config.hidden_seed}")
            for row in rows:
                print("  " + row.line())
            best = pick(rows, args.target)
            print(f"  pick: {best.budget:g}" if best else f"  pick: none within {args.target:g}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
