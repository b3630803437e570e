"""``bench/screening_budget.py`` since session 46: the shipped model trains on the calibration
splits, so the budget must be picked with every line screened by a model that never saw it."""

from __future__ import annotations

from pathlib import Path

import pytest

import bench.screening_budget as budget
from bench.screening_budget import HALVES, Row
from bench.screening_report import Score
from bot.screening.corpus import CALIBRATION_SPLITS, ROUND_RULE_SPLITS


@pytest.mark.parametrize("splits", [CALIBRATION_SPLITS, ROUND_RULE_SPLITS])
def test_each_calibration_half_is_screened_by_a_model_fitted_without_it(
    monkeypatch: pytest.MonkeyPatch, splits: tuple[str, ...]
) -> None:
    fitted: list[tuple[str, ...]] = []
    measured: list[tuple[tuple[str, ...], set[str]]] = []

    def fake_dev_part(lang: str, config: object = None, *, leave_out: tuple[str, ...]) -> tuple:
        fitted.append(tuple(leave_out))
        return tuple(leave_out), [], [], []  # the "screener" is what its model left out

    def fake_measure(screener: tuple[str, ...], lang: str, bands: object, examples: list) -> Score:
        measured.append((screener, {Path(ex.file).stem for ex in examples}))
        s = Score()
        s.crisis = sum(bool(ex.labels) for ex in examples)
        s.hard = sum(ex.hard_negative for ex in examples)
        return s

    monkeypatch.setattr(budget, "dev_part", fake_dev_part)
    monkeypatch.setattr(budget, "measure", fake_measure)
    monkeypatch.setattr(budget, "suggest_bands", lambda *a, **k: [])
    monkeypatch.setattr(budget, "bands_from", lambda suggestions: {})
    rows = budget.calibrate("en", [0.1, 0.2], splits=splits)

    assert sorted(fitted) == sorted(tuple(h) for h in HALVES)  # one model a half, never the shipped one
    assert len(measured) == 2 * 2  # each half at each budget
    seen: set[str] = set()
    for left_out, names in measured:
        assert names and names <= set(left_out), "a split was screened by a model trained on it"
        seen |= names
    assert seen == set(splits)
    assert [r.budget for r in rows] == [0.1, 0.2]
    assert rows[0].crisis == rows[1].crisis > 1000 and rows[0].hard > 300  # both halves added up


def test_rows_of_the_two_halves_add_up() -> None:
    a = Row(0.2, 0.5, crisis=100, caught=90, hard=20, interrupted=1, checked=2, doubted=1)
    b = Row(0.2, 0.7, crisis=50, caught=40, hard=10, interrupted=0, checked=1, doubted=0)
    total = Row.total([a, b])
    assert total == Row(0.2, pytest.approx(0.6), crisis=150, caught=130, hard=30, interrupted=1, checked=3, doubted=1)
    assert Row.total([Row(0.3, None, 1, 1, 1, 0, 0)]).any_unsure is None
