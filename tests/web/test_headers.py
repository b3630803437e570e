"""The strict header set on every response: pages, API, errors, static files, the widget."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import Engine
from bot.web import WebConfig, create_app
from tests.web.conftest import make_client

REQUESTS = [
    ("GET", "/", None),
    ("GET", "/help", None),
    ("GET", "/away", None),
    ("GET", "/static/site.css", None),
    ("GET", "/static/chat.js", None),
    ("GET", "/widget.js", None),
    ("GET", "/favicon.ico", None),
    ("GET", "/api/v1/openapi.json", None),
    ("GET", "/nope", None),
    ("GET", "/static/nope.js", None),
    ("DELETE", "/", None),
    ("POST", "/api/v1/start", {"locale": "en"}),
    ("POST", "/api/v1/start", {"locale": "zz"}),
    ("POST", "/api/v1/turn", {"session": "x", "seq": 0, "choice": "a"}),
    ("POST", "/api/v1/end", {}),
    ("POST", "/chat", None),
]


def assert_strict(headers: Any, path: str) -> None:
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'")
    for directive in ("script-src 'self'", "style-src 'self'", "img-src 'self'",
                      "form-action 'self'", "frame-ancestors "):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    expected_corp = "cross-origin" if path == "/widget.js" else "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == expected_corp
    assert headers["Server"] == "redirection-bot"  # no versions of Python or aiohttp
    assert "Set-Cookie" not in headers


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS, ids=lambda v: str(v)[:30])
async def test_every_response_has_the_strict_headers(
    client: Any, method: str, path: str, body: Any
) -> None:
    resp = await client.request(method, path, json=body)
    await resp.read()
    assert_strict(resp.headers, path)


async def test_too_large_body_response_has_the_headers(client: Any) -> None:
    resp = await client.post("/api/v1/turn", data=b"x" * 200_000,
                             headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert_strict(resp.headers, "/api/v1/turn")


async def test_frame_ancestors_come_from_configuration(aiohttp_client: Any, flowset: Any) -> None:
    config = WebConfig(frame_ancestors=("https://help.example.org", "https://b.example"))
    client = await make_client(aiohttp_client, create_app(Engine(flowset), config))
    resp = await client.get("/")
    assert resp.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://help.example.org https://b.example")


async def test_no_frame_ancestors_means_none(aiohttp_client: Any, flowset: Any) -> None:
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(frame_ancestors=())))
    resp = await client.get("/")
    assert resp.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


async def test_static_files_have_their_types(client: Any) -> None:
    for path, ctype in [("/static/chat.js", "text/javascript"), ("/widget.js", "text/javascript"),
                        ("/static/site.css", "text/css")]:
        resp = await client.get(path)
        assert resp.status == 200 and resp.content_type == ctype
