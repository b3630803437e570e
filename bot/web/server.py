"""Running the app: no access log, short keep-alive, scrubbed library logs, a deadline for the
first request head, and aiohttp's own error replies (malformed HTTP, before any route runs)
given the strict headers and the same help as every other error, never an echo of the
offending bytes."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import os
import re
import signal
import threading
from http import HTTPStatus
from pathlib import Path
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import PayloadEncodingError
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from bot.engine import Engine
from bot.logs import scrub_library_logs
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.errors import WebError
from bot.web.headers import strict_headers
from bot.web.metrics import METRICS_HOST, Metrics, install_metrics, metrics_app
from bot.web.middleware import render_error
from bot.web.state import CONFIG

__all__ = ["ChatRunner", "serve"]

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 1.0
"""Seconds a request in flight may take to finish after SIGTERM, then again to be cancelled
(aiohttp waits 60 s each by default)."""
EXIT_DEADLINE = 4.5
"""Seconds after SIGTERM past which the process exits whatever is still running: a cancellation
lost inside a library's ``asyncio.wait_for`` (Python 3.11, gh-86296) must not keep it alive."""


_API_LINE = re.compile(rb"^[^ \r\n]{1,16} /api/")
"""The start of a request line for the JSON API: its low-level errors answer in JSON."""
_LOW_LEVEL_CODES = {408: "timeout", 413: "too_large", 431: "too_large"}


class _Bare:
    """What the error renderers read of a request (``app``, ``headers``, ``path``), for a
    request that aiohttp refused before any route or middleware saw it."""

    def __init__(self, app: web.Application, headers: Any, api: bool) -> None:
        self.app = self.config_dict = app
        self.headers = headers
        self.path = "/api/" if api else "/"
        self.method = "POST"


class _Handler(RequestHandler):
    """A connection that must send its first request head within the server's head timeout
    (aiohttp has none: a client trickling header bytes would hold the connection open), and
    whose malformed requests get the same replies as any other error: JSON with help under
    ``/api/``, the error page with help elsewhere (S3)."""

    __slots__ = ("_api", "_head_timer")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._api = False
        timeout: float = getattr(self._manager, "head_timeout", 10.0)
        self._head_timer = self._loop.call_later(timeout, self._head_deadline)

    def data_received(self, data: bytes) -> None:
        if data[:1].isalpha():  # a request line (or a form body, which is not under /api/)
            self._api = bool(_API_LINE.match(data))
        super().data_received(data)

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
        headers: dict[str, str] = getattr(self._manager, "strict_headers", {})
        app: web.Application | None = getattr(self._manager, "app", None)
        resp: web.StreamResponse
        if app is None:
            resp = web.Response(status=status, text=f"{status} {HTTPStatus(status).phrase}\n")
        else:
            code = _LOW_LEVEL_CODES.get(status, "invalid_request" if status < 500 else "internal")
            if isinstance(exc, PayloadEncodingError):  # e.g. a Content-Encoding we cannot undo
                code = "unreadable"
            bare = _Bare(app, request.headers, getattr(self, "_api", False))
            resp = render_error(cast(web.Request, bare), WebError(status, code))
        resp.headers.update(headers)
        resp.force_close()
        return resp


class _Server(web.Server):
    strict_headers: dict[str, str]
    head_timeout: float
    app: web.Application
    max_connections: int
    order: dict[RequestHandler, None]
    """Open connections, oldest first."""

    def __call__(self) -> RequestHandler:
        return _Handler(self, loop=self._loop, **self._kwargs)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self.order[handler] = None
        if len(self.order) > self.max_connections:
            self._shed(handler)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        self.order.pop(handler, None)
        super().connection_lost(handler, exc)

    def _shed(self, newest: RequestHandler) -> None:
        """Close the oldest connection that never sent a request; if every one has, the newest."""
        victim = next((h for h in self.order if h is not newest
                       and getattr(h, "_request_count", 1) == 0), newest)
        self.order.pop(victim, None)
        if victim.transport is not None:
            victim.transport.close()


class ChatRunner(web.AppRunner):
    """An ``AppRunner`` whose connections answer malformed requests with the strict headers."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server
        assert isinstance(server, _Server)
        server.strict_headers = strict_headers(self.app[CONFIG].frame_ancestors)
        server.head_timeout = self.app[CONFIG].head_timeout
        server.app = self.app
        server.max_connections = self.app[CONFIG].max_connections
        server.order = {}
        return server


async def _serve(
    engine: Engine, config: WebConfig, host: str, port: int,
    watch: Path | None = None, watch_interval: float = 1.0,
    metrics_port: int | None = None, reuse_port: bool = False,
) -> None:
    connections = raise_open_file_limit(config.max_connections)
    if connections != config.max_connections:
        config = dataclasses.replace(config, max_connections=connections)
    app = create_app(engine, config)
    if metrics_port is not None:
        install_metrics(app, Metrics())
    if watch is not None:  # serve --reload
        from bot.web.reload import reload_ctx

        app.cleanup_ctx.append(reload_ctx(watch, watch_interval))
    runner = ChatRunner(
        app, access_log=None, handle_signals=False, keepalive_timeout=15.0,
        handler_cancellation=True, shutdown_timeout=SHUTDOWN_GRACE,
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
        _exit_deadline(EXIT_DEADLINE)
        log.info("stopping")
    finally:
        for other in runner_cleanups:
            await other.cleanup()
        await runner.cleanup()


def raise_open_file_limit(want: int) -> int:
    """Raise the soft open-file limit to the hard one; the connections that fit under it
    (``want`` at most, with room kept for the store, logs and files)."""
    try:
        import resource
    except ImportError:  # not on this platform: leave everything as it is
        return want
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d", soft)
    if soft == resource.RLIM_INFINITY:
        return want
    fits = max(16, soft - 64)
    if fits < want:
        log.warning("open-file limit %d: at most %d connections (not %d)", soft, fits, want)
    return min(want, fits)


def _exit_deadline(seconds: float) -> None:
    """A last resort, armed when a stop signal arrives: if shutdown has not finished ``seconds``
    later, flush the logs and leave the process (exit status 0: it was asked to stop)."""

    def leave() -> None:
        log.warning("shutdown did not finish within %.1f s; exiting now", seconds)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(0)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()


def serve(
    engine: Engine, config: WebConfig, *, host: str, port: int,
    watch: Path | None = None, watch_interval: float = 1.0,
    metrics_port: int | None = None, reuse_port: bool = False, **_: Any,
) -> None:
    """Serve until SIGINT or SIGTERM; with ``watch`` (a content folder), reload its edits; with
    ``metrics_port``, Prometheus metrics on that port of loopback; with ``reuse_port``, share
    the port with other processes (``serve --workers``)."""
    scrub_library_logs()
    asyncio.run(_serve(engine, config, host, port, watch, watch_interval, metrics_port, reuse_port))
