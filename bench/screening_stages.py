"""CPU time of crisis screening per typed message, by stage: the whole screener, the phrase rules
and the learned stage, on 300- and 60-character messages built from each language's dev texts.

    .venv/bin/python -m bench.screening_stages [--repeat 4000] [--langs en,es]
    .venv/bin/python -m bench.screening_stages --against ../old-checkout [--rounds 12]

Prints, per language and size, the median and p99 CPU microseconds (this thread's CPU time,
``time.thread_time_ns``: what other work on a shared machine moves least) of each stage, then
the start-up time of ``Screener.from_dir`` (four languages) and peak memory before and after
it. ``--against`` compares this checkout with another one (which needs this file too): one
long-lived process each, asked in turn for short batches (``--repeat`` calls), ``--rounds``
times, so that a shared machine's changing load falls on both alike; each stage's samples of
all rounds give its median and p99. Asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.screening_report import messages_of
from bot.paths import REPO_ROOT
from bot.screening import Screener
from bot.screening.corpus import read_tsv

CLOCK = time.thread_time_ns
SIZES = (300, 60)


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


def samples_ns(fn: Callable[[str], object], messages: Sequence[str], repeat: int, start: int) -> list[int]:
    """CPU nanoseconds of ``repeat`` calls of ``fn``, from message ``start`` on (warmed up)."""
    for msg in messages:  # warm up: RE2 builds its DFA states lazily
        fn(msg)
    clock = CLOCK
    out = []
    for i in range(start, start + repeat):
        msg = messages[i % len(messages)]
        t0 = clock()
        fn(msg)
        out.append(clock() - t0)
    return out


def serve() -> int:
    """``--serve``: load the screener, then answer ``lang size stage repeat start`` lines on
    stdin with a JSON list of CPU nanoseconds (for ``--against``)."""
    screener = Screener.from_dir(REPO_ROOT / "locale", base=REPO_ROOT)
    gc.collect()
    gc.freeze()
    messages: dict[tuple[str, int], list[str]] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        lang, size, stage, repeat, start = line.split()
        key = (lang, int(size))
        if key not in messages:
            dev = [ex.text for ex in read_tsv(REPO_ROOT / "tests" / "screening" / f"dev.{lang}.tsv", lang)]
            messages[key] = messages_of(dev, size=int(size))
        fn: Callable[[str], object] = {
            "whole": lambda m, lang=lang: screener.screen(m, lang),
            "rules": lambda m, lang=lang: screener.rules.screen_all(m, lang),
            "learned": screener.models[lang].scores,
        }[stage]
        print(json.dumps(samples_ns(fn, messages[key], int(repeat), int(start))), flush=True)
    return 0


def against(other: Path, langs: list[str], rounds: int, repeat: int) -> int:
    """This checkout ("new") and ``other`` ("old") asked in turn; medians and p99s of all rounds."""
    workers = {}
    for name, root in (("old", other.resolve()), ("new", REPO_ROOT)):
        env = {**os.environ, "PYTHONPATH": str(root)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.screening_stages", "--serve"],
            cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        workers[name] = proc
    stages = ("whole", "rules", "learned")
    got: dict[tuple[str, str, int, str], list[int]] = {}
    for r in range(rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        for lang in langs:
            for size in SIZES:
                for stage in stages:
                    for name in order:
                        proc = workers[name]
                        assert proc.stdin is not None and proc.stdout is not None
                        proc.stdin.write(f"{lang} {size} {stage} {repeat} {r * repeat}\n")
                        proc.stdin.flush()
                        got.setdefault((name, lang, size, stage), []).extend(json.loads(proc.stdout.readline()))
        print(f"round {r + 1} of {rounds}", file=sys.stderr, flush=True)
    for proc in workers.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    print(f"CPU µs per message, median / p99 ({rounds} rounds of {repeat} calls each, taken in turn):")
    for lang in langs:
        for size in SIZES:
            cells = []
            for stage in stages:
                old, new = (sorted(got[(n, lang, size, stage)]) for n in ("old", "new"))
                med_old, med_new = statistics.median(old) / 1000, statistics.median(new) / 1000
                p99_old, p99_new = old[int(len(old) * 0.99)] / 1000, new[int(len(new) * 0.99)] / 1000
                cells.append(
                    f"{stage} {med_old:6.1f} -> {med_new:6.1f} ({(med_new / med_old - 1) * 100:+4.0f}%)"
                    f" p99 {p99_old:6.1f} -> {p99_new:6.1f}"
                )
            print(f"  {lang} {size:3d}  " + "  |  ".join(cells), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4000, help="timed calls per stage and size")
    parser.add_argument("--langs", default="", help="comma-separated languages (default: all)")
    parser.add_argument("--against", type=Path, help="another checkout to compare with (old)")
    parser.add_argument("--rounds", type=int, default=12, help="with --against: batches per stage")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve()
    if args.against is not None:
        langs = [lang for lang in args.langs.split(",") if lang] or ["en", "es", "fi", "pl"]
        return against(args.against, langs, args.rounds, args.repeat)
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
            msgs = messages_of(dev, size=size)
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
