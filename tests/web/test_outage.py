"""A store that is down or frozen cannot trap anyone: "Leave quickly" without JavaScript still
goes straight to the neutral page (before, it showed an error page after 5 s), and every other
request gets a clear 503 with the crisis resources."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.engine import Engine
from bot.web import WebConfig, create_app
from bot.web.store import StoreError
from bot.web.store.memory import MemoryStore
from tests.web.conftest import make_client
from tests.web.helpers import hidden_fields


class Frozen(MemoryStore):
    """A store whose deletes hang until released (a Redis stopped mid-command), or fail."""

    def __init__(self, fail: bool) -> None:
        super().__init__(idle_timeout=600, max_sessions=10)
        self.fail = fail
        self.frozen = False
        """Set when the person presses Leave quickly: until then the store works."""
        self.release = asyncio.Event()
        self.deleted = asyncio.Event()

    async def delete(self, key: str) -> None:
        if not self.frozen:
            return await super().delete(key)
        if self.fail:
            raise StoreError("down")
        await self.release.wait()
        await super().delete(key)
        self.deleted.set()


@pytest.mark.parametrize("fail", [False, True], ids=["frozen", "down"])
async def test_leave_quickly_leaves_at_once_whatever_the_store_does(
    aiohttp_client: Any, flowset: Any, fail: bool
) -> None:
    store = Frozen(fail)
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(), store=store))
    html = await (await client.post("/chat", data={"action": "start", "locale": "en"})).text()
    html = await (await client.post("/chat", data={**hidden_fields(html, "options"),
                                                   "choice": "continue"})).text()
    token = hidden_fields(html)["session"]
    store.frozen = True
    loop = asyncio.get_running_loop()
    began = loop.time()
    resp = await client.post("/chat", data={"session": token, "action": "exit"},
                             allow_redirects=False)
    took = loop.time() - began
    assert resp.status == 303 and resp.headers["Location"] == "/away"
    assert took < 2.0, f"leaving took {took:.1f} s"
    if not fail:
        assert await store.count() == 1  # the delete is still waiting on the store...
        store.release.set()
        await asyncio.wait_for(store.deleted.wait(), 5)
        assert await store.count() == 0  # ...and finishes when the store answers


async def test_a_turn_while_the_store_is_down_is_503_with_help(
    aiohttp_client: Any, flowset: Any
) -> None:
    class Down(MemoryStore):
        async def create(self, key: str, record: Any) -> bool:
            raise StoreError("down")

    client = await make_client(aiohttp_client, create_app(
        Engine(flowset), WebConfig(), store=Down(idle_timeout=60, max_sessions=10)))
    r = await (await client.post("/api/v1/start", json={"locale": "es"})).json()
    resp = await client.post("/api/v1/turn", json={"session": r["session"], "seq": 0,
                                                   "choice": "continue"})
    assert resp.status == 503
    data = await resp.json()
    assert data["error"]["code"] == "store_down" and data["help"] and data["locale"] == "es"
