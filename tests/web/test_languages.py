"""Every language of the catalogs on the web: the start page's choice, the pages in that language,
the widget's ``data-locale`` words, and a conversation with the numbers of its country (issue 15:
Finnish and Polish, as ReDirection offers them). Derived from the catalogs, so a new catalog is
offered without code; the Finnish checks pin that the derivation really reaches it."""

from __future__ import annotations

import html as htmllib
import json
import re
from typing import Any

from bot.engine import Engine
from tests.web.helpers import TO_MENU, TO_REASON, hidden_fields, start, turn


async def test_the_start_page_offers_every_catalog_in_its_own_name(
    client: Any, shipped_engine: Engine
) -> None:
    page = await (await client.get("/")).text()
    offered = dict(re.findall(r'name="locale"[^>]*value="([^"]+)".*?lang="[^"]+">([^<]+)</label>', page, re.S))
    catalogs = shipped_engine.current.catalogs
    assert offered == {code: htmllib.escape(cat.meta.name) for code, cat in catalogs.items()}
    assert offered["fi"] == "Suomi"


async def test_the_start_page_in_finnish_by_choice_and_by_browser_language(client: Any) -> None:
    page = await (await client.get("/?locale=fi")).text()
    assert '<html lang="fi">' in page
    assert "Poistu nopeasti" in page and "Aloita keskustelu" in page
    assert re.search(r'value="fi" checked', page)
    page = await (await client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"})).text()
    assert '<html lang="fi">' in page


async def test_a_chat_started_in_finnish_without_javascript_stays_in_finnish(client: Any) -> None:
    resp = await client.post("/chat", data={"action": "start", "locale": "fi"})
    page = await resp.text()
    assert resp.status == 200 and '<html lang="fi">' in page
    assert 'data-locale="fi"' in page
    assert "Hei. Tämä on omatoiminen apuohjelma" in page
    page = await (await client.post("/chat", data={**hidden_fields(page, "options"), "choice": "continue"})).text()
    assert "Et tarvitse nimeä etkä tiliä." in page and "Hae apua nyt" in page


async def test_the_widget_has_words_for_every_catalog(client: Any, shipped_engine: Engine) -> None:
    script = await (await client.get("/widget.js")).text()
    found = re.search(r"var WORDS = (\{.*?\});\n", script, re.S)
    assert found, "the widget's words were not filled in"
    words = json.loads(found.group(1))
    catalogs = shipped_engine.current.catalogs
    assert set(words) == set(catalogs)
    for code, catalog in catalogs.items():
        assert words[code]["open"] == catalog.messages["web.widget.open"].render({})
    assert words["fi"]["open"] == "Avaa omatoiminen apukeskustelu"


async def test_a_finnish_crisis_message_gets_finlands_numbers_in_finnish(client: Any) -> None:
    reply = await start(client, "fi")
    for choice in (*TO_MENU, *TO_REASON):
        reply = await turn(client, reply, choice=choice)
    reply = await turn(client, reply, text="Mä en jaksa enää, haluun tappaa itteni")
    assert reply["flow"] == "crisis_suicide" and reply["locale"] == "fi"
    numbers = {r["id"]: r for r in reply["resources"]}
    assert numbers["fi_emergency"]["tel"] == "112"
    assert numbers["fi_mieli"]["number"] == "09 2525 0111"
    assert {r["country"] for r in reply["resources"]} <= {"FI", None}
    assert numbers["fi_mieli"]["name"] == "MIELI ry:n Kriisipuhelin"


async def test_the_urge_path_in_finnish_shows_a_number_and_never_mieli(client: Any) -> None:
    reply = await start(client, "fi")
    for choice in TO_MENU:
        reply = await turn(client, reply, choice=choice)
    reply = await turn(client, reply, text="mulla on tosi kova halu kattoo niitä kuvia nyt")
    assert reply["flow"] == "crisis_urge"
    ids = {r["id"] for r in reply["resources"]}
    assert "fi_mieli" not in ids  # MIELI says its line is not for this
    assert any(r["tel"] for r in reply["resources"])
    assert "fi_mielenterveystalo" in ids
