"""Safety invariants at the web edge: S1 text is screened before the flow, S2 help is one step
away, S3 every failure shows the crisis resources, S4 an interruption ends by offering to
resume, S5 the web pages never claim a human reads or that the bot can alert anyone."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot.engine import Engine
from bot.web import WebConfig, create_app
from bot.web.resources import help_resources
from tests.web.conftest import CANARY, make_client
from tests.web.helpers import JSON, TO_MENU, TO_REASON, hidden_fields, start, turn


async def test_s1_free_text_is_screened_before_the_flow(aiohttp_client: Any, flowset: Any) -> None:
    seen: list[tuple[str, str]] = []

    def screen(text: str, locale: str) -> list[str]:
        seen.append((text, locale))
        return []

    client = await make_client(aiohttp_client, create_app(Engine(flowset, screen=screen)))
    r = await start(client, "es")
    await turn(client, r, text=f"{CANARY} api")
    html = await (await client.post("/chat", data={"action": "start", "locale": "en"})).text()
    await client.post("/chat", data={**hidden_fields(html, "options"), "text": f"{CANARY} form"})
    assert seen == [(f"{CANARY} api", "es"), (f"{CANARY} form", "en")]


async def test_s2_help_is_one_step_away_through_a_whole_module(client: Any) -> None:
    r = await start(client)
    path = [*(("choice", c) for c in (*TO_MENU, *TO_REASON)), ("text", "to be trusted"),
            ("choice", "right")]
    for kind, value in path:
        h = await turn(client, r, command="help")
        assert h["flow"] == "help" and any(m["key"] == "help.emergency" for m in h["messages"])
        r = await turn(client, h, choice="back")  # S4: back where the user was
        r = await turn(client, r, **{kind: value})


async def test_s4_an_interruption_ends_by_offering_to_resume(client: Any) -> None:
    r = await start(client)
    r = await turn(client, r, choice="continue")
    h = await turn(client, r, text="help")
    assert h["options"][0]["id"] == "back"
    back = await turn(client, h, choice="back")
    assert back["state"] == r["state"] and back["flow"] == r["flow"]


FAILURES = [
    ("/api/v1/turn", b"{", JSON),
    ("/api/v1/turn", b'{"session": "x", "seq": 0, "choice": "a"}', JSON),
    ("/api/v1/start", b'{"locale": "klingon"}', JSON),
    ("/api/v1/end", b"[]", JSON),
    ("/api/v1/turn", b"x" * 100_000, JSON),
    ("/api/v1/turn", b"{}", {"Content-Type": "text/plain"}),
    ("/chat", b"session=x&seq=0&choice=a", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("/chat", b"seq=zero", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("/chat", b"x" * 100_000, {"Content-Type": "application/x-www-form-urlencoded"}),
    ("/missing", b"", {}),
]


@pytest.mark.parametrize(("path", "body", "headers"), FAILURES, ids=lambda v: str(v)[:24])
@pytest.mark.parametrize("locale", ["en", "es"])
async def test_s3_every_failure_shows_every_resource(
    client: Any, flowset: Any, path: str, body: bytes, headers: dict[str, str], locale: str
) -> None:
    resp = await client.post(path, data=body, headers={**headers, "Accept-Language": locale})
    assert 400 <= resp.status < 500
    text = await resp.text()
    if resp.content_type == "text/html":
        shown = html.unescape(re.sub(r"<[^>]+>", "", text))  # what a person reads
        for resource in help_resources(flowset, locale):
            if resource.get("number"):  # a name and a number to tap
                assert resource["name"] in shown, (path, resource["id"])
                assert resource["number"] in shown, (path, resource["id"])
                assert f'href="tel:{resource["tel"]}"' in text, resource["id"]
            if resource.get("url"):  # a site to follow
                assert f'href="{resource["url"]}"' in text, resource["id"]
            if resource["kind"] == "advice":
                assert resource["text"] in shown, (path, resource["id"])
        return
    text = text.encode().decode("unicode_escape") if "\\u" in text else text
    for resource in help_resources(flowset, locale):
        assert resource["text"] in text, (path, resource["id"])


async def test_s3_a_server_error_still_shows_the_resources(
    aiohttp_client: Any, flowset: Any
) -> None:
    class Exploding(Engine):
        def turn(self, session: Any, user: Any) -> Any:
            raise RuntimeError("boom")

    client = await make_client(aiohttp_client, create_app(Exploding(flowset), WebConfig()))
    html = await (await client.post("/chat", data={"action": "start", "locale": "en"})).text()
    resp = await client.post("/chat", data={**hidden_fields(html, "options"), "choice": "continue"})
    assert resp.status == 500
    assert "call your emergency number now" in await resp.text()


def test_resources_come_from_the_directory_for_each_language(flowset: Any) -> None:
    for locale in flowset.catalogs:
        advice, *res = help_resources(flowset, locale)
        assert advice["text"] == flowset.catalogs[locale].messages["help.emergency"].render(None)
        # the same list as the chat's help (one selection function), each entry in the language
        assert [r["id"] for r in res] == [r.id for r in flowset.resources.for_help(locale)]
        assert [r["name"] for r in res] == [r.name[locale] for r in flowset.resources.for_help(locale)]
        assert res[0]["kind"] == "emergency" and all(r["number"] or r["url"] for r in res)
        assert all(r["text"].startswith(r["name"] + ": ") for r in res)
    assert help_resources(flowset, "xx") == help_resources(flowset, "en")
    assert "0808 1000 900" in {r["number"] for r in help_resources(flowset, "en")}


CLAIMS = re.compile(
    r"\b(counsell?or|therapist will|someone (will|is) (read|call|contact)|we will (call|contact|"
    r"alert|tell)|a (person|human) (is|will) (reading|read)|alguien (leerá|te llamará)|"
    r"te (llamaremos|contactaremos))", re.I,
)


def test_s5_web_texts_never_claim_a_human_or_an_alert(flowset: Any) -> None:
    for locale, catalog in flowset.catalogs.items():
        for key, template in catalog.messages.items():
            if key.startswith("web."):
                assert not CLAIMS.search(template.source), (locale, key)
