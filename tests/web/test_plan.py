"""POST /api/v1/plan and POST /plan: the person's plan alone, as a printable page with their own
words (escaped), no conversation and no controls; errors carry help."""

from __future__ import annotations

import re
from typing import Any

from tests.web.helpers import TO_MENU, check_schema, start, turn

REASON = "I want to stop because of my niece <b>& her friends</b>"


async def _with_reason(client: Any, locale: str = "en") -> dict[str, Any]:
    reply = await start(client, locale)
    assert reply["plan"] is False
    for choice in (*TO_MENU, "why_change", "unsure", "r0", "other"):
        reply = await turn(client, reply, choice=choice)
    reply = await turn(client, reply, text=REASON)
    if reply["flow"].startswith("check_in_"):  # screening unsure of "my niece": "No" keeps the answer
        reply = await turn(client, reply, choice="no")
    assert reply["plan"] is True
    check_schema("Reply", {**reply})
    return reply


async def test_the_plan_alone_with_the_persons_own_words(client: Any) -> None:
    reply = await _with_reason(client)
    resp = await client.post("/api/v1/plan", json={"session": reply["session"]})
    assert resp.status == 200
    assert resp.content_type == "text/html"
    assert resp.headers["Cache-Control"] == "no-store"
    page = await resp.text()
    assert "I want to stop because of my niece &lt;b&gt;&amp; her friends&lt;/b&gt;" in page
    assert "<b>" not in page
    assert "<h2>My reasons</h2>" in page and "<h2>People and services</h2>" in page
    assert "<h2>My warning signs and triggers</h2>" not in page  # no answer there yet
    assert "Nothing of it is stored on the server" in page
    assert "anyone who uses this device" in page
    # the plan alone: no conversation, no form, no button, no script
    for absent in ("<form", "<button", "<script", "Why change", "0808 1000 900 (free from the UK)" * 2):
        assert absent not in page
    assert re.search(r'<link rel="stylesheet" href="/static/plan.css">', page)
    css = await client.get("/static/plan.css")
    assert css.status == 200 and "@media print" in await css.text()


async def test_the_form_route_serves_the_same_page_in_spanish(client: Any) -> None:
    reply = await _with_reason(client, "es")
    resp = await client.post("/plan", data={"session": reply["session"]})
    assert resp.status == 200
    page = await resp.text()
    assert '<html lang="es">' in page and "<h1>Mi plan</h1>" in page
    assert "niece &lt;b&gt;" in page


async def test_an_unknown_session_is_gone_with_help(client: Any) -> None:
    resp = await client.post("/api/v1/plan", json={"session": "x" * 43})
    assert resp.status == 410
    body = await resp.json()
    check_schema("Error", body)
    assert body["error"]["code"] == "session_gone" and body["help"]
    resp = await client.post("/plan", data={"session": "x" * 43})
    assert resp.status == 410
    assert "Stop It Now" in await resp.text() or "help" in (await resp.text()).lower()


async def test_a_malformed_body_is_refused_with_help(client: Any) -> None:
    for body in ({}, {"session": 5}, {"session": "a", "seq": 1}):
        resp = await client.post("/api/v1/plan", json=body)
        assert resp.status == 400, body
        assert (await resp.json())["help"]
    resp = await client.post("/plan", data={})
    assert resp.status == 400


async def test_the_openapi_document_describes_the_plan(client: Any) -> None:
    doc = await (await client.get("/api/v1/openapi.json")).json()
    post = doc["paths"]["/api/v1/plan"]["post"]
    assert "text/html" in post["responses"]["200"]["content"]
    assert {"400", "410", "503"} <= set(post["responses"])
    assert doc["components"]["schemas"]["Reply"]["properties"]["plan"]["type"] == "boolean"
