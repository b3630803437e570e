"""How long ``redirection-bot report`` takes on a store holding a year of daily counters.

    .venv/bin/python bench/report_time.py --store redis://127.0.0.1:6379/15 [--days 365]

Seeds the Redis database given (it must be empty, or hold only counters: ``rb:c:*`` keys are
replaced) with one hash per day, shaped like the counters serve writes (conversations per
language, every module reached and completed, crisis paths by category, check-ins, lapse,
feedback answers, quick exits), then runs the report as a separate process and prints the days,
fields, seconds and the sizes of the HTML and CSV. Deletes the seeded keys afterwards.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.counters import COUNTER_PREFIX  # noqa: E402

MODULES = ["why_change", "understanding", "perspectives", "triggers", "needs", "thinking_traps",
           "urges", "environment", "wellbeing", "my_plan", "more_help", "feedback", "report_material"]
CRISIS = ["child_at_risk", "suicide", "minor", "abused", "distress", "urge"]
HELPED = ["a_lot", "somewhat", "not_really", "not_sure"]


def day_fields(rng: random.Random) -> dict[str, int]:
    fields: dict[str, int] = {}
    en, es = rng.randint(20, 80), rng.randint(5, 40)
    fields["conversation_started:en"], fields["conversation_started:es"] = en, es
    reached = en + es
    for module in MODULES:
        reached = max(0, int(reached * rng.uniform(0.6, 0.9)))
        fields[f"module_reached:{module}"] = reached
        fields[f"module_completed:{module}"] = int(reached * rng.uniform(0.5, 0.9))
    for cat in CRISIS:
        fields[f"crisis_entered:{cat}"] = rng.randint(0, 8)
        fields[f"check_in_shown:{cat}"] = rng.randint(0, 5)
    fields["lapse_entered"] = rng.randint(0, 6)
    fields["quick_exit"] = rng.randint(0, 15)
    for opt in HELPED:
        fields[f"feedback_answer:feedback.helped.{opt}"] = rng.randint(0, 6)
    for c in range(11):
        fields[f"feedback_answer:feedback.confidence.c{c}"] = rng.randint(0, 3)
    return {k: v for k, v in fields.items() if v}


def seed(client: redis.Redis, days: int) -> int:
    rng = random.Random(14)
    start = date(2025, 12, 1)
    fields = 0
    pipe = client.pipeline(transaction=False)
    for i in range(days):
        values = day_fields(rng)
        fields += len(values)
        pipe.hset(COUNTER_PREFIX + (start + timedelta(days=i)).isoformat(), mapping=values)  # type: ignore[arg-type]
    pipe.execute()
    return fields


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="redis://host:port/db (seeded, then cleaned)")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    client = redis.Redis.from_url(args.store)
    stale = list(client.scan_iter(match=COUNTER_PREFIX + "*"))
    if stale:
        client.delete(*stale)
    fields = seed(client, args.days)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.html"
            times = []
            for _ in range(args.rounds):
                began = time.perf_counter()
                subprocess.run([sys.executable, "-m", "bot", "report", "--store", args.store, "--out", str(out)],
                               check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - began)
            html, csv = out.stat().st_size, out.with_suffix(".csv").stat().st_size
    finally:
        keys = list(client.scan_iter(match=COUNTER_PREFIX + "*"))
        if keys:
            client.delete(*keys)
        client.close()
    print(f"days: {args.days}  fields: {fields}  report (process, incl. start-up): "
          f"min {min(times):.2f} s  median {sorted(times)[len(times) // 2]:.2f} s over {args.rounds} runs")
    print(f"html: {html / 1024:.0f} KiB  csv: {csv / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
