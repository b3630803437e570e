"""The thresholds train-screener suggests from dev (bot/screening/tuning.py), the any head's
among them, and how they are written into screening.yaml."""

from __future__ import annotations

from pathlib import Path

from bot.screening.corpus import Example
from bot.screening.rules import ANY, CATEGORIES, ScreeningFile
from bot.screening.tuning import CHECK_NEGATIVE_SHARE, START, UNSURE_CAPS, suggest_bands, write_bands
from bot.yamlsource import parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def _ex(labels: set[str], n: int) -> Example:
    return Example("en", frozenset(labels), frozenset(), f"message {n}", "dev.tsv", n)


def _dev() -> tuple[list[Example], list[dict[str, float]], list[list[str]]]:
    """100 negatives and 60 crisis messages (10 a category). Each category's own score is weak
    (its messages sit among negatives), the any head's is strong: only the any head can catch
    most crisis messages within the budget (the tests of the budget pass ``caps={}``: these
    negatives score 0.5 or more for every category, so the caps alone would flag them all)."""
    dev, scores = [], []
    for n in range(100):
        dev.append(_ex(set(), n))
        scores.append({**dict.fromkeys(CATEGORIES, 0.5 + (n % 10) / 20), ANY: 0.1 + n / 1000})
    for i, cat in enumerate(CATEGORIES):
        for k in range(10):
            n = 100 + 10 * i + k
            dev.append(_ex({cat}, n))
            scores.append({**dict.fromkeys(CATEGORIES, 0.5), cat: 0.55, ANY: 0.6 + k / 100})
    return dev, scores, [[] for _ in dev]


def test_the_any_head_is_tuned_with_the_categories_within_the_budget() -> None:
    dev, scores, hits = _dev()
    out = {s.category: s for s in suggest_bands(dev, scores, hits, caps={})}
    assert set(out) == {*CATEGORIES, ANY}
    assert out[ANY].sure is None and all(out[c].sure is not None for c in CATEGORIES)
    assert out[ANY].unsure <= 0.6 and out[ANY].recall == 1.0  # every crisis message caught
    flagged = [any(s[h] >= out[h].unsure for h in out) for s in scores]
    negatives = [f for f, ex in zip(flagged, dev, strict=True) if not ex.labels]
    assert sum(negatives) <= CHECK_NEGATIVE_SHARE * len(negatives)


def test_the_budget_given_replaces_the_default() -> None:
    """100 negatives scored 0.00-0.99 and 20 suicide messages scored 0.75-0.94: a budget of 30%
    of negatives catches them all, one of 5% none."""
    dev = [_ex(set(), n) for n in range(100)] + [_ex({"suicide"}, 100 + k) for k in range(20)]
    scores = [{"suicide": n / 100} for n in range(100)] + [{"suicide": 0.75 + k / 100} for k in range(20)]
    hits: list[list[str]] = [[] for _ in dev]

    def tuned(share: float) -> tuple[int, float]:
        (out,) = suggest_bands(dev, scores, hits, check_share=share, caps={})
        return sum(s["suicide"] >= out.unsure for s in scores[:100]), out.recall

    assert tuned(0.30) == (25, 1.0)
    assert tuned(0.05) == (5, 0.0)


def test_without_an_any_score_only_categories_are_suggested() -> None:
    dev, scores, hits = _dev()
    plain = [{c: s[c] for c in CATEGORIES} for s in scores]
    assert {s.category for s in suggest_bands(dev, plain, hits, caps={})} == set(CATEGORIES)


def test_written_bands_give_any_no_sure_and_parse_as_a_screening_file() -> None:
    dev, scores, hits = _dev()
    text = (ROOT / "locale" / "en" / "screening.yaml").read_text(encoding="utf-8")
    out = write_bands(text, suggest_bands(dev, scores, hits, caps={}))
    # read as the bot reads it (YAML 1.2 booleans: an alias to "no" stays a word)
    spec = ScreeningFile.model_validate(parse_yaml(out, "screening.yaml").data)
    assert spec.bands[ANY].sure is None and spec.bands[ANY].unsure <= 0.6
    assert all(spec.bands[c].sure is not None for c in CATEGORIES)
    assert out.count("\nbands:\n") == 1


