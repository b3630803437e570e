"""A real chat server for tests that talk HTTP from another thread or process (``replay
--url``, Botium): the app as ``serve`` runs it, on a free loopback port, in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from bot.engine import Engine
from bot.web import WebConfig, create_app
from bot.web.server import ChatRunner


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chat_server(engine: Engine) -> Iterator[str]:
    """Serve ``engine`` on 127.0.0.1; yields the base URL, stops on exit."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    port = free_port()
    failure: list[BaseException] = []

    async def main() -> None:
        runner = ChatRunner(create_app(engine, WebConfig()), access_log=None,
                            handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
            ready.set()
            await stop.wait()
        finally:
            await runner.cleanup()

    def run() -> None:
        try:
            loop.run_until_complete(main())
        except BaseException as err:  # reported to the test below
            failure.append(err)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="chat-server", daemon=True)
    thread.start()
    assert ready.wait(60), "the chat server did not start"
    if failure:
        raise failure[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
