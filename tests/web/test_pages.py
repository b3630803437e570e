"""The pages without JavaScript: the whole program through HTML forms, help and leaving on every
screen, errors as pages with the resources. Runs against both session stores."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from bot.engine import Engine
from tests.web.conftest import CANARY
from tests.web.helpers import TO_MENU, TO_REASON, hidden_fields

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def post(client: Any, status: int = 200, **fields: Any) -> str:
    resp = await client.post("/chat", data=fields)
    assert resp.status == status, await resp.text()
    return str(await resp.text())


def state(html: str) -> dict[str, str]:
    return hidden_fields(html, "options") if 'id="options"' in html else hidden_fields(html)


async def test_start_page_says_what_this_is_and_how_to_leave(client: Any) -> None:
    resp = await client.get("/")
    html = await resp.text()
    assert resp.status == 200 and resp.content_type == "text/html"
    assert '<html lang="en">' in html
    assert "not a person" in html and "no cookies" in html and "Leave quickly" in html
    assert 'action="/chat"' in html and 'name="locale"' in html
    assert "Get help now" in html


async def test_start_page_in_spanish(client: Any) -> None:
    html = await (await client.get("/?locale=es")).text()
    assert '<html lang="es">' in html and "Salir rápido" in html
    html = await (await client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})).text()
    assert '<html lang="es">' in html


async def test_a_full_module_without_javascript(client: Any) -> None:
    html = await post(client, action="start", locale="en")
    assert "Hello. This is a self-help program" in html
    for choice in (*TO_MENU, *TO_REASON):
        html = await post(client, **state(html), choice=choice)
    assert '<textarea id="text" name="text"' in html and 'maxlength="300"' in html
    html = await post(client, **hidden_fields(html, "text-form"), text="<b>my kids</b> & me")
    assert "&lt;b&gt;my kids&lt;/b&gt; &amp; me" in html  # the user's words, escaped
    assert "<b>my kids</b>" not in html
    html = await post(client, **state(html), choice="right")
    html = await post(client, **hidden_fields(html, "text-form"), text="menu")
    html = await post(client, **state(html), choice="finish")
    assert "Thank you for spending this time on change" in html
    assert 'id="ended"' in html and 'value="start"' in html
    assert 'name="session"' not in html  # the ended session is not carried on


async def test_every_chat_screen_has_help_and_leave(client: Any) -> None:
    html = await post(client, action="start", locale="es")
    for choice in (*TO_MENU, *TO_REASON, "skip"):
        assert "data-help" in html and "data-leave" in html
        assert "Buscar ayuda ahora" in html and "Salir rápido" in html
        html = await post(client, **state(html), choice=choice)


async def test_help_control_without_javascript_and_resume(client: Any) -> None:
    html = await post(client, action="start", locale="en")
    help_form = hidden_fields(re.search(r"<form[^>]*data-help.*?</form>", html, re.S).group(0))
    assert help_form["action"] == "help"
    html = await post(client, **help_form)
    assert "call your emergency number now" in html
    html = await post(client, **state(html), choice="back")
    assert "Tell me more" in html  # back where the user was


async def test_help_page_without_a_session(client: Any) -> None:
    html = await (await client.get("/help?locale=es")).text()
    assert "llama ahora a tu número de emergencias" in html


async def test_leave_quickly_ends_the_session_and_goes_to_a_neutral_page(client: Any) -> None:
    html = await post(client, action="start", locale="en")
    html = await post(client, **state(html), choice="continue")
    leave = hidden_fields(re.search(r"<form[^>]*data-leave.*?</form>", html, re.S).group(0))
    resp = await client.post("/chat", data=leave, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/away"
    away = await (await client.get("/away")).text()
    assert "houseplants" in away and "chat" not in away.lower() and "<script" not in away
    html = await post(client, status=410, **state(html), choice="continue")
    assert "has ended or timed out" in html


async def test_a_double_submit_shows_the_same_page(client: Any) -> None:
    html = await post(client, action="start", locale="en")
    fields = state(html)
    first = await post(client, **fields, choice="continue")
    again = await post(client, **fields, choice="continue")
    assert first.count("how_to_leave") == again.count("how_to_leave")
    assert 'value="understood"' in again


async def test_going_back_and_answering_an_old_screen_is_a_409_page_with_help(client: Any) -> None:
    html = await post(client, action="start", locale="en")
    old = state(html)
    html = await post(client, **old, choice="continue")
    await post(client, **state(html), choice="ready")
    page = await post(client, 409, **old, choice="continue")
    assert "earlier question" in page and "call your emergency number now" in page


async def test_a_crisis_typed_on_an_old_screen_opens_help_not_a_409(client: Any) -> None:
    """Back in the history (or a second tab) and typing a crisis there: the words are not an
    answer to the old screen, but they are heard (S1). The page is the suicide path's."""
    html = await post(client, action="start", locale="en")
    old = state(html)
    html = await post(client, **old, choice="continue")
    await post(client, **state(html), choice="understood")
    page = await post(client, **old, text="I'm going to kill myself tonight")
    assert "earlier question" not in page
    assert "Thoughts like these can feel unbearable" in page and "call your emergency number now" in page


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        pytest.param("action=start&locale=xx", 400, "not available", id="unknown-locale"),
        pytest.param("session=abc&seq=x&choice=a", 400, "expected form", id="bad-seq"),
        pytest.param("session=abc&seq=0", 400, "expected form", id="no-input"),
        pytest.param("action=dance&session=abc&seq=0", 400, "expected form", id="unknown-action"),
        pytest.param("session=abc&seq=0&text=%FF%FE", 400, "expected form", id="invalid-utf8"),
        pytest.param("session=abc&seq=0&choice=a", 410, "has ended", id="unknown-session"),
        pytest.param("a=1&" * 40, 400, "expected form", id="too-many-fields"),
        pytest.param("text=" + "x" * 70_000, 413, "too much", id="huge-body"),
    ],
)
async def test_bad_forms_are_pages_with_help(
    client: Any, body: str, status: int, needle: str
) -> None:
    resp = await client.post("/chat", data=body.encode(), headers=FORM)
    html = await resp.text()
    assert resp.status == status
    assert needle in html
    assert "call your emergency number now" in html and "Get help now" in html


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"action": "dance"}, id="unknown-action"),
        pytest.param({"seq": "x"}, id="bad-seq"),
        pytest.param({"choice": None}, id="no-input"),
    ],
)
async def test_a_bad_form_in_a_session_speaks_its_language(client: Any, bad: dict[str, Any]) -> None:
    """A hand-made or broken form inside a Spanish chat gets the error, and the help, in Spanish."""
    fields = {**state(await post(client, action="start", locale="es")), "choice": "continue", **bad}
    resp = await client.post("/chat", data={k: v for k, v in fields.items() if v is not None})
    html = await resp.text()
    assert resp.status == 400
    assert '<html lang="es">' in html and "forma esperada" in html
    assert "expected form" not in html and "call your emergency number now" not in html


