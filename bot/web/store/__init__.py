"""Where live sessions are kept: in this process's memory, or in a Redis several processes share.

Both keep, per session, its seq and a sealed record (``bot.web.records``: the session's small
state and its last reply, encrypted under a key only the token gives), under a digest of the
token; both delete a session on ``end``, on a quick exit,
and after the idle timeout; both refuse new sessions past a cap. Neither writes to disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.errors import BotError

__all__ = ["RecordUnreadable", "Sealed", "SessionStore", "StoreBusy", "StoreError", "open_store"]


class StoreError(BotError):
    """The store cannot be used (down, misconfigured, or it would write to disk)."""


class StoreBusy(StoreError):
    """The cap on live sessions is reached."""


class RecordUnreadable(StoreError):
    """A stored record that does not open with the token given (wrong token, tampered bytes)."""


@dataclass(frozen=True, slots=True)
class Sealed:
    """What the store holds for one session: the seq in clear (for compare-and-set) and the
    encrypted record."""

    seq: int
    blob: bytes


class SessionStore(Protocol):
    """Sessions by token digest. ``save`` and ``end`` are compare-and-set on ``seq``, so two
    processes (or two tabs) answering the same reply cannot both win."""

    async def create(self, key: str, record: Sealed) -> bool:
        """Add a new session unless ``key`` is live already (then False); raises ``StoreBusy``
        past the cap."""

    async def load(self, key: str) -> Sealed | None:
        """The live session under ``key``, or None (never existed, ended, expired)."""

    async def save(self, key: str, record: Sealed, expect_seq: int) -> bool:
        """Replace the session if its stored seq is still ``expect_seq``; refresh its expiry."""

    async def end(self, key: str, expect_seq: int) -> bool:
        """Delete the session if its stored seq is still ``expect_seq`` (an ending turn is
        compare-and-set like any other: it cannot end a session another turn just moved on)."""

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
