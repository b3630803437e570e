"""Fixtures for the web suites: the shipped content, a real redis-server, and a client per
session store (every suite that takes ``client`` runs against memory and Redis)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.sync_api import Browser, sync_playwright

from bot.engine import Engine, FlowSet
from bot.paths import REPO_ROOT
from bot.web import WebConfig, create_app
from bot.web.server import ChatRunner
from bot.web.store import SessionStore
from bot.web.store.memory import MemoryStore
from bot.web.store.redis import RedisStore
from tests.web.helpers import wait_until

CANARY = "zq-canary-7f3e"


class ChatTestServer(TestServer):
    """The test server runs the app as ``serve`` does (``ChatRunner``)."""

    async def _make_runner(self, **kwargs: Any) -> ChatRunner:
        return ChatRunner(self.app, **kwargs)


async def make_client(aiohttp_client: Any, app: web.Application) -> Any:
    return await aiohttp_client(ChatTestServer(app))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(n: int) -> int:
    """The first of ``n`` consecutive ports free on loopback, for a server that binds several
    (``serve --port P --workers N --metrics-port P+1``): a port from :func:`free_port` alone
    says nothing of the one after it."""
    while True:
        first = free_port()
        if first + n > 65536:
            continue
        socks: list[socket.socket] = []
        try:
            for port in range(first, first + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()


@pytest.fixture(scope="session")
def flowset() -> FlowSet:
    return FlowSet.from_paths(REPO_ROOT / "flows", REPO_ROOT / "locale")


def start_redis(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed (scripts/test installs Debian's redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited with {proc.returncode} at start")
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_until(answers, "redis-server to start")
    except BaseException:
        proc.kill()
        raise
    finally:
        client.close()
    return proc, f"redis://127.0.0.1:{port}/0"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(params=["memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def make_store(kind: str, redis_url: str | None, **kw: Any) -> SessionStore:
    idle = kw.pop("idle_timeout", 600.0)
    cap = kw.pop("max_sessions", 1000)
    if kind == "memory":
        return MemoryStore(idle_timeout=idle, max_sessions=cap, **kw)
    assert redis_url is not None
    store = await RedisStore.connect(redis_url, idle_timeout=idle, max_sessions=cap)
    await store.client.flushdb()
    return store


@pytest.fixture
def redis_if_needed(store_kind: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if store_kind == "redis" else None


@pytest.fixture
async def store(store_kind: str, redis_if_needed: str | None) -> AsyncIterator[SessionStore]:
    s = await make_store(store_kind, redis_if_needed)
    yield s
    await s.close()  # the app closes it too when it is given one; twice is harmless


@pytest.fixture
async def client(
    aiohttp_client: Any, flowset: FlowSet, shipped_engine: Engine, store: SessionStore
) -> Any:
    """The app as served: the shipped program with its crisis screener (S1), on ``store``."""
    engine = Engine(flowset, screen=shipped_engine.screen)
    return await make_client(aiohttp_client, create_app(engine, WebConfig(), store=store))


# -- the browser (Debian's Chromium through Playwright; its own download does not work here) --

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (scripts/test installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