async def test_a_json_post_to_the_page_is_refused_clearly(client: Any) -> None:
    resp = await client.post("/chat", json={"action": "start"})
    assert resp.status == 415
    assert "call your emergency number now" in await resp.text()


async def test_unknown_page_is_404_with_help(client: Any) -> None:
    resp = await client.get("/nothing-here")
    assert resp.status == 404
    html = await resp.text()
    assert "does not exist" in html and "call your emergency number now" in html


async def _store_dump(store: Any) -> str:
    """Everything the store holds, as text."""
    if hasattr(store, "client"):
        out = []
        for key in await store.client.keys("*"):
            if await store.client.type(key) == b"hash":
                out.append(str(await store.client.hgetall(key)))
        return "".join(out)
    return str(store._data)


async def test_an_answer_is_a_page_shown_once_at_an_address_without_the_token(
    client: Any, store: Any
) -> None:
    resp = await client.post("/chat", data={"action": "start", "locale": "en"},
                             allow_redirects=False)
    assert resp.status == 303
    where = resp.headers["Location"]
    assert re.fullmatch(r"/chat/[A-Za-z0-9_-]{43}", where)
    page = await (await client.get(where)).text()
    fields = state(page)
    assert "Hello. This is a self-help program" in page and fields["session"] not in where
    # a typed message: shown back on the next page, but the store cannot read it
    resp = await client.post("/chat", data={**fields, "text": f"My {CANARY} Words"},
                             allow_redirects=False)
    where = resp.headers["Location"]
    dump = await _store_dump(store)
    assert CANARY not in dump and fields["session"] not in dump
    assert f"My {CANARY} Words" in await (await client.get(where)).text()
    # Back, Forward or a reload of that address: a readable page, nothing of the chat
    again = await client.get(where)
    html = await again.text()
    assert again.status == 410 and "This page has expired" in html
    assert CANARY not in html and "self-help program" not in html and 'name="session"' not in html
    assert (await client.get("/chat/not-a-ticket")).status == 410


async def test_leave_quickly_is_immediate_when_the_store_hangs_or_fails(
    aiohttp_client: Any, flowset: Any
) -> None:
    from bot.web import WebConfig, create_app
    from bot.web.store import StoreError
    from bot.web.store.memory import MemoryStore
    from tests.web.conftest import make_client

    release = asyncio.Event()

    class Stuck(MemoryStore):
        mode = "fine"

        async def delete(self, key: str) -> None:
            if self.mode == "fine":
                return await super().delete(key)
            if self.mode == "fail":
                raise StoreError("redis: ConnectionError")
            await release.wait()
            await super().delete(key)

    store = Stuck(idle_timeout=600, max_sessions=100)
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(), store=store))
    for mode in ("hang", "fail"):
        store.mode = "fine"
        page = await post(client, action="start", locale="en")
        leave = hidden_fields(re.search(r"<form[^>]*data-leave.*?</form>", page, re.S).group(0))
        store.mode = mode
        resp = await asyncio.wait_for(
            client.post("/chat", data=leave, allow_redirects=False), timeout=5)
        assert resp.status == 303 and resp.headers["Location"] == "/away"
        assert not release.is_set()  # answered while the store was still busy ending it
    release.set()
