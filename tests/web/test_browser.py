"""The chat in a real browser (Debian's chromium through Playwright), with JavaScript on and
off: a full module, the help path, leaving quickly, the widget on a host page of another
origin, nothing stored in the browser, no third-party request, and axe-core finding no
accessibility violations. Slow: a real server process, a real Redis, a real browser."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.paths import REPO_ROOT
from bot.web.tokens import digest
from tests.web.conftest import free_port
from tests.web.helpers import LABELS_TO_REASON
from tests.web.servers import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
HOST_PORT = free_port()
HOST = f"http://127.0.0.1:{HOST_PORT}"


@pytest.fixture(scope="module")
def redis_db(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url[:-1] + "1")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def server(redis_url: str, redis_db: redis.Redis) -> Iterator[str]:
    store = redis_url[:-1] + "1"
    with serving("--store", store, "--frame-ancestors", f"'self' {HOST}") as (url, _):
        yield url


@pytest.fixture(scope="module")
def host_page(server: str) -> Iterator[str]:
    """A host site on another origin that embeds the widget with one script tag."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host site</title>'
        f'<script src="{server}/widget.js" data-locale="es" defer></script></head>'
        "<body><main><h1>A host site</h1><p>Some content.</p></main></body></html>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", HOST_PORT), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield HOST + "/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (scripts/test installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """Every request a page makes, and every console error (CSP violations show there)."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def assert_clean(self, *origins: str) -> None:
        others = [u for u in self.urls if not u.startswith(origins)]
        assert others == [], f"requests to other origins: {others}"
        assert self.errors == [], self.errors


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def page(browser: Browser, js: bool) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=js)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def assert_nothing_stored(page: Page) -> None:
    """Cookies, localStorage and IndexedDB as the browser holds them (no page script needed),
    and sessionStorage and document.cookie as the page sees them."""
    state = page.context.storage_state(indexed_db=True)
    assert state["cookies"] == []
    for origin in state["origins"]:
        assert not origin.get("localStorage") and not origin.get("indexedDB"), origin
    stored = page.evaluate(
        "({cookie: document.cookie, local: localStorage.length, session: sessionStorage.length})"
    )
    assert stored == {"cookie": "", "local": 0, "session": 0}


def axe_violations(page: Page) -> list[Any]:
    page.evaluate(AXE.read_text("utf-8"))
    result: list[Any] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html)}))"
    )
    return result


def begin(page: Page, server: str, language: str = "English") -> None:
    spanish = language == "Español"
    page.goto(server + ("/?locale=es" if spanish else "/"))
    page.get_by_label(language).check()
    page.get_by_role("button", name="Empezar el chat" if spanish else "Start the chat").click()
    expect(page.locator("#log")).to_contain_text("autoayuda" if spanish else "self-help program")


def choose(page: Page, label: str) -> None:
    page.locator("#options").get_by_role("button", name=label, exact=True).click()


def test_a_full_module(page: Page, server: str, js: bool, redis_db: redis.Redis) -> None:
    watch = Watch(page)
    begin(page, server)
    key = session_key(page)
    assert not redis_db.exists(key)  # start stores nothing; the first answer creates it
    choose(page, "Tell me more")
    expect(page.locator("#log")).to_contain_text("Leave quickly")
    assert redis_db.exists(key)
    for label in LABELS_TO_REASON["en"][1:]:
        choose(page, label)
    page.get_by_label("Your answer").fill("I want my family to trust me")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#log")).to_contain_text("I want my family to trust me")
    choose(page, "Yes, that's it")
    page.get_by_label("Your answer").fill("menu")
    page.get_by_role("button", name="Send").click()
    choose(page, "End the conversation")
    expect(page.locator("#log")).to_contain_text("Thank you for spending this time on change")
    expect(page.get_by_role("button", name="Start a new chat")).to_be_visible()
    if js:
        # enhanced: the whole conversation is on one page, and focus followed it
        expect(page.locator("#log")).to_contain_text("Hello. This is a self-help program")
        assert page.evaluate("document.activeElement.textContent") == "Start a new chat"
    else:
        expect(page.locator("#log")).not_to_contain_text("Hello. This is a self-help program")
    assert_nothing_stored(page)
    watch.assert_clean(server)
    assert not redis_db.exists(key)  # the ended conversation is gone


def test_the_help_path(page: Page, server: str) -> None:
    watch = Watch(page)
    begin(page, server, "Español")
    choose(page, "Cuéntame más")
    page.locator("form[data-help]").get_by_role("button").click()
    expect(page.locator("#log")).to_contain_text("llama ahora a tu número de emergencias")
    choose(page, "Seguir donde estaba")
    expect(page.locator("#options")).to_contain_text("Entendido")
    assert_nothing_stored(page)
    watch.assert_clean(server)


