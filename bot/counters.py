"""Aggregate counters: how many times each event (``bot.events``) happened per UTC day.

``Counters`` is the engine's ``events`` hook. It adds an event to a pending total keyed by day
and field only::

    ("2026-12-01", "conversation_started:en") -> 3
    ("2026-12-01", "quick_exit") -> 1

and the server moves the pending totals into the store now and then (``take``, then the store's
``add_counts``: a Redis hash ``rb:c:<day>`` with ``HINCRBY``, or the memory store's dict). No
session token, digest, time of day or order of events is kept, so no count can be traced back
to a conversation; batching also keeps the store from seeing when a given turn counted.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.errors import BotError
from bot.events import EVENTS

__all__ = ["COUNTER_PREFIX", "CounterError", "Counters", "field_of", "parse_field"]

COUNTER_PREFIX = "rb:c:"
"""Redis key prefix of a day's counters: ``rb:c:2026-12-01`` (a hash of field -> count)."""

LABEL = re.compile(r"[A-Za-z0-9_.-]{0,200}\Z")
"""A label is a language code, a flow id, a category or a flow.state.option id: never text."""

Day = str
Field = str


class CounterError(BotError):
    """An event the counters refuse: an unknown name, or a label that is not a content id."""


def field_of(name: str, label: str) -> Field:
    """``name:label``, or ``name`` alone for an event without a label."""
    if name not in EVENTS:
        raise CounterError(f"unknown event '{name}': add it to bot.events.EVENTS and docs/operations.md")
    if not LABEL.match(label):
        # the label itself is not repeated: were it text someone typed, it must reach no log
        raise CounterError(f"event '{name}': its label ({len(label)} characters) is not a content id "
                           "(letters, digits, _ . -, at most 200)")
    return f"{name}:{label}" if label else name


def parse_field(field: Field) -> tuple[str, str]:
    """``"module_reached:urges"`` -> ``("module_reached", "urges")``."""
    name, _, label = field.partition(":")
    return name, label


class Counters:
    """Pending day totals of events; thread-safe, cheap (one dict increment per event)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._pending: Counter[tuple[Day, Field]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, name: str, label: str = "") -> None:
        key = (self.day(), field_of(name, label))
        with self._lock:
            self._pending[key] += 1

    def day(self) -> Day:
        return datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%d")

    def take(self) -> dict[tuple[Day, Field], int]:
        """The pending totals, now owned by the caller (give them back if storing fails)."""
        with self._lock:
            taken, self._pending = dict(self._pending), Counter()
        return taken

    def give_back(self, counts: Mapping[tuple[Day, Field], int]) -> None:
        with self._lock:
            self._pending.update(counts)

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())
