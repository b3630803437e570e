"""The library internals our code relies on are still there. aiohttp offers no public hook for
its own low-level error replies, for a deadline on the first request head or for the protocol
class; google-re2's wrapper has no allocation-free match. Upgrading past the bound in
pyproject.toml must fail here, naming what changed, rather than quietly at run time."""

from __future__ import annotations

import inspect

import re2
from aiohttp import web
from aiohttp.web_protocol import RequestHandler


def test_aiohttp_request_handler_internals_used_by_bot_web_server() -> None:
    slots = set()
    for cls in RequestHandler.__mro__:
        slots |= set(getattr(cls, "__slots__", ()))
    missing = {"_manager", "_request_count", "_loop"} - slots
    assert not missing, f"aiohttp RequestHandler lost {missing}: update bot/web/server.py _Handler"
    params = list(inspect.signature(RequestHandler.handle_error).parameters)
    assert params == ["self", "request", "status", "exc", "message"], (
        f"aiohttp RequestHandler.handle_error is now {params}: update _Handler.handle_error"
    )
    for name in ("connection_made", "connection_lost"):
        assert callable(getattr(RequestHandler, name))


async def test_aiohttp_server_and_runner_internals_used_by_bot_web_server() -> None:
    server = web.Server(lambda request: None)  # type: ignore[arg-type, return-value]
    assert isinstance(getattr(server, "_kwargs", None), dict), (
        "aiohttp Server._kwargs is gone: update bot/web/server.py _Server.__call__"
    )
    assert inspect.iscoroutinefunction(getattr(web.AppRunner, "_make_server", None)), (
        "aiohttp AppRunner._make_server is gone: update bot/web/server.py ChatRunner"
    )
    assert "shutdown_timeout" in inspect.signature(web.BaseRunner).parameters


def test_google_re2_binding_used_by_bot_screening() -> None:
    compiled = re2.compile("x")
    assert callable(getattr(compiled._regexp, "Match", None)), (
        "google-re2 _regexp.Match is gone: update bot/screening.py"
    )
    assert hasattr(re2._Anchor, "UNANCHORED"), "google-re2 _Anchor is gone: update bot/screening.py"
