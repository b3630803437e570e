"""Running the app: no access log, short keep-alive, scrubbed library logs."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.engine import FlowSet
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.logs import scrub_library_logs

__all__ = ["serve"]

log = logging.getLogger(__name__)


async def _serve(flowset: FlowSet, config: WebConfig, host: str, port: int) -> None:
    app = create_app(flowset, config)
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, keepalive_timeout=15.0,
        handler_cancellation=True,
    )
    await runner.setup()  # opens the store: a refused store stops start-up here
    try:
        site = web.TCPSite(runner, host, port, backlog=512)
        await site.start()
        log.info("serving on http://%s:%d (store: %s)", host, port, config.store.split("://")[0])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(flowset: FlowSet, config: WebConfig, *, host: str, port: int) -> None:
    scrub_library_logs()
    asyncio.run(_serve(flowset, config, host, port))
