"""Operations metrics in the Prometheus text format (``prometheus_client``), served on a port of
its own bound to loopback, never on the chat's public port.

    redirection-bot serve --store redis://127.0.0.1:6379/0 --metrics-port 9464
    curl -s http://127.0.0.1:9464/metrics

Labels come from fixed sets only: a route name, an error code, a screening band. Nothing a
person typed, no session, no address, no flow or state name (P7).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.screening import Screening
from bot.web.errors import WebError
from bot.web.state import ENGINE, STORE

__all__ = ["METRICS_HOST", "Metrics", "install_metrics", "metrics_app"]

log = logging.getLogger(__name__)

METRICS_HOST = "127.0.0.1"
"""The metrics port listens here only: the organisation's scraper runs on the same host."""

ROUTES = {
    "/api/v1/start": "start",
    "/api/v1/turn": "turn",
    "/api/v1/end": "end",
    "/chat": "chat",
}
"""Conversation routes measured, by their (fixed) route name."""

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 408: "timeout", 413: "too_large"}
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
STORE_CHECK_TIMEOUT = 2.0


class Metrics:
    """The process's metrics, in a registry of their own (not the library's global one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter("redirection_bot_turns", "Conversation requests answered, by route",
                             ["route"], registry=r)
        self.latency = Histogram("redirection_bot_turn_seconds", "Time to answer a conversation request",
                                 ["route"], buckets=BUCKETS, registry=r)
        self.errors = Counter("redirection_bot_errors", "Error replies, by error code", ["code"], registry=r)
        self.live = Gauge("redirection_bot_live_sessions", "Live sessions in the store", registry=r)
        self.store_up = Gauge("redirection_bot_store_up", "1 if the session store answered the last check",
                              registry=r)
        self.store_seconds = Gauge("redirection_bot_store_check_seconds",
                                   "Time the session store took to answer the last check", registry=r)
        self.screened = Counter("redirection_bot_screened", "Screened texts, by screening band",
                                ["band"], registry=r)
        for route in ROUTES.values():
            self.turns.labels(route=route)
        for band in ("none", "check_in", "crisis"):
            self.screened.labels(band=band)

    def render(self) -> bytes:
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)


def install_metrics(app: web.Application, metrics: Metrics) -> None:
    """Measure ``app`` (call before it starts): its conversation routes, its errors, and the
    screening bands of its engine's screen hook."""
    app[METRICS] = metrics
    app.middlewares.append(_measure(metrics))
    engine = app[ENGINE]
    screen = engine.screen
    if screen is not None:

        def screened(text: str, locale: str) -> Screening | Sequence[str]:
            found = screen(text, locale)
            if isinstance(found, Screening):
                band = "crisis" if found.sure else "check_in" if found.unsure else "none"
            else:
                band = "crisis" if found else "none"
            metrics.screened.labels(band=band).inc()
            return found

        engine.screen = screened


def _measure(metrics: Metrics) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        route = ROUTES.get(resource.canonical) if resource is not None else None
        started = time.perf_counter()
        try:
            response = await handler(request)
        except WebError as err:
            metrics.errors.labels(code=err.code).inc()
            raise
        except web.HTTPException as exc:
            if exc.status >= 400:
                metrics.errors.labels(code=HTTP_CODES.get(exc.status, str(exc.status))).inc()
            raise
        except (asyncio.CancelledError, ConnectionError):
            raise
        except Exception:
            metrics.errors.labels(code="internal").inc()
            raise
        if route is not None and request.method == "POST":
            metrics.turns.labels(route=route).inc()
            metrics.latency.labels(route=route).observe(time.perf_counter() - started)
        return response

    return middleware


def metrics_app(chat: web.Application) -> web.Application:
    """The app of the private port: ``GET /metrics`` of ``chat`` (after ``chat`` started)."""
    app = web.Application()

    async def metrics(request: web.Request) -> web.Response:
        m = chat[METRICS]
        started = time.perf_counter()
        try:
            async with asyncio.timeout(STORE_CHECK_TIMEOUT):
                live = await chat[STORE].count()
        except Exception as exc:  # any failure is the store being down, as far as a scrape goes
            log.warning("store check failed: %s", type(exc).__name__)
            m.store_up.set(0)
        else:
            m.store_up.set(1)
            m.live.set(live)
        m.store_seconds.set(time.perf_counter() - started)
        return web.Response(body=m.render(), headers={"Content-Type": CONTENT_TYPE_LATEST,
                                                       "Cache-Control": "no-store"})

    app.add_routes([web.get("/metrics", metrics)])
    return app
