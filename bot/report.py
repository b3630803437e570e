"""The counters an organisation reads: day totals from the store (``bot.counters``), summed by
month and label, with every count below ``SMALL`` shown as "<10" (here, in the CSV and in the
HTML report of ``bot.reportpage``).

    counts = read_counts("redis://127.0.0.1:6379/0", progress=print_progress)
    csv_text = to_csv(counts)
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.counters import COUNTER_PREFIX, parse_field
from bot.errors import BotError

__all__ = ["SMALL", "Counts", "ReportError", "read_counts", "shown", "to_csv"]

SMALL = 10
"""Counts below this are never shown: "<10" instead."""

BATCH = 200
"""Days read from Redis per round trip."""

Progress = Callable[[int, int], None]
"""``progress(days_read, days_total)``."""


class ReportError(BotError):
    """The counters cannot be read (a store that is not Redis, or that does not answer)."""


def shown(n: int) -> str:
    """A count as the report shows it: "<10" below ``SMALL``."""
    return f"<{SMALL}" if n < SMALL else str(n)


@dataclass
class Counts:
    """Day totals: ``days[day][field] = n`` (``field`` is ``event`` or ``event:label``)."""

    days: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def first(self) -> str | None:
        return min(self.days, default=None)

    @property
    def last(self) -> str | None:
        return max(self.days, default=None)

    def by_label(self, event: str) -> Counter[str]:
        """Label -> total over all days."""
        out: Counter[str] = Counter()
        for fields in self.days.values():
            for f, n in fields.items():
                name, label = parse_field(f)
                if name == event:
                    out[label] += n
        return out

    def total(self, event: str) -> int:
        return sum(self.by_label(event).values())

    def by_month(self, event: str) -> dict[str, Counter[str]]:
        """Month (``2026-12``) -> label -> total, for every month from the first day to the last."""
        out: dict[str, Counter[str]] = {m: Counter() for m in self.months()}
        for day, fields in self.days.items():
            for f, n in fields.items():
                name, label = parse_field(f)
                if name == event:
                    out[day[:7]][label] += n
        return out

    def months(self) -> list[str]:
        if not self.days:
            return []
        first, last = self.first or "", self.last or ""
        year, month = int(first[:4]), int(first[5:7])
        out = []
        while f"{year:04d}-{month:02d}" <= last[:7]:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def read_counts(url: str, progress: Progress | None = None) -> Counts:
    """Every day of counters in the Redis at ``url``; ``progress`` after each batch of days."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ReportError(
            f"store '{url}': the counters are in the Redis that serve writes to; the memory store's "
            "end with the serve process. Pass --store redis://HOST:PORT/DB"
        )
    import redis
    from redis.exceptions import RedisError

    client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
    try:
        keys = sorted(k.decode() for k in client.scan_iter(match=COUNTER_PREFIX + "*", count=1000))
        counts = Counts()
        if progress:
            progress(0, len(keys))
        for start in range(0, len(keys), BATCH):
            batch = keys[start:start + BATCH]
            pipe = client.pipeline(transaction=False)
            for key in batch:
                pipe.hgetall(key)
            for key, fields in zip(batch, pipe.execute(), strict=True):
                day = key.removeprefix(COUNTER_PREFIX)
                counts.days[day] = {k.decode(): int(v) for k, v in fields.items()}
            if progress:
                progress(start + len(batch), len(keys))
        return counts
    except RedisError as err:
        raise ReportError(f"cannot read the counters from {url.split('@')[-1]}: {type(err).__name__}") from err
    finally:
        client.close()


def to_csv(counts: Counts) -> str:
    """``month,event,label,count`` per month and a ``total`` row per event and label; counts
    below ``SMALL`` as "<10"."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["month", "event", "label", "count"])
    events = sorted({parse_field(f)[0] for fields in counts.days.values() for f in fields})
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for event in events:
        for month, labels in counts.by_month(event).items():
            for label, n in sorted(labels.items()):
                out.writerow([month, event, label, shown(n)])
                totals[event][label] += n
    for event in events:
        for label, n in sorted(totals[event].items()):
            out.writerow(["total", event, label, shown(n)])
    return buf.getvalue()