def test_crisis_messages_a_rule_catches_on_dev_still_tune_the_model() -> None:
    """The rules were written looking at the pool, dev included, so on dev they catch what they
    will not catch on new wording: the model's thresholds are tuned as if they caught nothing
    (while what they flag among negatives still counts against the budget)."""
    dev = [_ex(set(), n) for n in range(100)] + [_ex({"suicide"}, 100 + k) for k in range(20)]
    scores = [{"suicide": n / 100} for n in range(100)] + [{"suicide": 0.75 + k / 100} for k in range(20)]
    ruled = [[] for _ in range(100)] + [["suicide"] for _ in range(20)]
    (out,) = suggest_bands(dev, scores, ruled, check_share=0.30, caps={})
    assert out.unsure <= 0.75  # as without the rules: every message caught by the model too
    negatives_ruled = [["suicide"] if n < 10 else [] for n in range(100)] + [[] for _ in range(20)]
    (spent,) = suggest_bands(dev, scores, negatives_ruled, check_share=0.30, caps={})
    flagged = sum(s["suicide"] >= spent.unsure or bool(h) for s, h in zip(scores[:100], negatives_ruled, strict=False))
    assert flagged <= 30  # the ten negatives the rules flag use up budget


def test_a_head_steps_past_a_message_another_head_flags_already() -> None:
    """A message of two categories that the distress head flags first used to stop the suicide
    head at its score for good (it gained nothing there), leaving the suicide-only messages
    below it uncaught with budget to spare (session 26: pl spent 17% of a 21% budget)."""
    dev = [_ex(set(), n) for n in range(100)]
    scores: list[dict[str, float]] = [{"suicide": 0.7 if n == 0 else 0.0, "distress": 0.0} for n in range(100)]
    both = [_ex({"suicide", "distress"}, 100), _ex({"distress"}, 101), _ex({"distress"}, 102)]
    dev += both
    scores += [{"suicide": 0.8, "distress": 0.9}, {"suicide": 0.0, "distress": 0.9}, {"suicide": 0.0, "distress": 0.9}]
    dev += [_ex({"suicide"}, 103 + k) for k in range(5)]
    scores += [{"suicide": 0.6, "distress": 0.0} for _ in range(5)]
    out = {s.category: s for s in suggest_bands(dev, scores, [[] for _ in dev], check_share=0.12)}
    assert out["distress"].unsure <= 0.9 and out["distress"].recall == 1.0
    assert out["suicide"].unsure <= 0.6 and out["suicide"].recall == 1.0


def _sure_dev(cats: list[str], low: float = 0.0) -> tuple[list[Example], list[dict[str, float]]]:
    """100 negatives scored ``low`` to ``low`` + 0.2 for every category in ``cats`` (and one at
    0.97, so that the sure bars are high), and 10 messages of each category scored 0.9 for it:
    dev says a bar at 0.9 catches them all."""
    dev = [_ex(set(), n) for n in range(100)]
    scores = [dict.fromkeys(cats, 0.97 if n == 0 else low + n / 500) for n in range(100)]
    for i, cat in enumerate(cats):
        for k in range(10):
            dev.append(_ex({cat}, 100 + 10 * i + k))
            scores.append({**dict.fromkeys(cats, 0.0), cat: 0.9})
    return dev, scores


def test_every_category_is_asked_about_from_its_cap_down() -> None:
    """Dev's crisis messages score surer than what people type: where dev alone would put the
    bar at 0.9, every category asks from 0.5 (child_at_risk and suicide since session 38, the
    others since session 50); the ``any`` head, which only asks, has no cap."""
    cats = ["child_at_risk", "suicide", "distress", "urge"]
    dev, scores = _sure_dev(cats)
    hits: list[list[str]] = [[] for _ in dev]
    capped = {s.category: s.unsure for s in suggest_bands(dev, scores, hits)}
    plain = {s.category: s.unsure for s in suggest_bands(dev, scores, hits, caps={})}
    assert set(UNSURE_CAPS) == set(CATEGORIES) and ANY not in UNSURE_CAPS
    assert plain == dict.fromkeys(cats, 0.9)
    assert capped == {c: UNSURE_CAPS[c] for c in cats} == dict.fromkeys(cats, 0.5)
    assert all(UNSURE_CAPS[c] < START for c in UNSURE_CAPS)


