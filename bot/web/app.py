"""``create_app``: the aiohttp application of the chat, with its store opened and closed by a
``cleanup_ctx`` and every response given the strict headers.

    app = create_app(FlowSet.from_paths(root / "flows", root / "locale"), WebConfig())
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from aiohttp import web

from bot.engine import Engine, FlowSet
from bot.web import api, pages, plan
from bot.web.config import WebConfig
from bot.web.conversation import Conversations
from bot.web.counting import install_counters
from bot.web.headers import install_headers
from bot.web.logs import scrub_library_logs
from bot.web.middleware import errors_middleware
from bot.web.render import setup_templates
from bot.web.state import CONFIG, CONVERSATIONS, ENGINE, STATIC, STORE, TEXTS
from bot.web.store import SessionStore, open_store
from bot.web.texts import Texts

__all__ = ["create_app"]

log = logging.getLogger(__name__)

#: How long shutdown waits for a background task to notice its stop event (then cancels it).
STOP_GRACE = 2.0

STATIC_FILES = {
    "chat.js": "text/javascript",
    "plan.css": "text/css",
    "site.css": "text/css",
    "widget.js": "text/javascript",
}


def create_app(
    flowset: FlowSet | Engine,
    config: WebConfig | None = None,
    *,
    store: SessionStore | None = None,
) -> web.Application:
    """The app; ``store`` overrides ``config.store`` (tests pass one in)."""
    scrub_library_logs()
    config = config or WebConfig()
    engine = flowset if isinstance(flowset, Engine) else Engine(flowset)
    app = web.Application(
        client_max_size=config.client_max_size,
        middlewares=[errors_middleware],
        # lingering: how long to drain a body we refused before closing (aiohttp: 10 s)
        handler_args={"max_line_size": 8190, "max_field_size": 8190, "lingering_time": 2.0},
    )
    app[CONFIG] = config
    app[ENGINE] = engine
    app[TEXTS] = Texts(engine)
    app[STATIC] = _load_static(app[TEXTS])
    setup_templates(app)
    install_headers(app, config.frame_ancestors)
    app.cleanup_ctx.append(_store_ctx(store))
    install_counters(app)  # after the store: its last flush runs before the store closes
    app.add_routes(pages.routes())
    app.add_routes(api.routes())
    app.add_routes(plan.routes())
    app.add_routes([
        web.get("/static/{name}", static),
        web.get("/widget.js", widget),
        web.get("/favicon.ico", favicon),
    ])
    return app


def _store_ctx(given: SessionStore | None) -> Any:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        cfg = app[CONFIG]
        store = given or await open_store(
            cfg.store, idle_timeout=cfg.idle_timeout, max_sessions=cfg.max_sessions,
            allow_persistent=cfg.allow_persistent_store,
        )
        app[STORE] = store
        app[CONVERSATIONS] = Conversations(app[ENGINE], store)
        stop = asyncio.Event()
        sweeper = asyncio.create_task(_sweep(store, cfg.sweep_interval, stop))
        try:
            yield
        finally:
            await stop_task(sweeper, stop, grace=STOP_GRACE)
            await store.close()

    return ctx


async def stop_task(task: asyncio.Task[None], stop: asyncio.Event, *, grace: float) -> None:
    """Ask a background task to finish by setting ``stop``, and wait at most ``grace`` seconds.

    A task is never stopped by cancellation alone: on Python 3.11 a cancellation that arrives as
    an ``asyncio.wait_for`` inside a library completes can be swallowed (CPython gh-86296), and an
    unbounded ``await`` of such a task hangs shutdown for ever. A task still running after the
    grace period is cancelled and left; shutdown goes on either way.
    """
    stop.set()
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            log.warning("background task did not stop within %.1f s; left behind", 2 * grace)
            return
    if not task.cancelled() and task.exception() is not None:
        log.warning("background task failed: %s", type(task.exception()).__name__)


async def _sweep(store: SessionStore, interval: float, stop: asyncio.Event) -> None:
    """Delete expired sessions now and then, so expiry removes them even if never touched; return
    as soon as ``stop`` is set (the wait is an event, not a sleep to be cancelled)."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await stop.wait()
        if stop.is_set():
            return
        try:
            gone = await store.sweep()
        except Exception as exc:  # the sweeper must outlive a store hiccup
            log.warning("sweep failed: %s", type(exc).__name__)
            continue
        if gone:
            log.info("expired %d session(s)", gone)


def _load_static(texts: Texts) -> dict[str, tuple[str, bytes]]:
    """Read the static files once; the widget gets its words from the catalogs."""
    root = resources.files("bot.web") / "static"
    out: dict[str, tuple[str, bytes]] = {}
    for name, ctype in STATIC_FILES.items():
        data = (root / name).read_text("utf-8")
        if name == "widget.js":
            words = {
                code: {"open": texts.t(code, "web.widget.open"),
                       "close": texts.t(code, "web.widget.close"),
                       "title": texts.t(code, "web.title"),
                       "refused": texts.t(code, "web.widget.refused"),
                       "new_tab": texts.t(code, "web.widget.new_tab")}
                for code, _ in texts.locales
            }
            data = data.replace("/*WORDS*/{}", json.dumps(words, ensure_ascii=False))
        out[name] = (ctype, data.encode("utf-8"))
    return out


async def static(request: web.Request) -> web.Response:
    item = request.app[STATIC].get(request.match_info["name"])
    if item is None or request.match_info["name"] == "widget.js":
        raise web.HTTPNotFound()
    ctype, body = item
    return web.Response(body=body, content_type=ctype, charset="utf-8")


async def widget(request: web.Request) -> web.Response:
    ctype, body = request.app[STATIC]["widget.js"]
    return web.Response(body=body, content_type=ctype, charset="utf-8")


async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)
