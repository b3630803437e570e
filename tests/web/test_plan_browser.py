"""The plan page in a real browser (Debian's chromium through Playwright): posted from a form
as the chat page's "Save or print my plan" button does, it shows the plan alone with the
person's words, loads nothing from elsewhere, breaks no CSP rule, and prints to a PDF."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.web.helpers import TO_MENU
from tests.web.servers import serving

WORDS = "Sunday nights alone with my laptop"


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return dict(json.load(resp))


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as (url, _):
        yield url


def test_the_plan_page_prints_alone(server: str, browser: Browser, tmp_path: Path) -> None:
    reply = _post(server + "/api/v1/start", {"locale": "en"})
    for choice in (*TO_MENU, "my_plan", "build"):
        reply = {**_post(server + "/api/v1/turn", {"session": reply["session"], "seq": reply["seq"],
                                                   "choice": choice})}
    reply = _post(server + "/api/v1/turn", {"session": reply["session"], "seq": reply["seq"], "text": WORDS})
    assert reply["plan"] is True
    token = reply["session"]

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # a form like the chat page's button: a plain POST of the hidden session field
    form = (f'<form method="post" action="{server}/plan"><input type="hidden" name="session" '
            f'value="{token}"><button type="submit">Save or print my plan</button></form>')
    page.set_content(form)
    with page.expect_navigation():
        page.get_by_role("button", name="Save or print my plan").click()
    expect(page.locator("h1")).to_have_text("My plan")
    expect(page.locator("#plan-warning")).to_contain_text(WORDS)
    expect(page.locator("#plan-people")).to_contain_text("0808 1000 900")
    expect(page.locator("main")).to_contain_text("Nothing of it is stored on the server")
    assert page.locator("form, button, input, textarea, script").count() == 0
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "none"
    pdf = page.pdf(path=str(tmp_path / "plan.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert [u for u in requests if not u.startswith(server)] == []
    assert errors == []
    context.close()
