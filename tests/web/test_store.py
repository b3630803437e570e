"""Both session stores behind one interface: create, load, compare-and-set save, delete, the
cap, expiry; and a Redis that persists to disk is refused."""

from __future__ import annotations

from typing import Any

import pytest

from bot.session import Session
from bot.web.records import Record, seal, unseal
from bot.web.store import Sealed, StoreBusy, StoreError, open_store
from bot.web.store.memory import MemoryStore
from bot.web.store.redis import RedisStore
from tests.web.conftest import make_store
from tests.web.helpers import eventually

TOKEN = "t" * 43


def record(seq: int = 0, state: str = "hello") -> Sealed:
    return seal(TOKEN, Record(Session("en", "v1", "welcome", state, seq=seq),
                              {"seq": seq, "messages": []}))


def opened(sealed: Sealed | None) -> Record:
    assert sealed is not None
    return unseal(TOKEN, sealed)


async def test_create_load_save_delete(store: Any) -> None:
    assert await store.create("k", record())
    loaded = opened(await store.load("k"))
    assert loaded.session.state == "hello" and loaded.seq == 0
    assert await store.save("k", record(1, "leaving"), expect_seq=0)
    assert opened(await store.load("k")).session.state == "leaving"
    await store.delete("k")
    assert await store.load("k") is None
    assert await store.count() == 0


async def test_save_is_compare_and_set_on_seq(store: Any) -> None:
    await store.create("k", record())
    assert await store.save("k", record(1), expect_seq=0)
    assert not await store.save("k", record(1, "other"), expect_seq=0)
    assert opened(await store.load("k")).session.state == "hello"


async def test_save_of_a_missing_session_fails(store: Any) -> None:
    assert not await store.save("gone", record(1), expect_seq=0)


async def test_cap_on_live_sessions(store_kind: str, redis_if_needed: str | None) -> None:
    store = await make_store(store_kind, redis_if_needed, max_sessions=2)
    try:
        await store.create("a", record())
        await store.create("b", record())
        with pytest.raises(StoreBusy):
            await store.create("c", record())
        await store.delete("a")
        await store.create("c", record())
    finally:
        await store.close()


async def test_idle_sessions_expire_and_leave_nothing(
    store_kind: str, redis_if_needed: str | None
) -> None:
    store = await make_store(store_kind, redis_if_needed, idle_timeout=0.2, max_sessions=10)
    try:
        await store.create("k", record())

        async def expired() -> bool:
            await store.sweep()
            return await store.count() == 0

        assert await eventually(expired)  # idle for 0.2 s by the store's own clock (or Redis's)
        assert await store.load("k") is None
        assert await store.count() == 0
        if isinstance(store, RedisStore):
            assert await store.client.keys("*") == [] or await store.client.dbsize() <= 1
            assert await store.client.exists("rb:s:k") == 0
        else:
            assert store._data == {}
    finally:
        await store.close()


async def test_memory_sweep_deletes_expired_without_access() -> None:
    now = [0.0]
    store = MemoryStore(idle_timeout=10, max_sessions=5, clock=lambda: now[0])
    await store.create("a", record())
    now[0] = 11
    assert await store.sweep() == 1
    assert store._data == {}


async def test_redis_holds_digests_not_tokens(redis_url: str) -> None:
    store = await make_store("redis", redis_url)
    try:
        await store.create("abc", record())
        keys = await store.client.keys("*")
        assert sorted(keys) == [b"rb:live", b"rb:s:abc"]
    finally:
        await store.close()


async def test_a_persisting_redis_is_refused_unless_allowed(redis_url: str) -> None:
    import redis.asyncio as aioredis

    admin = aioredis.from_url(redis_url)
    try:
        await admin.config_set("save", "3600 1")
        with pytest.raises(StoreError, match="persists to disk"):
            await open_store(redis_url, idle_timeout=60, max_sessions=10)
        allowed = await open_store(
            redis_url, idle_timeout=60, max_sessions=10, allow_persistent=True
        )
        await allowed.close()
        await admin.config_set("save", "")
        await admin.config_set("appendonly", "yes")
        with pytest.raises(StoreError, match="appendonly 'yes'"):
            await open_store(redis_url, idle_timeout=60, max_sessions=10)
    finally:
        await admin.config_set("save", "")
        await admin.config_set("appendonly", "no")
        await admin.aclose()


async def test_an_unreachable_redis_is_a_clear_error() -> None:
    from tests.web.conftest import free_port

    with pytest.raises(StoreError, match="cannot reach Redis"):
        await open_store(f"redis://127.0.0.1:{free_port()}/0", idle_timeout=60, max_sessions=10)


async def test_an_unknown_store_url_is_refused() -> None:
    with pytest.raises(StoreError, match="not 'memory' or a redis:// URL"):
        await open_store("postgres://x", idle_timeout=60, max_sessions=10)


async def test_end_is_compare_and_set_on_seq(store: Any) -> None:
    await store.create("k", record())
    assert await store.save("k", record(1), expect_seq=0)
    assert not await store.end("k", expect_seq=0), "an ending turn on an old seq ends nothing"
    assert (await store.load("k")).seq == 1
    assert await store.end("k", expect_seq=1)
    assert await store.load("k") is None
    assert await store.count() == 0
    assert not await store.end("k", expect_seq=1), "ending a session that is gone is no win"
