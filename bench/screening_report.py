"""Recall, precision, false alarms and speed of the crisis screener, per category and language.

    .venv/bin/python bench/screening_report.py                  # dev and test, timings
    .venv/bin/python bench/screening_report.py --only dev       # while tuning: never look at test
    .venv/bin/python bench/screening_report.py --misses         # also list misses and false alarms

Sets: ``dev`` is the dev part of each language's train pool (corpus/<lang>/*.tsv but test.tsv,
and the rules' tests/screening/dev.<lang>.tsv, split by bot.screening.corpus.split): thresholds
are tuned on it, with a model fitted on the train part only; the model shipped is then refitted
on train and dev (session 8), so its dev figures are what it learned, not what it guesses:
``bench/screening_rounds.py --whole`` measures unseen wording. ``test``, ``test2`` ... are
corpus/<lang>/test*.tsv, each frozen before any result of its session. Since session 46 the model
trains on the calibration splits (``test`` to the one before the clean splits), so their figures
here are what it learned, like dev's; ``bench/screening_budget.py`` measures them with models
fitted without them. Only the clean splits after them are honest figures.
``old-heldout`` is tests/screening/heldout.<lang>.tsv, the previous round's held-out set.

Per category: recall when "caught" means interrupt (sure), and interrupt or check-in (unsure);
precision of interrupts and of check-ins-or-interrupts; on hard negatives (no crisis label,
tagged hard_negative), the share interrupted and the share checked in (no interrupt). Then the
whole figure the issue sets targets for: a crisis message caught (any category, interrupt or
check-in). Timing: median and p99 per stage (rules, model) and whole, on 300-character messages
made of dev sentences, one at a time, one thread; start-up time and memory of the screener.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening.corpus import Example, languages, load_pool, load_test, read_tsv, split, test_files  # noqa: E402
from bot.screening.rules import CATEGORIES  # noqa: E402
from bot.screening.screener import Screener, Screening  # noqa: E402

CORPUS = ROOT / "corpus"
TESTS = tuple(dict.fromkeys(p.stem for lang in languages(CORPUS) for p in test_files(CORPUS, lang)))
"""``test`` is corpus/<lang>/test.tsv (session 2); ``test2``, ``test3`` ... are test2.tsv, test3.tsv ...,
each written at the start of sessions 3, 4 ... before any result of that session's model."""
KINDS = ("dev", *TESTS, "old-heldout")
BY_TAG = ("plain", "indirect", "situational", "short", "long", "exercise", "checkin_reply")
"""Tags of the test splits' brief (corpus/briefs/test-split.md) by which crisis caught is also
counted: the style every crisis line has (plain, indirect, situational) and the form of some
(short, long, an answer to an exercise or a check-in). Session 43, test35 to test39 at the shipped
bands: situational lines were caught 0.83-0.90 and plain ones 0.98-0.995, half the misses."""


def load_set(kind: str, lang: str) -> list[Example]:
    if kind == "dev":
        return split(load_pool(CORPUS, lang))[1]
    if kind.startswith("test"):
        return load_test(CORPUS, lang, f"{kind}.tsv")
    path = ROOT / "tests" / "screening" / f"heldout.{lang}.tsv"
    return read_tsv(path, lang) if path.exists() else []


