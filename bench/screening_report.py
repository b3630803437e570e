"""Recall per category, false positives and speed of the crisis screener.

    .venv/bin/python bench/screening_report.py            # dev and held-out sets, timings
    .venv/bin/python bench/screening_report.py --misses   # also list every miss and false alarm

The labelled sets live in ``tests/screening/``: ``dev.<lang>.txt`` (the patterns are tuned on
it) and ``heldout.<lang>.txt`` (never tuned on; an honest estimate of how the screener does on
utterances it has not seen). One utterance a line: ``categories | text``,
``-`` for none, ``#`` for a comment.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.screening import CATEGORIES, Screener  # noqa: E402

SETS_DIR = ROOT / "tests" / "screening"
KINDS = ("dev", "heldout")
"""dev: tuned on. heldout: never tuned on (its first run is in docs/screening.md)."""


@dataclass(frozen=True)
class Example:
    lang: str
    labels: frozenset[str]
    text: str
    line: int


def load_examples(path: Path) -> list[Example]:
    """Read one labelled file; its language is the part of the name after the first dot."""
    lang = path.name.split(".")[1]
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        labels, sep, text = raw.partition(" | ")
        if not sep:
            raise ValueError(f"{path}:{n}: expected 'categories | text'")
        names = frozenset(labels.split()) - {"-"}
        unknown = names - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{path}:{n}: unknown categories {sorted(unknown)}")
        out.append(Example(lang, names, text.strip(), n))
    return out


def load_set(kind: str) -> list[Example]:
    """Every language's ``<kind>.<lang>.txt`` (kind: dev or heldout)."""
    return [ex for path in sorted(SETS_DIR.glob(f"{kind}.*.txt")) for ex in load_examples(path)]


@dataclass
class Score:
    """Recall per category and false positives on utterances labelled with none."""

    found: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    negatives: int = 0
    false_alarms: int = 0
    misses: list[tuple[Example, list[str]]] = field(default_factory=list)
    alarms: list[tuple[Example, list[str]]] = field(default_factory=list)

    def recall(self, category: str) -> float:
        return (
            self.found.get(category, 0) / self.total[category] if self.total.get(category) else 1.0
        )

    @property
    def fp_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0


def score(examples: Sequence[Example], screen: Callable[[str, str], Sequence[str]]) -> Score:
    s = Score()
    for ex in examples:
        got = list(screen(ex.text, ex.lang))
        if not ex.labels:
            s.negatives += 1
            if got:
                s.false_alarms += 1
                s.alarms.append((ex, got))
            continue
        for cat in ex.labels:
            s.total[cat] = s.total.get(cat, 0) + 1
            if cat in got:
                s.found[cat] = s.found.get(cat, 0) + 1
        if not ex.labels <= set(got):
            s.misses.append((ex, got))
    return s


def timings(
    screener: Screener, pool: Sequence[str], lang: str = "en", runs: int = 4000
) -> tuple[float, float]:
    """Median and p99 microseconds to screen 300-character messages made of ``pool``."""
    rng = random.Random(7)
    messages = []
    for _ in range(200):
        text = ""
        while len(text) < 300:
            text += rng.choice(pool) + " "
        messages.append(text[:300])
    for msg in messages:  # warm up: RE2 builds its DFA states lazily
        screener.screen(msg, lang)
    gc.collect()
    gc.freeze()  # what is loaded stays: a long-lived server would not rescan it either
    samples = []
    for i in range(runs):
        msg = messages[i % len(messages)]
        t0 = time.perf_counter_ns()
        screener.screen(msg, lang)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


def report(name: str, examples: Sequence[Example], screener: Screener, show: bool) -> None:
    langs = sorted({ex.lang for ex in examples})
    print(f"\n== {name}: {len(examples)} utterances ({', '.join(langs)})")
    print(f"{'category':<22}" + "".join(f"{lang:>16}" for lang in [*langs, "all"]))
    scores = {
        lang: score([e for e in examples if e.lang == lang], screener.screen) for lang in langs
    }
    scores["all"] = score(examples, screener.screen)
    for cat in CATEGORIES:
        cells = []
        for key in [*langs, "all"]:
            s = scores[key]
            cells.append(f"{s.recall(cat):.3f} ({s.found.get(cat, 0)}/{s.total.get(cat, 0)})")
        print(f"{'recall ' + cat:<22}" + "".join(f"{c:>16}" for c in cells))
    cells = [
        f"{scores[k].fp_rate:.3f} ({scores[k].false_alarms}/{scores[k].negatives})"
        for k in [*langs, "all"]
    ]
    print(f"{'false pos.':<22}" + "".join(f"{c:>16}" for c in cells))
    if show:
        for ex, got in scores["all"].misses:
            print(f"  miss   {ex.lang}:{ex.line} want {sorted(ex.labels)} got {got}: {ex.text}")
        for ex, got in scores["all"].alarms:
            print(f"  alarm  {ex.lang}:{ex.line} got {got}: {ex.text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--only", choices=KINDS, help="one set only")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    print(f"compiled {', '.join(screener.languages)} in {(time.perf_counter() - t0) * 1000:.0f} ms")
    for kind in KINDS:
        if args.only in (None, kind):
            report(kind, load_set(kind), screener, args.misses)
    print("\nscreen a 300-character message (all catalogs loaded):")
    for lang in screener.languages:
        dev = [ex for ex in load_set("dev") if ex.lang == lang]
        for label, pool in (
            ("everyday talk (dev negatives)", [ex.text for ex in dev if not ex.labels]),
            ("crisis-dense (any dev lines)", [ex.text for ex in dev]),
        ):
            median, p99 = timings(screener, pool, lang)
            print(f"  {lang} {label:<31} median {median:6.1f} µs   p99 {p99:6.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
