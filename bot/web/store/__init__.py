"""Where live sessions are kept: in this process's memory, or in a Redis several processes share.

Both keep, per session, only the session's small state and its last reply (for the idempotent
repeat of a turn), under a digest of the token; both delete a session on ``end``, on a quick exit,
and after the idle timeout; both refuse new sessions past a cap. Neither writes to disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import BotError
from bot.session import Session

__all__ = ["Record", "SessionStore", "StoreBusy", "StoreError", "open_store"]


class StoreError(BotError):
    """The store cannot be used (down, misconfigured, or it would write to disk)."""


class StoreBusy(StoreError):
    """The cap on live sessions is reached."""


@dataclass(slots=True)
class Record:
    """One live session and the reply last sent in it."""

    session: Session
    reply: dict[str, Any]

    @property
    def seq(self) -> int:
        return self.session.seq

    def dumps(self) -> str:
        return json.dumps({"s": self.session.to_dict(), "r": self.reply}, separators=(",", ":"))

    @classmethod
    def loads(cls, data: str | bytes) -> Record:
        raw = json.loads(data)
        return cls(Session.from_dict(raw["s"]), raw["r"])


class SessionStore(Protocol):
    """Sessions by token digest. ``save`` is compare-and-set on ``seq``, so two processes (or
    two tabs) answering the same reply cannot both win."""

    async def create(self, key: str, record: Record) -> None:
        """Add a new session; raises ``StoreBusy`` past the cap."""

    async def load(self, key: str) -> Record | None:
        """The live session under ``key``, or None (never existed, ended, expired)."""

    async def save(self, key: str, record: Record, expect_seq: int) -> bool:
        """Replace the session if its stored seq is still ``expect_seq``; refresh its expiry."""

    async def delete(self, key: str) -> None:
        """Forget everything about the session (no error if it is already gone)."""

    async def count(self) -> int:
        """Live sessions now."""

    async def sweep(self) -> int:
        """Delete expired sessions now; how many."""

    async def add_counts(self, counts: Mapping[tuple[str, str], int]) -> None:
        """Add aggregate counters, ``(day, field) -> n`` (``bot.counters``); no session key."""

    async def close(self) -> None: ...


async def open_store(
    url: str, *, idle_timeout: float, max_sessions: int, allow_persistent: bool = False
) -> SessionStore:
    """``memory`` (or ``memory://``) or ``redis://host:port/db``; checks the store before use."""
    if url in ("memory", "memory://"):
        from bot.web.store.memory import MemoryStore

        return MemoryStore(idle_timeout=idle_timeout, max_sessions=max_sessions)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from bot.web.store.redis import RedisStore

        return await RedisStore.connect(
            url, idle_timeout=idle_timeout, max_sessions=max_sessions,
            allow_persistent=allow_persistent,
        )
    raise StoreError(f"store '{url}' is not 'memory' or a redis:// URL")