def test_a_capped_bar_still_goes_lower_where_the_budget_allows() -> None:
    """The cap is where the greedy starts, not where it stops: suicide messages at 0.3 among
    negatives under 0.2 are caught, as without the cap."""
    dev = [_ex(set(), n) for n in range(100)] + [_ex({"suicide"}, 100 + k) for k in range(10)]
    scores = [{"suicide": n / 500} for n in range(100)] + [{"suicide": 0.3} for _ in range(10)]
    (out,) = suggest_bands(dev, scores, [[] for _ in dev], check_share=0.05)
    assert out.unsure <= 0.3 and out.recall == 1.0


def test_the_cap_holds_where_it_alone_spends_more_than_the_budget() -> None:
    """Where dev's negatives score over the cap (a model leaning towards suicide on a fifth of
    them), the bar stays at the cap: a budget never raises a severe category's bar above it."""
    dev, scores = _sure_dev(["suicide"], low=0.45)
    (out,) = suggest_bands(dev, scores, [[] for _ in dev], check_share=0.05)
    flagged = sum(s["suicide"] >= out.unsure for s in scores[:100])
    assert out.unsure == UNSURE_CAPS["suicide"] and flagged > 5


def test_each_unsure_bar_is_the_median_of_the_greedys_on_resamples_of_dev(monkeypatch) -> None:
    """Bagged bands (session 48): the greedy runs on ``bags`` bootstrap resamples of dev (each as
    long as dev, drawn with repeats, a different one each run) and each bar is their median, on
    the 0.01 grid, never at or above the category's sure bar."""
    from bot.screening import tuning

    dev = [_ex(set(), n) for n in range(100)] + [_ex({"suicide"}, 100 + k) for k in range(20)]
    scores = [{"suicide": n / 200} for n in range(100)] + [{"suicide": 0.75 + k / 100} for k in range(20)]
    seen: list[list[int]] = []
    bars = iter([0.10, 0.31, 0.36, 0.90])

    def greedy(*args, **kwargs) -> dict[str, float]:
        seen.append(list(args[-1]))
        return {"suicide": next(bars)}

    monkeypatch.setattr(tuning, "_greedy", greedy)
    (out,) = suggest_bands(dev, scores, [[] for _ in dev], caps={}, bags=4)
    assert out.unsure == 0.33  # the median 0.335, floored to the grid
    assert len(seen) == 4 and all(len(idx) == len(dev) for idx in seen)
    assert len({tuple(idx) for idx in seen}) == 4 and all(len(set(idx)) < len(dev) for idx in seen)
    bars = iter([0.99, 0.99, 0.99])
    (high,) = suggest_bands(dev, scores, [[] for _ in dev], caps={}, bags=3)
    assert high.sure == 0.5 and high.unsure == 0.49  # capped below sure (negatives score at most 0.495)


def test_bagged_bands_are_the_same_on_every_run_and_spend_about_the_budget() -> None:
    """Seeded resamples: a retrain on the same data writes the same bars; and the median bars
    flag about the share of dev's negatives the budget allows (the budget pick on the
    calibration splits sets the level; a median may spend a little more or less than one run)."""
    dev, scores, hits = _dev()
    first = suggest_bands(dev, scores, hits, caps={})
    assert first == suggest_bands(dev, scores, hits, caps={})
    assert any(s.unsure < START for s in first)  # the budget was spent
    flagged = [any(s[b.category] >= b.unsure for b in first) for s in scores]
    negatives = [f for f, ex in zip(flagged, dev, strict=True) if not ex.labels]
    assert sum(negatives) <= 2 * CHECK_NEGATIVE_SHARE * len(negatives)
