"""Sessions in a Redis that several server processes or machines share.

Each session is a hash (``seq``, ``data``) under ``rb:s:<digest>`` with a TTL of the idle timeout;
a sorted set ``rb:live`` (digests by expiry time) counts live sessions for the cap. Creating and
saving are Lua scripts, so the cap check and the compare-and-set on ``seq`` are atomic across
processes. A Redis that persists to disk is refused unless allowed: sessions must not outlive
the conversation on a disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from bot.web.store import Record, StoreBusy, StoreError

__all__ = ["RedisStore"]

PREFIX = "rb:s:"
LIVE = "rb:live"
COUNTERS = "rb:c:"
"""Aggregate counters: a hash per UTC day, ``rb:c:2026-12-01`` (``bot.counters``)."""
COUNTERS_TTL = 400 * 86400
"""A day's counters are dropped after this many seconds (run the report before)."""

_NOW_MS = "local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

_CREATE = _NOW_MS + """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), KEYS[1])
return 1
"""

_SAVE = _NOW_MS + """
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), KEYS[1])
return 1
"""

_SWEEP = _NOW_MS + """
return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
"""

_COUNT = _NOW_MS + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
"""


class RedisStore:
    def __init__(self, client: aioredis.Redis, *, idle_timeout: float, max_sessions: int) -> None:
        self.client = client
        self.ttl_ms = max(1, int(idle_timeout * 1000))
        self.max_sessions = max_sessions
        self._create = client.register_script(_CREATE)
        self._save = client.register_script(_SAVE)
        self._count = client.register_script(_COUNT)
        self._sweep = client.register_script(_SWEEP)

    @classmethod
    async def connect(
        cls, url: str, *, idle_timeout: float, max_sessions: int, allow_persistent: bool = False
    ) -> RedisStore:
        client = aioredis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        try:
            if not allow_persistent:
                await check_not_persistent(client)
        except BaseException:
            await client.aclose()
            raise
        return cls(client, idle_timeout=idle_timeout, max_sessions=max_sessions)

    async def create(self, key: str, record: Record) -> None:
        ok = await self._call(
            self._create, [PREFIX + key, LIVE],
            [self.max_sessions, record.seq, record.dumps(), self.ttl_ms],
        )
        if not ok:
            raise StoreBusy(f"{self.max_sessions} live sessions")

    async def load(self, key: str) -> Record | None:
        try:
            data = await self.client.hget(PREFIX + key, "data")
        except RedisError as err:
            raise StoreError(f"redis: {type(err).__name__}") from err
        return None if data is None else Record.loads(data)

    async def save(self, key: str, record: Record, expect_seq: int) -> bool:
        return bool(await self._call(
            self._save, [PREFIX + key, LIVE],
            [expect_seq, record.seq, record.dumps(), self.ttl_ms],
        ))

    async def delete(self, key: str) -> None:
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.delete(PREFIX + key)
                pipe.zrem(LIVE, PREFIX + key)
                await pipe.execute()
        except RedisError as err:
            raise StoreError(f"redis: {type(err).__name__}") from err

    async def count(self) -> int:
        return int(await self._call(self._count, [LIVE], []))

    async def sweep(self) -> int:
        """Redis expires the sessions itself; this trims their digests from the live set."""
        return int(await self._call(self._sweep, [LIVE], []))

    async def add_counts(self, counts: Mapping[tuple[str, str], int]) -> None:
        try:  # one MULTI/EXEC: all of a batch counts, or none of it (it is then given back)
            async with self.client.pipeline(transaction=True) as pipe:
                for (day, field), n in counts.items():
                    pipe.hincrby(COUNTERS + day, field, n)
                for day in {day for day, _ in counts}:
                    pipe.expire(COUNTERS + day, COUNTERS_TTL)
                await pipe.execute()
        except RedisError as err:
            raise StoreError(f"redis: {type(err).__name__}") from err

    async def close(self) -> None:
        await self.client.aclose()

    @staticmethod
    async def _call(script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            return await script(keys=keys, args=args)
        except RedisError as err:
            raise StoreError(f"redis: {type(err).__name__}") from err


async def check_not_persistent(client: aioredis.Redis) -> None:
    """Refuse a Redis that saves snapshots (RDB) or an append-only file (AOF)."""
    try:
        save = (await client.config_get("save")).get("save", "")
        aof = (await client.config_get("appendonly")).get("appendonly", "no")
    except ResponseError as err:
        raise StoreError(
            "cannot read the Redis configuration (CONFIG GET is disabled) to check that it does "
            "not persist sessions to disk; pass --allow-persistent-store if you have checked"
        ) from err
    except RedisError as err:
        raise StoreError(f"cannot reach Redis: {type(err).__name__}") from err
    save = save.decode() if isinstance(save, bytes) else str(save or "")
    aof = aof.decode() if isinstance(aof, bytes) else str(aof or "no")
    if save.strip() or aof == "yes":
        raise StoreError(
            f"this Redis persists to disk (save '{save}', appendonly '{aof}'): sessions would "
            "outlive their conversations. Run it with --save '' --appendonly no, or pass "
            "--allow-persistent-store to accept it"
        )
