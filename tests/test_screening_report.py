"""Crisis caught by the test splits' style and form tags: bench/screening_report.py's counts,
and bench/band_cv.py's situational lines."""

from __future__ import annotations

from bench.screening_report import Score, report
from bot.screening.corpus import Example
from bot.screening.screener import Screening


def example(labels: set[str], tags: set[str], line: int) -> Example:
    return Example("en", frozenset(labels), frozenset(tags), f"message {line}", "t.tsv", line)


def test_crisis_caught_is_counted_by_each_style_and_form_tag() -> None:
    s = Score()
    s.add(example({"suicide"}, {"situational", "short"}, 1), Screening())  # missed
    s.add(example({"suicide"}, {"situational"}, 2), Screening(unsure=("suicide",)))  # a check-in
    s.add(example({"urge"}, {"plain", "long"}, 3), Screening(sure=("urge",)))
    s.add(example(set(), {"hard_negative", "situational"}, 4), Screening(unsure=("suicide",)))
    assert s.by_tag == {"situational": (1, 2), "short": (0, 1), "plain": (1, 1), "long": (1, 1)}


def test_the_report_prints_a_row_for_each_tag(monkeypatch, capsys) -> None:
    lines = [example({"suicide"}, {"situational"}, 1), example({"suicide"}, {"plain"}, 2)]
    monkeypatch.setattr("bench.screening_report.load_set", lambda kind, lang: lines)

    class Fixed:
        def screen(self, text: str, lang: str) -> Screening:
            return Screening(sure=("suicide",)) if text.endswith("2") else Screening()

    report("test", ["en"], Fixed(), show=False)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "caught, situational lines" in out and "0.000 (0/1)" in out
    assert "caught, plain lines" in out and "1.000 (1/1)" in out
    assert "caught, long lines" in out  # a tag no line has: a dash, not an error


def test_band_cv_reports_the_situational_lines_caught() -> None:
    import math

    from bench.band_cv import summary

    s = Score()
    s.add(example({"suicide"}, {"situational"}, 1), Screening())
    s.add(example({"suicide"}, {"situational"}, 2), Screening(unsure=("suicide",)))
    s.add(example({"urge"}, {"plain"}, 3), Screening(sure=("urge",)))
    s.add(example(set(), {"hard_negative"}, 4), Screening())
    assert summary(s)["situational"] == 0.5 and summary(s)["caught"] == 2 / 3
    plain = Score()
    plain.add(example({"urge"}, {"plain"}, 1), Screening(sure=("urge",)))
    assert math.isnan(summary(plain)["situational"])
