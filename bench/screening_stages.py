"""CPU time of crisis screening per typed message, by stage: the whole screener, the phrase rules
and the learned stage, on 300- and 60-character messages built from each language's dev texts.

    .venv/bin/python -m bench.screening_stages [--repeat 4000] [--langs en,es]

Prints, per language and size, the median and p99 CPU microseconds (this thread's CPU time,
``time.thread_time_ns``: what other work on a shared machine moves least) of each stage, then
the start-up time of ``Screener.from_dir`` (four languages) and peak memory before and after
it. Run it on two checkouts (``PYTHONPATH=<checkout>``) to compare them; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence

from bot.paths import REPO_ROOT
from bot.screening import Screener
from bot.screening.corpus import read_tsv

CLOCK = time.thread_time_ns
SIZES = (300, 60)


def messages_of(pool: Sequence[str], size: int, n: int = 200) -> list[str]:
    """``n`` messages of ``size`` characters, dev texts joined in a seeded random order."""
    rng = random.Random(22)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < size:
            text += rng.choice(pool) + " "
        out.append(text[:size])
    return out


def timings(fn: Callable[[str], object], messages: Sequence[str], repeat: int) -> tuple[float, float]:
    """Median and p99 CPU microseconds of ``fn`` over ``messages``, one call at a time."""
    for msg in messages:  # warm up: RE2 builds its DFA states lazily
        fn(msg)
    clock = CLOCK
    empty = []
    for _ in range(1000):
        t0 = clock()
        empty.append(clock() - t0)
    overhead = statistics.median(empty)
    samples = []
    for i in range(repeat):
        msg = messages[i % len(messages)]
        t0 = clock()
        fn(msg)
        samples.append(clock() - t0 - overhead)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.99)] / 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4000, help="timed calls per stage and size")
    parser.add_argument("--langs", default="", help="comma-separated languages (default: all)")
    args = parser.parse_args(argv)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    w0, c0 = time.perf_counter(), time.process_time()
    screener = Screener.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gc.collect()
    gc.freeze()  # what is loaded stays: a long-lived server would not rescan it either
    langs = [lang for lang in (args.langs.split(",") if args.langs else screener.languages) if lang]
    print("CPU µs per message (median / p99):")
    for lang in langs:
        dev = [ex.text for ex in read_tsv(REPO_ROOT / "tests" / "screening" / f"dev.{lang}.tsv", lang)]
        model = screener.models.get(lang)
        for size in SIZES:
            msgs = messages_of(dev, size)
            stages: list[tuple[str, Callable[[str], object]]] = [
                ("whole", lambda m, lang=lang: screener.screen(m, lang)),
                ("rules", lambda m, lang=lang: screener.rules.screen_all(m, lang)),
            ]
            if model is not None:
                stages.append(("learned", model.scores))
            cells = []
            for name, fn in stages:
                med, p99 = timings(fn, msgs, args.repeat)
                cells.append(f"{name} {med:6.1f} / {p99:6.1f}")
            print(f"  {lang} {size:3d} chars   " + "   ".join(cells), flush=True)
    print(
        f"Screener.from_dir ({', '.join(screener.languages)}): {wall:.2f} s wall, {cpu:.2f} s CPU; "
        f"peak memory {rss0 / 1024:.0f} MB before, {rss1 / 1024:.0f} MB after"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
