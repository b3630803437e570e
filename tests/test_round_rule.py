"""bench/round_rule.py: the rule that keeps a round of data or sets it aside, read off two runs of
the budget bench as it prints them."""

from __future__ import annotations

from bench.round_rule import caught_at, decide, read_runs
from bench.screening_budget import Row


def output(lang: str, points: list[tuple[float, int, int]]) -> str:
    """The budget bench's printout for ``lang``: (budget, caught of 1000, bands' checked-in of
    1000 hard negatives), with 10 more check-ins that only doubted rule hits asked."""
    rows = [Row(b, 0.5, 1000, caught, 1000, 20, checked + 10, doubted=10) for b, caught, checked in points]
    return "\n".join([f"{lang}: calibration splits test, test2; check_budget now 0.2",
                      *("  " + r.line() for r in rows), "  pick: 0.2"])


BASE = [(0.10, 940, 50), (0.15, 955, 65), (0.20, 965, 75), (0.25, 972, 85), (0.30, 978, 100)]


def test_the_printed_rows_are_read_back_by_language() -> None:
    runs = read_runs(output("en", BASE) + "\n" + output("es", BASE[:2]))
    assert list(runs) == ["en", "es"]
    assert runs["en"][0] == (0.05, 0.94)  # the bands' share: doubted rule hits not counted
    assert len(runs["es"]) == 2


def test_caught_at_a_share_is_the_best_budget_within_it() -> None:
    rows = read_runs(output("en", BASE))["en"]
    assert caught_at(rows, 0.07) == 0.955
    assert caught_at(rows, 0.075) == 0.965  # at the share itself counts
    assert caught_at(rows, 0.04) is None


def test_a_round_lower_at_both_7_and_8_percent_is_set_aside() -> None:
    lower = [(b, c - 3, k) for b, c, k in BASE]
    deltas, keep = decide(read_runs(output("pl", BASE))["pl"], read_runs(output("pl", lower))["pl"])
    assert not keep and deltas[0.07] == -0.3 and deltas[0.08] == -0.3


def test_a_round_lower_at_one_of_them_only_is_kept() -> None:
    # more check-ins for the same recall at the low budgets: lower at 7%, level at 8% and above
    shifted = [(0.10, 940, 50), (0.15, 955, 72), (0.20, 965, 75), (0.25, 972, 85), (0.30, 978, 100)]
    deltas, keep = decide(read_runs(output("en", BASE))["en"], read_runs(output("en", shifted))["en"])
    assert keep and deltas[0.07] == -1.5 and deltas[0.08] == 0.0