def test_help_before_starting(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="Get help now").click()
    expect(page.locator("main")).to_contain_text("call your emergency number now")


def session_key(frame: Any) -> str:
    """The store key of the conversation on the page (or frame)."""
    token = frame.locator("input[name=session]").first.input_value()
    return "rb:s:" + digest(token)


def wait_gone(db: redis.Redis, key: str) -> None:
    deadline = time.monotonic() + 5
    while db.exists(key) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not db.exists(key), "the session is still in the store"


def test_leave_quickly_button(page: Page, server: str, redis_db: redis.Redis) -> None:
    begin(page, server)
    choose(page, "Tell me more")
    key = session_key(page)
    assert redis_db.exists(key)
    page.get_by_role("button", name="Leave quickly").click()
    page.wait_for_url(server + "/away")
    expect(page.locator("h1")).to_have_text("Caring for houseplants")
    wait_gone(redis_db, key)
    assert_nothing_stored(page)


def test_leave_quickly_with_shift_three_times(browser: Browser, server: str,
                                              redis_db: redis.Redis) -> None:
    context = browser.new_context()
    page = context.new_page()
    begin(page, server)
    choose(page, "Tell me more")
    key = session_key(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(server + "/away")
    wait_gone(redis_db, key)
    # the chat is not in the history to go back to
    page.go_back()
    assert "/chat" not in page.url or "Tell me more" not in page.content()
    context.close()


def test_the_widget_on_a_host_page(browser: Browser, server: str, host_page: str,
                                   redis_db: redis.Redis) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page)
    page.goto(host_page)
    launcher = page.locator("button[data-redirection-bot=launcher]")
    expect(launcher).to_have_text("Abrir el chat de autoayuda")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    frame = page.frame_locator("iframe[data-redirection-bot=frame]")
    frame.get_by_role("button", name="Empezar el chat").click()
    expect(frame.locator("#log")).to_contain_text("Hola")
    key = session_key(frame)
    frame.locator("#options").get_by_role("button", name="Cuéntame más").click()
    expect(frame.locator("#log")).to_contain_text("Salir rápido")
    # the host page can read nothing of the conversation
    seen = page.evaluate("""() => {
        const f = document.querySelector('iframe');
        let doc = null; try { doc = f.contentDocument; } catch (e) {}
        let text = null; try { text = f.contentWindow.document.body.innerText; } catch (e) {}
        return {doc: doc === null, text, body: document.body.innerText};
    }""")
    assert seen["doc"] and seen["text"] is None
    assert "Hola" not in seen["body"]
    for frame_ in page.frames:
        assert frame_.evaluate("document.cookie") == ""
        assert frame_.evaluate("localStorage.length + sessionStorage.length") == 0
    assert context.cookies() == []
    # leaving quickly inside the widget ends the session and closes the frame
    frame.get_by_role("button", name="Salir rápido").click()
    expect(page.locator("iframe")).to_have_count(0)
    wait_gone(redis_db, key)
    watch.assert_clean(server, HOST)
    context.close()


@pytest.mark.parametrize("where", ["start", "chat", "help", "error"])
@pytest.mark.parametrize("with_js", [True, False], ids=["js", "nojs"])
def test_axe_finds_no_violations(browser: Browser, server: str, where: str, with_js: bool) -> None:
    # axe.run needs JavaScript, so "without JavaScript" is the page with chat.js blocked: the
    # very DOM a browser with JavaScript off shows
    context = browser.new_context()
    if not with_js:
        context.route("**/static/chat.js", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    if where == "start":
        page.goto(server + "/")
    elif where == "help":
        page.goto(server + "/help?locale=es")
    elif where == "error":
        page.goto(server + "/no-such-page")
    else:
        begin(page, server)
        for label in LABELS_TO_REASON["en"]:
            choose(page, label)
        expect(page.get_by_label("Your answer")).to_be_visible()
    try:
        assert axe_violations(page) == []
    finally:
        context.close()



def test_an_error_in_the_live_chat_shows_the_resources(browser: Browser, server: str) -> None:
    import json
    import urllib.request

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    choose(page, "Tell me more")  # the first answer creates the session
    token = page.locator("input[name=session]").first.input_value()
    req = urllib.request.Request(
        server + "/api/v1/end", data=json.dumps({"session": token}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    urllib.request.urlopen(req, timeout=10).close()  # the session expires behind the page's back
    choose(page, "Understood")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("has ended or timed out")
    expect(alert).to_contain_text("call your emergency number now")
    expect(page.get_by_role("button", name="Start a new chat")).to_be_visible()
    context.close()
