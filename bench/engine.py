"""Engine benchmark: turns per second, median and p99 turn time, bytes per idle session.

    .venv/bin/python -m bench.engine [--sessions 100000] [--turns 200000]

Runs on the shipped program, once without screening (the engine alone) and once with it (as
served). Prints figures; asserts nothing (targets: median turn <= 30 us without screening,
<= 1 KiB per idle session).
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.paths import REPO_ROOT
from bot.session import Reply, Session, UserInput

TEXTS = ["I want to keep children safe", "tired and alone", "my family", "going for a walk"]


def next_input(reply: Reply, i: int) -> UserInput:
    """A walk that works on any content: options in turn, text where text is asked."""
    if reply.input == "text" or (reply.input == "choice_or_text" and i % 3 == 0):
        return UserInput(text=TEXTS[i % len(TEXTS)])
    if i % 17 == 0:
        return UserInput(text="help")
    return UserInput(choice=reply.options[i % len(reply.options)].id)


def bench_turns(engine: Engine, turns: int) -> list[int]:
    """Nanoseconds per turn, over 1,000 sessions in parallel (round robin), in en and es.

    Screening is off: this measures the engine alone. Sessions that end start again (not timed).
    """
    n = 1000
    pairs = [engine.start("en" if i % 2 else "es", engine.current.program.menu) for i in range(n)]
    sessions: list[Session] = [s for s, _ in pairs]
    replies: list[Reply] = [r for _, r in pairs]
    times: list[int] = []
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for i in range(turns):
            k = i % n
            if replies[k].ended:
                sessions[k], replies[k] = engine.start(sessions[k].locale, engine.current.program.menu)
            step = next_input(replies[k], i // n + k)
            t0 = clock()
            replies[k] = engine.turn(sessions[k], step)
            times.append(clock() - t0)
    finally:
        gc.enable()
    return times


def bench_memory(engine: Engine, n: int) -> tuple[float, float]:
    """(tracemalloc bytes per idle session, RSS bytes per idle session) for ``n`` sessions."""
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    sessions = [engine.start("en")[0] for _ in range(n)]
    for s in sessions[::2]:  # half of them a step further, having asked for help
        engine.turn(s, UserInput(text="help"))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert len(sessions) == n
    return (after - before) / n, (rss1 - rss0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=200_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    engine = load_engine(REPO_ROOT)
    load_s = time.perf_counter() - t0
    flows = len(engine.current.flows)
    print(f"load+lint+compile: {load_s * 1000:.0f} ms for {flows} flows ({flows} machines in all)")

    screen = engine.screen
    for label, hook in (("without screening", None), ("with screening", screen)):
        engine.screen = hook
        times = bench_turns(engine, args.turns)
        q = statistics.quantiles(times, n=100)
        total = sum(times) / 1e9
        print(
            f"turns {label}: {len(times)}  median {statistics.median(times) / 1000:.1f} us  "
            f"p90 {q[89] / 1000:.1f} us  p99 {q[98] / 1000:.1f} us  "
            f"=> {len(times) / total:,.0f} turns/s on one core"
        )
    engine.screen = screen
    per_session, rss_per_session = bench_memory(engine, args.sessions)
    print(
        f"idle sessions: {args.sessions:,}  {per_session:.0f} bytes each (tracemalloc)  "
        f"{rss_per_session:.0f} bytes each (RSS growth)"
    )
    print(f"machines after all that: {sum(1 for _ in engine.current.flows.values())} (one per flow)")


if __name__ == "__main__":
    main()