@dataclass
class Score:
    n: int = 0
    positives: dict[str, int] = field(default_factory=dict)
    sure_hit: dict[str, int] = field(default_factory=dict)
    any_hit: dict[str, int] = field(default_factory=dict)
    sure_flagged: dict[str, int] = field(default_factory=dict)
    any_flagged: dict[str, int] = field(default_factory=dict)
    sure_right: dict[str, int] = field(default_factory=dict)
    any_right: dict[str, int] = field(default_factory=dict)
    crisis: int = 0
    crisis_caught: int = 0
    crisis_interrupted: int = 0
    crisis_doubted: int = 0
    """Crisis messages whose rule hits asked instead of interrupting (``doubt_below:``)."""
    hard: int = 0
    hard_interrupted: int = 0
    hard_by_rule: int = 0
    """Hard negatives a phrase rule interrupted (the rest of ``hard_interrupted`` is the model)."""
    hard_checked: int = 0
    hard_doubted: int = 0
    """Hard negatives whose rule hits asked instead of interrupting (``doubt_below:``)."""
    negatives: int = 0
    neg_interrupted: int = 0
    neg_checked: int = 0
    by_tag: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Crisis messages (caught, all) carrying each of :data:`BY_TAG`."""
    misses: list[tuple[Example, Screening]] = field(default_factory=list)
    alarms: list[tuple[Example, Screening]] = field(default_factory=list)

    def add(self, ex: Example, got: Screening) -> None:
        self.n += 1
        flagged = set(got.sure) | set(got.unsure)
        for cat in CATEGORIES:
            bump = {"positives": cat in ex.labels, "sure_hit": cat in ex.labels and cat in got.sure,
                    "any_hit": cat in ex.labels and cat in flagged, "sure_flagged": cat in got.sure,
                    "any_flagged": cat in flagged, "sure_right": cat in got.sure and cat in ex.labels,
                    "any_right": cat in flagged and cat in ex.labels}
            for name, yes in bump.items():
                if yes:
                    counts = getattr(self, name)
                    counts[cat] = counts.get(cat, 0) + 1
        if ex.labels:
            self.crisis += 1
            self.crisis_caught += bool(flagged)
            self.crisis_interrupted += bool(got.sure)
            self.crisis_doubted += bool(got.doubted)
            for tag in BY_TAG:
                if tag in ex.tags:
                    caught, seen = self.by_tag.get(tag, (0, 0))
                    self.by_tag[tag] = (caught + bool(flagged), seen + 1)
            if not ex.labels <= flagged:
                self.misses.append((ex, got))
            return
        self.negatives += 1
        self.neg_interrupted += bool(got.sure)
        self.neg_checked += bool(got.unsure) and not got.sure
        if ex.hard_negative:
            self.hard += 1
            self.hard_interrupted += bool(got.sure)
            self.hard_by_rule += bool(got.rules)
            self.hard_checked += bool(got.unsure) and not got.sure
            self.hard_doubted += bool(got.doubted)
        if flagged:
            self.alarms.append((ex, got))


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "-"


def report(kind: str, langs: Sequence[str], screener: Screener, show: bool) -> None:
    scores: dict[str, Score] = {}
    for lang in langs:
        s = scores[lang] = Score()
        for ex in load_set(kind, lang):
            s.add(ex, screener.screen(ex.text, lang))
    print(f"\n== {kind}: " + ", ".join(f"{lang} {scores[lang].n} messages" for lang in langs))
    width = 22
    print(f"{'':<34}" + "".join(f"{lang:>{width}}" for lang in langs))
    rows: list[tuple[str, Callable[[Score, str], str]]] = [
        ("recall interrupt", lambda s, c: ratio(s.sure_hit.get(c, 0), s.positives.get(c, 0))),
        ("recall interrupt|check", lambda s, c: ratio(s.any_hit.get(c, 0), s.positives.get(c, 0))),
        ("precision interrupt", lambda s, c: ratio(s.sure_right.get(c, 0), s.sure_flagged.get(c, 0))),
        ("precision interrupt|check", lambda s, c: ratio(s.any_right.get(c, 0), s.any_flagged.get(c, 0))),
    ]
    for cat in CATEGORIES:
        for name, cell in rows:
            print(f"{cat + ' ' + name:<34}" + "".join(f"{cell(scores[lang], cat):>{width}}" for lang in langs))
    for name, get in [
        ("crisis caught (any, int|check)", lambda s: ratio(s.crisis_caught, s.crisis)),
        ("crisis interrupted (any)", lambda s: ratio(s.crisis_interrupted, s.crisis)),
        *[(f"  caught, {tag} lines", lambda s, tag=tag: ratio(*s.by_tag.get(tag, (0, 0))))
          for tag in BY_TAG],
        ("hard negatives interrupted", lambda s: ratio(s.hard_interrupted, s.hard)),
        ("  of them by a phrase rule", lambda s: ratio(s.hard_by_rule, s.hard)),
        ("hard negatives checked in", lambda s: ratio(s.hard_checked, s.hard)),
        ("rule hits doubted: crisis", lambda s: ratio(s.crisis_doubted, s.crisis)),
        ("rule hits doubted: hard neg.", lambda s: ratio(s.hard_doubted, s.hard)),
        ("all negatives interrupted", lambda s: ratio(s.neg_interrupted, s.negatives)),
        ("all negatives checked in", lambda s: ratio(s.neg_checked, s.negatives)),
    ]:
        print(f"{name:<34}" + "".join(f"{get(scores[lang]):>{width}}" for lang in langs))
    if show:
        for lang in langs:
            for ex, got in scores[lang].misses:
                print(f"  miss   {ex.file}:{ex.line} want {sorted(ex.labels)} sure {list(got.sure)} "
                      f"check {list(got.unsure)}: {ex.text}")
            for ex, got in scores[lang].alarms:
                print(f"  alarm  {ex.file}:{ex.line} sure {list(got.sure)} check {list(got.unsure)}: {ex.text}")


def timings(fn: Callable[[str], object], messages: Sequence[str], runs: int = 3000) -> tuple[float, float]:
    """Median and p99 microseconds of ``fn`` over ``messages``, one call at a time."""
    for msg in messages:  # warm up: RE2 builds its DFA states lazily
        fn(msg)
    samples = []
    for i in range(runs):
        msg = messages[i % len(messages)]
        t0 = time.perf_counter_ns()
        fn(msg)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


def messages_of(pool: Sequence[str], n: int = 200, size: int = 300) -> list[str]:
    """``n`` messages of ``size`` characters, ``pool`` texts joined in a seeded random order."""
    rng = random.Random(7)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < size:
            text += rng.choice(pool) + " "
        out.append(text[:size])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--only", choices=KINDS, help="one set only")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    load_ms = (time.perf_counter() - t0) * 1000
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"screener ({', '.join(screener.languages)}; models: {', '.join(screener.models)}) loaded in "
          f"{load_ms:.0f} ms; peak memory {rss0 / 1024:.0f} MB before, {rss1 / 1024:.0f} MB after")
    langs = [lang for lang in languages(CORPUS) if lang in screener.languages]  # fi: a corpus, no locale yet
    for kind in KINDS:
        if args.only in (None, kind):
            report(kind, langs, screener, args.misses)
    if args.no_timing:
        return 0
    gc.collect()
    gc.freeze()  # what is loaded stays: a long-lived server would not rescan it either
    print("\nscreen one 300-character message (µs; median, p99):")
    for lang in langs:
        dev = load_set("dev", lang)
        model = screener.models.get(lang)
        for label, pool in (
            ("everyday (dev negatives)", [ex.text for ex in dev if not ex.labels]),
            ("crisis-dense (any dev lines)", [ex.text for ex in dev]),
        ):
            msgs = messages_of(pool)
            stages: list[tuple[str, Callable[[str], object]]] = [
                ("rules", lambda m, lang=lang: screener.rules.screen_all(m, lang)),
                ("whole", lambda m, lang=lang: screener.screen(m, lang)),
            ]
            if model is not None:
                stages.insert(1, ("model", model.scores))
            cells = []
            for name, fn in stages:
                med, p99 = timings(fn, msgs)
                cells.append(f"{name} {med:7.1f} {p99:7.1f}")
            print(f"  {lang} {label:<29} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
