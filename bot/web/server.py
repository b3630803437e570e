"""Running the app: no access log, short keep-alive, scrubbed library logs, a deadline for the
first request head, and aiohttp's own error replies (malformed HTTP, before any route runs)
given the strict headers and a generic text instead of an echo of the offending bytes."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from bot.engine import Engine, FlowSet
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.headers import strict_headers
from bot.web.logs import scrub_library_logs
from bot.web.metrics import METRICS_HOST, Metrics, install_metrics, metrics_app
from bot.web.state import CONFIG

__all__ = ["ChatRunner", "serve"]

log = logging.getLogger(__name__)


class _Handler(RequestHandler):
    """A connection that must send its first request head within the server's head timeout
    (aiohttp has none: a client trickling header bytes would hold the connection open)."""

    __slots__ = ("_head_timer",)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        timeout: float = getattr(self._manager, "head_timeout", 10.0)
        self._head_timer = self._loop.call_later(timeout, self._head_deadline)

    def _head_deadline(self) -> None:
        if self._request_count == 0 and self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def handle_error(
        self, request: BaseRequest, status: int = 500, exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        super().handle_error(request, status, exc, None)  # logs (scrubbed); raises if sent
        text = f"{status} {HTTPStatus(status).phrase}\n"
        headers: dict[str, str] = getattr(self._manager, "strict_headers", {})
        resp = web.Response(status=status, text=text, headers=headers)
        resp.force_close()
        return resp


class _Server(web.Server):
    strict_headers: dict[str, str]
    head_timeout: float

    def __call__(self) -> RequestHandler:
        return _Handler(self, loop=self._loop, **self._kwargs)


class ChatRunner(web.AppRunner):
    """An ``AppRunner`` whose connections answer malformed requests with the strict headers."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server
        assert isinstance(server, _Server)
        server.strict_headers = strict_headers(self.app[CONFIG].frame_ancestors)
        server.head_timeout = self.app[CONFIG].head_timeout
        return server


async def _serve(
    flowset: FlowSet | Engine, config: WebConfig, host: str, port: int,
    watch: Path | None = None, watch_interval: float = 1.0,
    metrics_port: int | None = None, reuse_port: bool = False,
) -> None:
    app = create_app(flowset, config)
    if metrics_port is not None:
        install_metrics(app, Metrics())
    if watch is not None:  # serve --reload
        from bot.reload import reload_ctx

        app.cleanup_ctx.append(reload_ctx(watch, watch_interval))
    runner = ChatRunner(
        app, access_log=None, handle_signals=False, keepalive_timeout=15.0,
        handler_cancellation=True,
    )
    await runner.setup()  # opens the store: a refused store stops start-up here
    runner_cleanups: list[web.AppRunner] = []
    gc.freeze()  # what start-up built lives for good: keep it out of the collector's way (p99)
    try:
        site = web.TCPSite(runner, host, port, backlog=512, reuse_port=reuse_port or None)
        await site.start()
        log.info("serving on http://%s:%d (store: %s)", host, port, config.store.split("://")[0])
        if metrics_port is not None:
            metrics_runner = web.AppRunner(metrics_app(app), access_log=None, handle_signals=False)
            await metrics_runner.setup()
            runner_cleanups.append(metrics_runner)
            await web.TCPSite(metrics_runner, METRICS_HOST, metrics_port).start()
            log.info("metrics on http://%s:%d/metrics", METRICS_HOST, metrics_port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        for other in runner_cleanups:
            await other.cleanup()
        await runner.cleanup()


def serve(
    flowset: FlowSet | Engine, config: WebConfig, *, host: str, port: int,
    watch: Path | None = None, watch_interval: float = 1.0,
    metrics_port: int | None = None, reuse_port: bool = False, **_: Any,
) -> None:
    """Serve until SIGINT or SIGTERM; with ``watch`` (a content folder), reload its edits; with
    ``metrics_port``, Prometheus metrics on that port of loopback; with ``reuse_port``, share
    the port with other processes (``serve --workers``)."""
    scrub_library_logs()
    asyncio.run(_serve(flowset, config, host, port, watch, watch_interval, metrics_port, reuse_port))
