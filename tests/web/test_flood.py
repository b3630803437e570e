"""A flood cannot lock people out, and nobody is tracked (no address, fingerprint or counter per
client anywhere): ``start`` stores nothing, so thousands of starts from one client leave the cap
to conversations in progress and a new person who starts and answers is served; a welcome not
answered within minutes is gone; connections past the cap close the oldest silent one; the
soft open-file limit is raised to the hard one."""

from __future__ import annotations

import asyncio
import resource
from typing import Any

from bot.engine import Engine
from bot.session import UserInput
from bot.web import WebConfig, create_app
from bot.web.conversation import Conversations
from bot.web.errors import WebError
from bot.web.server import raise_open_file_limit
from bot.web.store.memory import MemoryStore
from tests.web.conftest import make_client, make_store
from tests.web.helpers import start, turn

STARTS = 2000


async def test_a_flood_of_starts_leaves_room_for_a_new_person(
    aiohttp_client: Any, flowset: Any, store_kind: str, redis_if_needed: str | None
) -> None:
    store = await make_store(store_kind, redis_if_needed, max_sessions=3)
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(), store=store))
    for _ in range(2):  # two conversations in progress
        await turn(client, await start(client), choice="continue")
    for _ in range(STARTS // 100):  # one client, a hundred at a time
        replies = await asyncio.gather(*(client.post("/api/v1/start", json={"locale": "en"})
                                         for _ in range(100)))
        assert {r.status for r in replies} == {201}
        for r in replies:
            r.release()
    assert await store.count() == 2, "starts stored nothing"
    newcomer = await turn(client, await start(client, "es"), choice="continue")
    assert newcomer["seq"] == 1 and newcomer["locale"] == "es"
    assert await store.count() == 3


async def test_a_welcome_not_answered_within_minutes_is_gone(shipped_engine: Engine) -> None:
    now = [1_000_000.0]
    conv = Conversations(shipped_engine, MemoryStore(idle_timeout=1800, max_sessions=10),
                         fresh_for=600, clock=lambda: now[0])
    late = await conv.start("en")
    on_time = await conv.start("en")
    now[0] += 599
    assert (await conv.turn(on_time.token, 0, UserInput(choice="continue"))).reply["seq"] == 1
    now[0] += 2
    try:
        await conv.turn(late.token, 0, UserInput(choice="continue"))
    except WebError as err:
        assert err.status == 410 and err.locale == "en"
    else:
        raise AssertionError("a stale welcome was answered")
    assert await conv.store.count() == 1


async def test_connections_past_the_cap_close_the_oldest_silent_one(
    aiohttp_client: Any, flowset: Any
) -> None:
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(max_connections=4)))
    idle = [await asyncio.open_connection(client.host, client.port) for _ in range(4)]
    try:
        resp = await client.get("/favicon.ico")  # a fifth connection, from a real person
        assert resp.status == 204
        reader = idle[0][0]
        assert await asyncio.wait_for(reader.read(), 10) == b"", "the oldest silent one closed"
    finally:
        for _, writer in idle:
            writer.close()


def test_the_soft_open_file_limit_is_raised_to_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = 256 if hard == resource.RLIM_INFINITY else min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        fits = raise_open_file_limit(100_000)
        now, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert now == hard
        assert fits == (100_000 if hard == resource.RLIM_INFINITY else min(100_000, hard - 64))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_app_takes_an_engine_never_a_flow_set(flowset: Any) -> None:
    """So the web cannot serve the program without crisis screening by leaving it out."""
    import pytest

    with pytest.raises(TypeError, match="load_engine"):
        create_app(flowset)
