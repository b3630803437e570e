"""Operations metrics: turns, latency, live sessions, errors by code, store health and screening
bands, on the metrics app only, with labels from fixed sets (nothing a person typed)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestServer

from bot.engine import Engine, FlowSet
from bot.screening import Screening
from bot.web import WebConfig, create_app
from bot.web.metrics import Metrics, install_metrics, metrics_app
from bot.web.store import SessionStore, StoreError
from bot.web.store.memory import MemoryStore
from tests.web.conftest import CANARY, make_client
from tests.web.helpers import TO_MENU, start, turn

LABELS = re.compile(r'(\w+)="([^"]*)"')
ALLOWED = {
    "route": {"start", "turn", "end", "chat"},
    "code": {"stale_seq", "session_gone", "invalid_request", "not_found", "unknown_locale", "internal",
             "text_too_long", "busy", "store_down", "method_not_allowed", "too_large", "timeout"},
    "band": {"none", "check_in", "crisis"},
    "le": None,  # histogram buckets: numbers
}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            head, value = line.rsplit(" ", 1)
            if dict(LABELS.findall(head)) == labels:
                return float(value)
    raise AssertionError(f"no sample {name} {labels}")


def by_words(text: str, locale: str) -> Screening:
    """The bands by the test's own words, not by a model's judgement: a retrain moves that (session
    47's checked in on "I feel <junk>"), and what is measured here is the counting."""
    return Screening(sure=("suicide",)) if "live anymore" in text else Screening()


async def _measured(aiohttp_client: Any, flowset: FlowSet, store: SessionStore) -> tuple[Any, Any]:
    engine = Engine(flowset, screen=by_words)
    app = create_app(engine, WebConfig(), store=store)
    install_metrics(app, Metrics())
    chat = await make_client(aiohttp_client, app)
    private = await aiohttp_client(TestServer(metrics_app(app)))
    return chat, private


async def test_metrics_count_turns_errors_sessions_and_bands_with_no_user_data(
    aiohttp_client: Any, flowset: FlowSet, store: SessionStore
) -> None:
    chat, private = await _measured(aiohttp_client, flowset, store)
    r = await start(chat, "en")
    for choice in TO_MENU:
        r = await turn(chat, r, choice=choice)
    await turn(chat, r, text=f"I feel {CANARY}")  # screened: no category
    stale = await chat.post("/api/v1/turn", json={"session": r["session"], "seq": 0, "text": CANARY})
    assert stale.status == 409
    await start(chat, "es")
    r2 = await start(chat, "en")
    await turn(chat, r2, text="i dont want to live anymore")  # screened: crisis
    assert (await chat.get(f"/{CANARY}")).status == 404

    resp = await private.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    text = await resp.text()
    assert sample(text, "redirection_bot_turns_total", route="start") == 3
    assert sample(text, "redirection_bot_turns_total", route="turn") == len(TO_MENU) + 2
    assert sample(text, "redirection_bot_turn_seconds_count", route="turn") == len(TO_MENU) + 2
    assert sample(text, "redirection_bot_errors_total", code="stale_seq") == 1
    assert sample(text, "redirection_bot_errors_total", code="not_found") == 1
    assert sample(text, "redirection_bot_live_sessions") == 2  # the unanswered start stores nothing
    assert sample(text, "redirection_bot_store_up") == 1
    # the stale turn's words were screened too (late words are heard: conversation._late)
    assert sample(text, "redirection_bot_screened_total", band="none") == 2
    assert sample(text, "redirection_bot_screened_total", band="crisis") == 1
    assert CANARY not in text and r["session"] not in text
    for name, value in LABELS.findall(text):
        assert name in ALLOWED, f"label {name} is not one of the fixed label names"
        allowed = ALLOWED[name]
        assert value in allowed if allowed is not None else re.fullmatch(r"[0-9.e+]+|\+Inf", value)


async def test_the_chat_port_has_no_metrics(aiohttp_client: Any, flowset: FlowSet,
                                            store: SessionStore) -> None:
    chat, _ = await _measured(aiohttp_client, flowset, store)
    resp = await chat.get("/metrics")
    assert resp.status == 404
    assert "redirection_bot" not in await resp.text()


class DownStore(MemoryStore):
    async def count(self) -> int:
        raise StoreError("redis: ConnectionError")


async def test_a_store_that_does_not_answer_shows_as_down(
    aiohttp_client: Any, flowset: FlowSet
) -> None:
    _chat, private = await _measured(aiohttp_client, flowset, DownStore(idle_timeout=60, max_sessions=10))
    text = await (await private.get("/metrics")).text()
    assert sample(text, "redirection_bot_store_up") == 0
