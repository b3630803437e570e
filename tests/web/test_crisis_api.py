"""Help first over the web (S6): the JSON reply of a crisis message carries its helplines as
data (``resources``, AGREEMENTS item 1), in the reply's language; the help page, the in-chat
help and error pages show one list, from one selection function."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.test_crisis import SENTENCES
from tests.web.helpers import TO_MENU, TO_REASON, check_schema, start, turn

FIELDS = {"id", "name", "description", "number", "tel", "sms", "url", "country", "kind"}


async def at_reason(client: Any, locale: str) -> dict[str, Any]:
    reply = await start(client, locale)
    for choice in (*TO_MENU, *TO_REASON):
        reply = await turn(client, reply, choice=choice)
    assert reply["state"] == "ask_reason"
    return reply


@pytest.mark.parametrize("locale", ["en", "es"])
async def test_the_first_json_reply_of_every_crisis_category_carries_phone_numbers(
    client: Any, flowset: Any, locale: str
) -> None:
    directory = {r.id: r for r in flowset.resources.resources}
    for category, sentence in SENTENCES[locale].items():
        reply = await turn(client, await at_reason(client, locale), text=sentence)
        check_schema("Reply", reply)
        assert reply["flow"] == flowset.program.crisis[category]
        dialable = [r for r in reply["resources"] if r["number"] and r["tel"]]
        assert dialable, category
        for r in reply["resources"]:
            assert set(r) == FIELDS
            assert r["name"] == directory[r["id"]].name[locale]
            assert r["description"] == directory[r["id"]].description[locale]
            assert re.fullmatch(r"\+?\d+", r["tel"] or "0")


async def test_a_reply_outside_a_crisis_path_carries_no_resources(client: Any) -> None:
    reply = await at_reason(client, "en")
    check_schema("Reply", reply)
    assert reply["resources"] == []


@pytest.mark.parametrize("locale", ["en", "es"])
async def test_help_page_error_pages_and_in_chat_help_show_the_same_list(
    client: Any, locale: str
) -> None:
    chat = await turn(client, await at_reason(client, locale), command="help")
    in_chat = [(r["id"], r["name"], r["number"]) for r in chat["resources"]]
    assert in_chat
    resp = await client.post("/api/v1/turn", json={"session": "gone", "seq": 0, "text": "x"},
                             headers={"Accept-Language": locale})
    error = await resp.json()
    check_schema("Error", error)
    assert [(r["id"], r["name"], r["number"]) for r in error["help"][1:]] == in_chat
    page = await (await client.get(f"/help?locale={locale}")).text()
    for _, name, number in in_chat:
        assert name in html.unescape(page)
        if number:
            assert re.search(r'<a class="tel" href="tel:[+\d]+">' + re.escape(html.escape(number)) + "</a>",
                             page), (name, number)
