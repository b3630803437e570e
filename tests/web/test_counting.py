"""The counters as served: a real conversation through the API adds to day totals in the store
(memory and Redis), and everything the counters write is a day, an event and a content id."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.counters import Counters
from bot.engine import Engine, FlowSet
from bot.events import EVENTS
from bot.web import WebConfig, create_app
from bot.web.counting import flush_counters
from bot.web.state import STORE
from bot.web.store import SessionStore, StoreError
from bot.web.store.memory import MemoryStore
from bot.web.store.redis import RedisStore
from tests.web.conftest import CANARY, make_client
from tests.web.helpers import TO_MENU, start, turn

FIELD = re.compile(r"(?P<name>[a-z_]+)(:(?P<label>[a-z0-9_.-]+))?\Z")
DAY = re.compile(r"rb:c:\d{4}-\d{2}-\d{2}\Z")


async def _written(store: SessionStore) -> dict[str, dict[str, int]]:
    """Every key the store holds now, with its fields and values (sessions included)."""
    if isinstance(store, MemoryStore):
        assert store._data == {}  # no session left
        return {f"rb:c:{day}": dict(fields) for day, fields in store.counts.items()}
    assert isinstance(store, RedisStore)
    out: dict[str, dict[str, int]] = {}
    async for key in store.client.scan_iter(match="*"):
        name = key.decode()
        assert await store.client.type(key) == b"hash", f"{name} is not a day of counters"
        assert 0 < await store.client.ttl(key) <= 400 * 86400  # counters expire too
        raw = await store.client.hgetall(key)
        out[name] = {k.decode(): int(v) for k, v in raw.items()}
    return out


@pytest.fixture
async def counting(aiohttp_client: Any, flowset: FlowSet, shipped_engine: Engine,
                   store: SessionStore) -> tuple[Any, Any]:
    engine = Engine(flowset, screen=shipped_engine.screen, events=Counters())
    app = create_app(engine, WebConfig(), store=store)
    return await make_client(aiohttp_client, app), app


async def test_a_conversation_adds_each_event_once_and_nothing_of_the_conversation(
    counting: tuple[Any, Any], store: SessionStore
) -> None:
    client, app = counting
    r = await start(client, "en")
    token = r["session"]
    for choice in (*TO_MENU, "urges"):
        r = await turn(client, r, choice=choice)
    r = await turn(client, r, text=f"I dont want to live anymore {CANARY}")
    assert r["flow"] == "crisis_suicide"
    resp = await client.post("/api/v1/end", json={"session": token})  # chat.js's quick exit
    assert resp.status == 204
    other = await start(client, "es")
    resp = await client.post("/chat", data={"action": "exit", "session": other["session"]})
    assert resp.status == 200  # after the redirect to /away
    await client.post("/api/v1/end", json={"session": other["session"]})  # already gone: counts

    assert await flush_counters(app) == 7
    assert await flush_counters(app) == 0  # taken once
    written = await _written(store)
    assert len(written) == 1
    (key, fields), = written.items()
    assert DAY.match(key)
    assert fields == {
        "conversation_started:en": 1,
        "conversation_started:es": 1,
        "module_reached:urges": 1,
        "crisis_entered:suicide": 1,
        "quick_exit": 3,
    }
    for field in fields:
        m = FIELD.match(field)
        assert m and m["name"] in EVENTS
        assert CANARY not in field and token not in field


async def test_the_counts_of_two_apps_on_one_store_add_up(
    aiohttp_client: Any, flowset: FlowSet, store: SessionStore
) -> None:
    apps = [create_app(Engine(flowset, events=Counters()), WebConfig(), store=store) for _ in (1, 2)]
    for app in apps:
        client = await make_client(aiohttp_client, app)
        await start(client, "en")
        await flush_counters(app)
    counts = (await _written_counts(store))
    assert counts == {"conversation_started:en": 2}


async def _written_counts(store: SessionStore) -> dict[str, int]:
    if isinstance(store, MemoryStore):
        return {f: n for fields in store.counts.values() for f, n in fields.items()}
    assert isinstance(store, RedisStore)
    out: dict[str, int] = {}
    async for key in store.client.scan_iter(match="rb:c:*"):
        for f, n in (await store.client.hgetall(key)).items():
            out[f.decode()] = out.get(f.decode(), 0) + int(n)
    return out


async def test_counters_are_written_at_shutdown_and_the_memory_store_logs_feedback_totals(
    flowset: FlowSet, caplog: pytest.LogCaptureFixture
) -> None:
    from aiohttp.test_utils import TestClient

    from tests.web.conftest import ChatTestServer

    store = MemoryStore(idle_timeout=60, max_sessions=10)
    app = create_app(Engine(flowset, events=Counters()), WebConfig(), store=store)
    caplog.set_level("INFO", logger="bot.web.counting")
    async with TestClient(ChatTestServer(app)) as client:
        r = await start(client, "en")
        for choice in (*TO_MENU, "feedback", "yes", "a_lot"):
            r = await turn(client, r, choice=choice)
        assert store.counts == {}  # not yet written: the flush runs every 10 s
    fields = {f: n for day in store.counts.values() for f, n in day.items()}
    assert fields["feedback_answer:feedback.helped.a_lot"] == 1
    assert fields["module_reached:feedback"] == 1
    assert "feedback totals: feedback.helped.a_lot=1" in caplog.text


async def test_counts_the_store_refuses_stay_pending(flowset: FlowSet) -> None:
    class Refusing(MemoryStore):
        async def add_counts(self, counts: Any) -> None:
            raise StoreError("redis: ConnectionError")

    counters = Counters()
    app = create_app(Engine(flowset, events=counters), WebConfig(),
                     store=Refusing(idle_timeout=60, max_sessions=10))
    app[STORE] = Refusing(idle_timeout=60, max_sessions=10)
    counters("quick_exit")
    with pytest.raises(StoreError):
        await flush_counters(app)
    assert counters.pending == 1
