"""``redirection-bot report``: from a seeded Redis, one self-contained HTML page with charts and
a CSV beside it, every count below 10 hidden as "<10", a progress line while reading."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.cli import main
from bot.counters import COUNTER_PREFIX

SEED = {
    "2026-01-03": {"conversation_started:en": 14, "conversation_started:es": 4,
                   "module_reached:urges": 30, "module_completed:urges": 11, "module_reached:wellbeing": 5,
                   "crisis_entered:suicide": 12, "crisis_entered:urge": 3, "quick_exit": 7,
                   "feedback_answer:feedback.helped.a_lot": 12, "feedback_answer:feedback.helped.somewhat": 3,
                   "feedback_answer:feedback.confidence.c7": 15, "feedback_answer:feedback.confidence.c2": 2},
    "2026-03-20": {"conversation_started:en": 11, "crisis_entered:suicide": 1, "lapse_entered": 2},
}


@pytest.fixture
def seeded(redis_url: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    for day, fields in SEED.items():
        client.hset(COUNTER_PREFIX + day, mapping=fields)  # type: ignore[arg-type]
    yield redis_url
    client.flushdb()
    client.close()


def cells(html: str) -> list[str]:
    return [c.replace("&lt;", "<") for c in re.findall(r'<td class="n">([^<]*)</td>', html)]


def test_the_report_draws_charts_and_hides_small_counts(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--store", seeded, "--out", str(out)]) == 0
    html = out.read_text("utf-8")
    assert "reading counters: 2/2 days" in capsys.readouterr().err

    assert len(re.findall(r"<svg[ >]", html)) >= 4  # conversations, outcomes, funnel, crisis, confidence
    for title in ("Share of answers", "Modules reached and completed", "Crisis paths entered per month",
                  "Confidence to keep the change"):
        assert title in html
    # self-contained, no script: nothing fetched, every link inside the page
    assert "<script" not in html.lower() and "src=" not in html and "@import" not in html
    assert set(re.findall(r'href="(.)', html)) <= {"#"}
    assert "url(http" not in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))

    shown = cells(html)
    assert "<10" in shown
    for small in ("2", "3", "4", "5", "7", "1"):
        assert small not in shown, f"a count of {small} is shown"
    for big in ("25", "30", "11", "12", "15", "13"):  # en 14+11, urges, completed, a lot, c7, suicide
        assert big in shown
    assert "80%" in html  # a lot: 12 of 15 answers; somewhat (3) gets no share
    assert "20%" not in html
    assert re.search(r"<svg.*&lt;10.*</svg>", html, re.S)  # small bars say so in the chart


def test_the_csv_beside_it_hides_small_counts_too(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    main(["report", "--store", seeded, "--out", str(out)])
    rows = list(csv.reader((tmp_path / "r.csv").read_text("utf-8").splitlines()))
    assert rows[0] == ["month", "event", "label", "count"]
    table = {(m, e, lab): n for m, e, lab, n in rows[1:]}
    assert table[("total", "conversation_started", "en")] == "25"
    assert table[("total", "conversation_started", "es")] == "<10"
    assert table[("2026-01", "crisis_entered", "suicide")] == "12"
    assert table[("2026-03", "crisis_entered", "suicide")] == "<10"
    assert table[("total", "crisis_entered", "suicide")] == "13"
    assert table[("total", "quick_exit", "")] == "<10"
    assert {n for n in table.values()} - {"<10"} == {"25", "12", "13", "11", "14", "15", "30"}


def test_the_report_refuses_the_memory_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--store", "memory", "--out", str(tmp_path / "r.html")]) == 1
    assert "Pass --store redis://HOST:PORT/DB" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
