"""Rendering details the browser suites do not reach: Reply.resources and Reply.plan (fields
other areas add), and phone numbers inside message text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.engine import FlowSet
from bot.web import WebConfig, create_app
from bot.web.conversation import Turn
from bot.web.pages import chat_page
from bot.web.phones import PhoneFinder, tel_href

TOKEN = "t" * 43


def reply(**extra: Any) -> dict[str, Any]:
    return {"seq": 4, "locale": "en", "ended": False, "input": "choice", "max_text": 2000,
            "messages": [{"key": "k", "text": "Call 0808 1000 900 now."}],
            "options": [{"id": "ok", "label": "OK"}], **extra}


def render(flowset: FlowSet, body: dict[str, Any], said: str | None = None) -> str:
    app = create_app(flowset, WebConfig())
    request = make_mocked_request("POST", "/chat", app=app)
    response = chat_page(request, Turn(TOKEN, body, said))
    assert response.text is not None
    return response.text


def test_reply_resources_are_tap_to_call_links_and_site_links(flowset: FlowSet) -> None:
    item = {"id": "stop_it_now_uk", "name": "Stop It Now", "description": "Confidential helpline",
            "number": "0808 1000 900", "tel": "+448081000900", "sms": None,
            "url": "https://www.stopitnow.org.uk/", "country": "GB", "kind": "prevention"}
    html = render(flowset, reply(resources=[item]))
    assert '<a class="tel" href="tel:+448081000900">0808 1000 900</a>' in html
    assert ('<a class="site" href="https://www.stopitnow.org.uk/" target="_blank" '
            'rel="noopener noreferrer">stopitnow.org.uk</a>') in html
    assert "Confidential helpline" in html
    assert "resources" not in render(flowset, reply()).split('id="log"')[1].split("</ol>")[0]


def test_the_plan_button_posts_the_session_to_a_new_tab(flowset: FlowSet) -> None:
    html = render(flowset, reply(plan=True))
    form = re.search(r'<form method="post" action="/plan"[^>]*>.*?</form>', html, re.S)
    assert form and 'target="_blank"' in form.group(0)
    assert f'<input type="hidden" name="session" value="{TOKEN}">' in form.group(0)
    assert "Save or print my plan" in form.group(0)
    assert 'action="/plan"' not in render(flowset, reply(plan=False))
    assert 'action="/plan"' not in render(flowset, reply())


def test_numbers_in_bot_text_are_links_but_not_in_what_the_person_typed(flowset: FlowSet) -> None:
    html = render(flowset, reply(), said="my number is 0808 1000 900 <b>")
    assert '<span class="text">my number is 0808 1000 900 &lt;b&gt;</span>' in html
    assert 'Call <a class="tel" href="tel:08081000900">0808 1000 900</a> now.' in html


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("Call 0808 1000 900 or 988.", ["0808 1000 900", "988"], id="two"),
        pytest.param("US 1-888-773-8368, Mexico 800 911 2000", ["1-888-773-8368", "800 911 2000"],
                     id="dashes-and-spaces"),
        pytest.param("Rate it from 0 to 10: 9, 8 or 988", ["988"], id="scale-numbers-are-not"),
        pytest.param("19881 and 9885 and 0988", [], id="inside-longer-digits-is-not"),
        pytest.param("a988 or 988b", [], id="inside-a-word-is-not"),
    ],
)
def test_phone_finder(text: str, found: list[str]) -> None:
    finder = PhoneFinder({"08081000900", "988", "18887738368", "8009112000"})
    pieces = finder.split(text)
    assert "".join(words for words, _ in pieces) == text
    assert [words for words, tel in pieces if tel] == found


def test_tel_href_keeps_only_digits_and_a_leading_plus() -> None:
    assert tel_href("+44 808 1000 900") == "tel:+448081000900"
    assert tel_href("1-888-773-8368") == "tel:18887738368"
