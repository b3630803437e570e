"""Privacy invariants P1-P5, in process (the subprocess checks are in test_serve.py):
no cookies, no token in a URL, no user text / address / agent in any log record or header,
nothing left in the store after end, quick exit or expiry, no-store everywhere and no
third-party request."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest

from bot.engine import Engine
from bot.logs import SCRUBBED_LOGGERS
from bot.web import WebConfig, create_app
from tests.web.conftest import CANARY, make_client, make_store
from tests.web.helpers import eventually, hidden_fields, start, turn


async def _store_is_empty(store: Any) -> bool:
    if hasattr(store, "client"):
        return int(await store.client.dbsize()) == 0
    return bool(store._data == {})


async def _walk(client: Any) -> list[Any]:
    """A conversation touching every kind of response; returns them all."""
    out = []
    for method, path in [("GET", "/"), ("GET", "/help"), ("GET", "/away"), ("GET", "/widget.js"),
                         ("GET", "/static/chat.js"), ("GET", "/static/site.css"), ("GET", "/x")]:
        resp = await client.request(method, path)
        await resp.read()
        out.append(resp)
    resp = await client.post("/chat", data={"action": "start", "locale": "en"})
    html = await resp.text()
    out.append(resp)
    resp = await client.post("/chat", data={**hidden_fields(html, "options"), "choice": "continue"})
    await resp.read()
    out.append(resp)
    resp = await client.post("/api/v1/start", json={})
    reply = await resp.json()
    out.append(resp)
    for body in ({"session": reply["session"], "seq": 0, "choice": "continue"},
                 {"session": reply["session"], "seq": 9, "choice": "continue"},
                 {"session": "nope", "seq": 0, "choice": "x"}):
        resp = await client.post("/api/v1/turn", json=body)
        await resp.read()
        out.append(resp)
    resp = await client.post("/api/v1/end", json={"session": reply["session"]})
    out.append(resp)
    return out


async def test_p1_no_set_cookie_ever(client: Any) -> None:
    for resp in await _walk(client):
        assert "Set-Cookie" not in resp.headers, resp.url


async def test_p5_every_response_is_no_store(client: Any) -> None:
    for resp in await _walk(client):
        assert resp.headers["Cache-Control"] == "no-store", resp.url


async def test_p2_no_token_in_any_url_or_redirect(client: Any) -> None:
    resp = await client.post("/chat", data={"action": "start", "locale": "en"})
    html = await resp.text()
    token = hidden_fields(html)["session"]
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    assert urls and not any(token in u for u in urls)
    assert not any("?" in u and "session" in u for u in urls)
    leave = await client.post("/chat", data={"session": token, "action": "exit"},
                              allow_redirects=False)
    assert token not in leave.headers["Location"]
    # the API never takes the token from a URL
    resp = await client.get(f"/api/v1/turn?session={token}&seq=0&choice=continue")
    assert resp.status == 405


async def test_p2_referrer_is_never_sent(client: Any) -> None:
    resp = await client.post("/chat", data={"action": "start", "locale": "en"})
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in await resp.text()


async def test_p3_canary_in_no_log_record_and_no_header(
    aiohttp_client: Any, flowset: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in (*SCRUBBED_LOGGERS, "bot"):
        caplog.set_level(logging.DEBUG, logger=name)

    class Exploding(Engine):
        def turn(self, session: Any, user: Any) -> Any:
            if user.text and "explode" in user.text:
                raise RuntimeError(f"boom {user.text}")
            return super().turn(session, user)

    client = await make_client(aiohttp_client, create_app(Exploding(flowset), WebConfig()))
    ua = {"User-Agent": f"Mozilla/5.0 {CANARY}-agent", "X-Forwarded-For": "203.0.113.77"}
    responses = []
    r = await start(client)
    for text in (CANARY, f"{CANARY} explode", "x" * 2001 + CANARY):
        resp = await client.post("/api/v1/turn", headers=ua,
                                 json={"session": r["session"], "seq": r["seq"], "text": text})
        await resp.read()
        responses.append(resp)
    for body in (f'{{"text": "{CANARY}"'.encode(), CANARY.encode() + b"\xff"):
        resp = await client.post("/api/v1/turn", data=body, headers={
            **ua, "Content-Type": "application/json"})
        await resp.read()
        responses.append(resp)
    resp = await client.get(f"/{CANARY}?q={CANARY}", headers=ua)
    responses.append(resp)
    resp = await client.post("/chat", data={"session": r["session"], "seq": "0", "text": CANARY},
                             headers=ua)
    responses.append(resp)
    # a malformed request straight to the socket: aiohttp's own error path
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(f"GET /{CANARY} HTTP/1.1\r\nHost: x\r\nBad\x00Header: {CANARY}\r\n\r\n".encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    assert raw.split(b" ")[1] == b"400"
    assert CANARY.encode() not in raw  # aiohttp would echo the bad header; ours does not
    assert b"Cache-Control: no-store" in raw and b"aiohttp" not in raw
    assert any(rec.name.startswith("aiohttp") for rec in caplog.records)
    formatter = logging.Formatter("%(message)s %(exc_info)s %(stack_info)s")
    for rec in caplog.records:
        line = formatter.format(rec)
        assert CANARY not in line, line
        for needle in ("127.0.0.1", "203.0.113.77", "Mozilla"):
            assert needle not in line, line
    for resp in responses:
        for name, value in resp.headers.items():
            assert CANARY not in value, name


async def test_p4_end_leaves_nothing_in_the_store(client: Any, store: Any) -> None:
    r = await start(client)
    await turn(client, r, choice="continue")
    await client.post("/api/v1/end", json={"session": r["session"]})
    assert await _store_is_empty(store)


async def test_p4_quick_exit_leaves_nothing_in_the_store(client: Any, store: Any) -> None:
    html = await (await client.post("/chat", data={"action": "start", "locale": "en"})).text()
    assert await _store_is_empty(store), "start stores nothing"
    html = await (await client.post("/chat", data={**hidden_fields(html, "options"),
                                                   "choice": "continue"})).text()
    assert not await _store_is_empty(store)
    await client.post("/chat", data={"session": hidden_fields(html)["session"], "action": "exit"},
                      allow_redirects=False)
    assert await _store_is_empty(store)


async def test_p4_an_ended_conversation_leaves_nothing(client: Any, store: Any) -> None:
    r = await start(client)
    r = await turn(client, r, choice="leave")
    assert r["ended"]
    assert await _store_is_empty(store)


async def test_p4_expiry_leaves_nothing(
    aiohttp_client: Any, flowset: Any, store_kind: str, redis_if_needed: str | None
) -> None:
    store = await make_store(store_kind, redis_if_needed, idle_timeout=0.2)
    app = create_app(Engine(flowset), WebConfig(sweep_interval=0.05), store=store)
    client = await make_client(aiohttp_client, app)
    r = await turn(client, await start(client, "es"), choice="continue")
    assert not await _store_is_empty(store)
    assert await eventually(lambda: _store_is_empty(store))  # idle 0.2 s, swept every 0.05 s
    err = await turn(client, r, status=410, choice="understood")
    assert err["help"]


async def test_p5_nothing_served_makes_the_browser_contact_a_third_party(client: Any) -> None:
    """Scripts and styles hold no absolute URL at all; pages hold none in an attribute (src,
    href, action, ...). A helpline's web address shown as text, for the user to visit by their
    own choice, is not a request the page makes."""
    absolute = r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}"
    for path in ("/static/chat.js", "/static/site.css", "/widget.js"):
        body = await (await client.get(path)).text()
        assert not re.search(absolute, body, re.I), (path, body[:200])
        assert "@import" not in body
    pages = [await (await client.get(p)).text() for p in ("/", "/help", "/away")]
    pages.append(await (await client.post("/chat", data={"action": "start", "locale": "en"})).text())
    in_attribute = re.compile(r"""=\s*["']?\s*""" + absolute + r"|url\(\s*[\"']?" + absolute, re.I)
    # a helpline's site is a link the person may follow (never loaded by the page itself), and
    # it sends no Referer
    site_link = re.compile(
        r'<a class="site" href="https://[^"]+" target="_blank" rel="noopener noreferrer">')
    for page in pages:
        assert not in_attribute.search(site_link.sub("", page)), page[:200]
        assert "@import" not in page
    assert site_link.search(pages[1]), "the help page links services' sites"
