"""Sessions in this process's memory: the default, for one server process."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

from bot.web.store import Record, StoreBusy

__all__ = ["MemoryStore"]


class MemoryStore:
    """A dict of serialised records with expiry times; expired ones are deleted on access and
    by ``sweep`` (the app runs it periodically)."""

    def __init__(
        self, *, idle_timeout: float, max_sessions: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_timeout = idle_timeout
        self.max_sessions = max_sessions
        self.clock = clock
        self._data: dict[str, tuple[float, str]] = {}
        self.counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        """Aggregate counters of this process: day -> field -> n (``bot.counters``)."""

    async def create(self, key: str, record: Record) -> None:
        if len(self._data) >= self.max_sessions:
            self._sweep()
            if len(self._data) >= self.max_sessions:
                raise StoreBusy(f"{self.max_sessions} live sessions")
        self._data[key] = (self.clock() + self.idle_timeout, record.dumps())

    async def load(self, key: str) -> Record | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[0] <= self.clock():
            del self._data[key]
            return None
        return Record.loads(item[1])

    async def save(self, key: str, record: Record, expect_seq: int) -> bool:
        current = await self.load(key)
        if current is None or current.seq != expect_seq:
            return False
        self._data[key] = (self.clock() + self.idle_timeout, record.dumps())
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def count(self) -> int:
        return len(self._data)

    async def sweep(self) -> int:
        return self._sweep()

    def _sweep(self) -> int:
        now = self.clock()
        gone = [k for k, (expires, _) in self._data.items() if expires <= now]
        for k in gone:
            del self._data[k]
        return len(gone)

    async def add_counts(self, counts: Mapping[tuple[str, str], int]) -> None:
        for (day, field), n in counts.items():
            self.counts[day][field] += n

    async def close(self) -> None:
        self._data.clear()
