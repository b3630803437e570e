"""The chat in a real browser (Debian's chromium through Playwright), with JavaScript on and
off: a full module, the help path, leaving quickly, the widget on a host page of another
origin, nothing stored in the browser, no third-party request, and axe-core finding no
accessibility violations. Slow: a real server process, a real Redis, a real browser."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from playwright.sync_api import Browser, Page, expect

from bot.paths import REPO_ROOT
from bot.web.tokens import digest
from tests.web.conftest import free_port
from tests.web.helpers import LABELS_TO_REASON, wait_until
from tests.web.servers import serving

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


@contextmanager
def host_site(server: str, port: int) -> Iterator[str]:
    """A host site on another origin that embeds the widget with one script tag."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host site</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
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

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def host_page(server: str) -> Iterator[str]:
    """A host the server lets frame the chat (``--frame-ancestors``)."""
    with host_site(server, HOST_PORT) as url:
        yield url


@pytest.fixture(scope="module")
def refused_host_page(server: str) -> Iterator[str]:
    """A host that embeds the widget without being in ``--frame-ancestors``."""
    with host_site(server, free_port()) as url:
        yield url


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


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Browser, js: bool) -> Iterator[Page]:
    """A phone-sized page (390 x 844, as the issue tried it), with JavaScript on or off."""
    context = browser.new_context(java_script_enabled=js, viewport=PHONE)
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


CHECK_IN = {"fi": ("Haluan tarkistaa yhden asian, jotta ymmärrän sinut oikein.", "Ei")}
"""The check-in's first line and its "No", by language (locale/<lang>/check_in.yaml)."""


def answered(page: Page, locale: str, reply: str) -> None:
    """What a person does when screening is unsure of an everyday answer: tap "No" on the
    check-in, and the answer is taken as it was (``reply`` shows). The model decides whether
    a given sentence gets a check-in, and a retrain may move it either way."""
    intro, no = CHECK_IN[locale]
    log = page.locator("#log")
    expect(log.get_by_text(intro).or_(log.get_by_text(reply, exact=False)).first).to_be_visible()
    if log.get_by_text(intro).count():
        choose(page, no)
    expect(log).to_contain_text(reply)


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


@pytest.mark.parametrize("js", [True], ids=["js"], indirect=True)
def test_help_tapped_while_a_turn_is_on_its_way_still_opens_the_help_path(page: Page, server: str) -> None:
    """A frightened person taps an option and then Help at once. Until session 30 the page
    dropped the Help tap while the first turn was on its way (a CI run caught it: the help path
    test, which taps Help right after an option, failed once). The first turn's answer is held
    here until Help has been tapped, so the race is the same on every run."""
    held: list[Any] = []

    def hold_first(route: Any) -> None:
        if not held:
            held.append(route)  # answered below, after the Help tap
        else:
            route.continue_()

    begin(page, server, "Español")
    page.route("**/api/v1/turn", hold_first)
    choose(page, "Cuéntame más")
    expect(page.locator("main")).to_have_attribute("aria-busy", "true")
    page.locator("form[data-help]").get_by_role("button").click()
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#log")).to_contain_text("No necesitas nombre ni cuenta")
    expect(page.locator("#log")).to_contain_text("llama ahora a tu número de emergencias")


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
    wait_until(lambda: not db.exists(key), "the session to leave the store", within=5)


def test_leave_quickly_button(page: Page, server: str, js: bool, redis_db: redis.Redis) -> None:
    begin(page, server)
    key = session_key(page)
    choose(page, "Tell me more")
    # the answer is stored once its reply shows (with JavaScript the click only starts a fetch)
    expect(page.locator("#log")).to_contain_text("Leave quickly")
    assert redis_db.exists(key)
    page.get_by_role("button", name="Leave quickly").click()
    page.wait_for_url(server + "/away")
    expect(page.locator("h1")).to_have_text("Caring for houseplants")
    wait_gone(redis_db, key)
    assert_nothing_stored(page)
    # Back after leaving: never the chat, never a browser error (go_back raises on one)
    page.go_back()
    assert "Tell me more" not in page.content()
    if js:  # the exit replaced the chat in the history: Back leaves the site
        assert page.url == "about:blank"
    else:  # the last page of the chat was shown once: Back finds a readable page
        expect(page.locator("h1")).to_have_text("This page has expired")


def test_back_mid_conversation_without_javascript_is_a_readable_page(browser: Browser,
                                                                      server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    choose(page, "Tell me more")
    expect(page.locator("#options")).to_contain_text("Understood")
    page.go_back()  # raised net::ERR_CACHE_MISS when every answer was a POST page
    expect(page.locator("h1")).to_have_text("This page has expired")
    expect(page.locator("main")).not_to_contain_text("self-help program")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("This page has expired")
    page.reload()
    expect(page.locator("h1")).to_have_text("This page has expired")
    context.close()


def type_like_a_person(page: Page, sentence: str) -> None:
    """Type ``sentence`` key by key, holding Shift for each capital as a person does."""
    for char in sentence:
        if char.isupper():
            page.keyboard.down("Shift")
            page.keyboard.press(char)
            page.keyboard.up("Shift")
        else:
            page.keyboard.press("Space" if char == " " else char)


def test_typing_capitals_never_exits_and_three_shift_taps_do(browser: Browser, server: str,
                                                            redis_db: redis.Redis) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    for label in LABELS_TO_REASON["en"]:
        choose(page, label)
    box = page.get_by_label("Your answer")
    expect(box).to_be_focused()  # a text step: focus is in the box, so Enter cannot skip
    sentence = "I Am So Tired Of This, I Really Am. Help Me Stop"
    type_like_a_person(page, sentence)
    expect(box).to_have_value(sentence)
    expect(page.locator("#tap-status")).to_have_text("")
    page.keyboard.press("Enter")
    expect(page.locator("#log")).to_contain_text(sentence)
    assert page.url == server + "/"  # still the chat: a dozen capitals never left
    # Shift held down for a long time (auto-repeat) and released is one tap, not three
    key = session_key(page)
    page.keyboard.down("Shift")
    page.keyboard.down("Shift")  # repeat=True
    page.keyboard.down("Shift")
    page.keyboard.up("Shift")
    taps_left = page.locator("#tap-status")  # said to screen readers, as GOV.UK's component does
    expect(taps_left).to_have_text("Shift pressed once. Press it 2 more times to leave quickly.")
    page.keyboard.press("Shift")
    expect(taps_left).to_have_text("Shift pressed twice. Press it once more to leave quickly.")
    assert page.url == server + "/"
    page.keyboard.press("Shift")  # the third tap
    page.wait_for_url(server + "/away")
    wait_gone(redis_db, key)
    # the exit replaced the chat in the history: Back goes to what came before the site
    page.go_back()
    assert page.url in ("about:blank", ""), page.url
    assert "self-help" not in page.content().lower()
    context.close()


def test_reload_mid_conversation_asks_first(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    choose(page, "Tell me more")
    with page.expect_event("dialog") as info:
        page.evaluate("setTimeout(() => location.reload(), 0)")
    dialog = info.value
    assert dialog.type == "beforeunload"
    dialog.dismiss()  # stay
    expect(page.locator("#log")).to_contain_text("Leave quickly")
    # tapping a number to call is not leaving: no question (Chromium sends beforeunload for tel:)
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    page.locator("form[data-help]").get_by_role("button").click()
    expect(page.locator("#log")).to_contain_text("call your emergency number now")
    page.locator("#log a[href='tel:988']").first.click()
    choose(page, "Continue where I was")  # the conversation goes on
    expect(page.locator("#options")).to_contain_text("Understood")
    assert asked == []
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


def test_leaving_quickly_in_a_frame_no_launcher_answers(browser: Browser, server: str, host_page: str,
                                                       redis_db: redis.Redis) -> None:
    """Inside a frame whose parent does not close it (the launcher's message lost, or a frame
    the launcher did not open), "Leave quickly" still blanks the chat at once and goes to the
    neutral page a moment later; the launcher closes only its own frame."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(host_page)
    page.evaluate("""(src) => {
        const f = document.createElement('iframe');
        f.id = 'bare'; f.src = src; f.style.width = '100%'; f.style.height = '40rem';
        document.body.appendChild(f);
    }""", server + "/?locale=es")
    frame = page.frame_locator("#bare")
    frame.get_by_role("button", name="Empezar el chat").click()
    expect(frame.locator("#log")).to_contain_text("Hola")
    key = session_key(frame)
    # the end request's answer is the event to wait for: the server deletes before it answers
    with page.expect_response(lambda r: r.url == server + "/api/v1/end") as ended:
        frame.get_by_role("button", name="Salir rápido").click()
    expect(frame.locator("body")).not_to_contain_text("Hola")
    chat = page.frame(url=lambda url: url.startswith(server))
    assert chat is not None
    chat.wait_for_url(server + "/away")
    expect(page.locator("#bare")).to_have_count(1)  # not the launcher's frame: left where it is
    assert ended.value.status == 204
    assert not redis_db.exists(key), "the session is still in the store"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("with_js", [True, False], ids=["js", "nojs"])
def test_axe_finds_no_violations(browser: Browser, server: str, scheme: str, with_js: bool) -> None:
    """Every page, at phone size, in light and dark mode. axe.run needs JavaScript, so "without
    JavaScript" is the page with chat.js blocked: the very DOM a browser with it off shows."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
    if not with_js:
        context.route("**/static/chat.js", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: dict[str, list[Any]] = {}

    def check(where: str) -> None:
        found[where] = axe_violations(page)

    try:
        for where, url in [("start", "/"), ("help", "/help?locale=es"), ("error", "/no-such-page"),
                           ("away", "/away"), ("expired", "/chat/" + "x" * 43)]:
            page.goto(server + url)
            check(where)
        begin(page, server)
        check("chat: first step")
        for label in LABELS_TO_REASON["en"][:7]:
            choose(page, label)
        check("chat: the 0-10 scale")
        for label in LABELS_TO_REASON["en"][7:]:
            choose(page, label)
        expect(page.get_by_label("Your answer")).to_be_visible()
        check("chat: a text step")
        page.locator("form[data-help]").get_by_role("button").click()
        expect(page.locator("#log")).to_contain_text("call your emergency number now")
        check("chat: the help reply")
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        context.close()


def on_screen(page: Page, selector: str) -> dict[str, float]:
    box = (page.locator(selector) if ">> nth" in selector else page.locator(selector).first).bounding_box()
    assert box is not None, selector
    return box


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


@pytest.mark.parametrize("size", [(390, 844), (360, 640), (320, 568)], ids=str)
def test_phone_layout(browser: Browser, server: str, size: tuple[int, int]) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server + "/")
    start = on_screen(page, "form.start button[type=submit]")
    assert start["y"] + start["height"] <= height, "the start button is below the first screen"
    assert no_sideways_scroll(page)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"
    begin(page, server)
    leave = on_screen(page, "[data-leave] button")
    assert leave["y"] + leave["height"] <= height and leave["height"] >= 44
    for label in LABELS_TO_REASON["en"][:7]:
        choose(page, label)
    # the 0-10 scale: eleven buttons of at least 44 x 44 px in at most three rows
    buttons = page.locator("#options.scale button")
    expect(buttons).to_have_count(11)
    boxes = buttons.evaluate_all("bs => bs.map(b => [b.offsetTop, b.offsetWidth, b.offsetHeight])")
    assert all(w >= 44 and h >= 44 for _, w, h in boxes), boxes
    assert len({top for top, _, _ in boxes}) <= 3, boxes
    choose(page, "8")
    expect(page.locator(".msg.you").last).to_have_text("You: 8")
    mine = on_screen(page, ".msg.you >> nth=-1")  # the bubble fits "8"
    assert mine["width"] < width * 0.3
    assert no_sideways_scroll(page)
    for selector in ("#options button", "#text-form button", "[data-help] button"):
        assert on_screen(page, selector)["height"] >= 44, selector
    context.close()


def test_text_zoom_to_200_percent_loses_nothing(browser: Browser, server: str) -> None:
    """WCAG 1.4.4 as a browser's text zoom does it: twice the font size, same viewport."""
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    # asked for no motion: focus moves jump, they do not glide
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # CSSOM: the CSP allows it
    assert no_sideways_scroll(page)
    for selector in ("[data-leave] button", "[data-help] button", "#options button", "#text"):
        box = on_screen(page, selector)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, selector
    context.close()


def test_help_and_crisis_replies_have_tel_links_and_every_step_a_text_box(
        page: Page, server: str, js: bool) -> None:
    page.goto(server + "/")
    start = on_screen(page, "form.start button[type=submit]")
    assert start["y"] + start["height"] <= PHONE["height"], "the start button is below the fold"
    begin(page, server)
    expect(page.locator("#text")).to_be_visible()
    # typing "help" on a step with buttons works as in the terminal
    page.get_by_label("Or type a message").fill("help")
    page.get_by_label("Or type a message").press("Enter")
    expect(page.locator("#log")).to_contain_text("call your emergency number now")
    tel = page.locator("#log a[href='tel:08081000900']").first
    expect(tel).to_have_text("0808 1000 900")
    assert tel.evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
    expect(page.locator("#log a[href='tel:18887738368']").first).to_have_text("1-888-773-8368")
    choose(page, "Continue where I was")
    for label in LABELS_TO_REASON["en"]:
        expect(page.locator("#text")).to_be_visible()  # every step of the module
        choose(page, label)
    box = page.get_by_label("Your answer")
    if js:
        expect(box).to_be_focused()
    box.fill("I Dont Want To Live Anymore")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#log")).to_contain_text("I Dont Want To Live Anymore")
    # the crisis path: a text box on every step, and its replies give numbers to tap
    for choice in ("no", "no", "no"):
        expect(page.locator("#text")).to_be_visible()
        page.locator(f"#options button[value='{choice}']").click()
    expect(page.locator("#log a[href='tel:988']").first).to_be_visible()
    expect(page.locator("#log a[href='tel:116123']").first).to_have_text("116 123")
    expect(page.locator("#text")).to_be_visible()
    assert_nothing_stored(page)


def say(page: Page, sentence: str) -> None:
    """Click the text box under the buttons, type ``sentence`` key by key and press Enter."""
    box = page.get_by_label("Or type a message")
    box.click()
    type_like_a_person(page, sentence)
    expect(box).to_have_value(sentence)
    page.keyboard.press("Enter")
    expect(page.locator("#log")).to_contain_text(sentence)


def test_yes_no_and_not_sure_typed_in_a_persons_own_words(page: Page, server: str) -> None:
    """A frightened person types their answer instead of tapping it, with capitals: "Yeah, I
    Think So" is a Yes, "Nope" a No and "Not Sure Tbh" a Not sure (bot/answers.py), on the
    suicide path's questions, and the path goes on to the numbers to tap. Before session 27 each
    got the same question again."""
    watch = Watch(page)
    begin(page, server)
    for label in LABELS_TO_REASON["en"]:
        choose(page, label)
    page.get_by_label("Your answer").fill("I Dont Want To Live Anymore")
    page.get_by_role("button", name="Send").click()
    log = page.locator("#log")
    expect(log).to_contain_text("wished you were dead")
    say(page, "Yeah, I Think So")
    expect(log).to_contain_text("any actual thoughts of killing yourself")
    say(page, "Yes I Have")
    expect(log).to_contain_text("thinking about how you might do it")
    say(page, "Nope")
    expect(log).to_contain_text("some intention of acting on them")
    say(page, "Not Sure Tbh")
    expect(log.locator("a[href='tel:988']").first).to_be_visible()  # high risk: call now
    expect(log).to_contain_text("can't make the call for you")
    assert_nothing_stored(page)
    watch.assert_clean(server)


def test_an_error_in_the_live_chat_shows_the_resources(browser: Browser, server: str) -> None:
    import json
    import urllib.request

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    begin(page, server)
    choose(page, "Tell me more")  # the first answer creates the session
    # the click returns before the reply (and the session's token) is on the page: wait for it
    expect(page.locator("#log")).to_contain_text("You don't need a name or an account")
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


def test_the_widget_on_a_phone_and_when_the_frame_is_refused(
        browser: Browser, server: str, host_page: str, refused_host_page: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    # a host the server does not let frame the chat: no broken frame, an offer of a new tab
    page.goto(refused_host_page)
    page.locator("button[data-redirection-bot=launcher]").click()
    offer = page.locator("[data-redirection-bot=refused]")
    expect(offer).to_contain_text("no puede mostrar el chat dentro de la página")
    expect(page.locator("iframe")).to_have_count(0)
    link = offer.get_by_role("link", name="Abrir el chat en una pestaña nueva")
    expect(link).to_have_attribute("target", "_blank")
    with context.expect_page() as opened:
        link.click()
    tab = opened.value
    expect(tab.get_by_role("button", name="Empezar el chat")).to_be_visible()
    tab.close()
    page.locator("button[data-redirection-bot=close]").click()
    expect(page.locator("[data-redirection-bot=panel]")).to_have_count(0)
    # an allowed host on a phone: the chat fills the screen, with its own close button
    page.goto(host_page)
    page.locator("button[data-redirection-bot=launcher]").click()
    panel = page.locator("[data-redirection-bot=panel]")
    expect(panel).to_have_attribute("data-state", "ready")
    assert panel.get_attribute("data-layout") == "phone"
    assert panel.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    close = page.locator("button[data-redirection-bot=close]")
    assert (close.bounding_box() or {"height": 0})["height"] >= 44
    frame = page.frame_locator("iframe[data-redirection-bot=frame]")
    frame.get_by_role("button", name="Empezar el chat").click()
    expect(frame.locator("#log")).to_contain_text("Hola")
    # the chat's bar does not wrap: both controls on one row, nothing scrolls sideways
    tops = frame.locator(".controls button").evaluate_all("bs => bs.map(b => b.offsetTop)")
    assert len(tops) == 2 and tops[0] == tops[1]
    assert frame.locator("html").evaluate("h => h.scrollWidth <= h.clientWidth")
    close.click()
    expect(page.locator("iframe")).to_have_count(0)
    expect(page.locator("button[data-redirection-bot=launcher]")).to_be_focused()
    context.close()


def test_a_module_and_a_crisis_path_in_finnish(page: Page, server: str, js: bool) -> None:
    """Issue 15: a person who chooses Finnish walks a module and a crisis path in Finnish, and the
    crisis reply gives Finland's numbers to tap."""
    watch = Watch(page)
    page.goto(server + "/?locale=fi")
    page.get_by_label("Suomi").check()
    page.get_by_role("button", name="Aloita keskustelu").click()
    expect(page.locator("#log")).to_contain_text("omatoiminen apuohjelma")
    for label in LABELS_TO_REASON["fi"]:
        choose(page, label)
    page.get_by_label("Vastauksesi").fill("Haluan, että perheeni voi luottaa minuun")
    page.get_by_role("button", name="Lähetä").click()
    answered(page, "fi", 'Syysi omin sanoin: "Haluan, että perheeni voi luottaa minuun"')
    choose(page, "Kyllä, juuri niin")  # module 1 goes on, in Finnish
    expect(page.locator("#log")).to_contain_text("Mikä on sinulle elämässä tärkeintä?")
    page.get_by_label("Vastauksesi").fill("En jaksa enää, haluan tappaa itseni")
    page.get_by_role("button", name="Lähetä").click()
    expect(page.locator("#log")).to_contain_text("Tällaiset ajatukset voivat tuntua sietämättömiltä")
    expect(page.locator("#log a[href='tel:112']").first).to_have_text("112")
    expect(page.locator("#log a[href='tel:0925250111']").first).to_have_text("09 2525 0111")
    for label in ("Ei", "Ei", "Ei"):
        choose(page, label)
    expect(page.locator("#log")).to_contain_text("Kiitos vastauksistasi.")
    assert_nothing_stored(page)
    watch.assert_clean(server)


POLISH_TO_REASON = ["Powiedz mi więcej", "Rozumiem", "18 lat lub więcej", "Tak, jest mi bezpiecznie",
                    "Przejdź do menu", "1. Dlaczego warto się zmienić",
                    "Zastanawiam się, ale mam wątpliwości", "0", "Te materiały krzywdzą dzieci"]
"""Module 1 to its free-text question, as the Polish buttons say it."""


def test_a_module_and_a_crisis_path_in_polish(page: Page, server: str, js: bool) -> None:
    """Issue 15: a person who chooses Polish walks a module and a crisis path in Polish, and the
    crisis reply gives Poland's emergency number to tap."""
    watch = Watch(page)
    page.goto(server + "/?locale=pl")
    page.get_by_label("Polski").check()
    page.get_by_role("button", name="Rozpocznij czat").click()
    expect(page.locator("#log")).to_contain_text("program samopomocowy dla dorosłych")
    for label in POLISH_TO_REASON:
        choose(page, label)
    page.get_by_label("Twoja odpowiedź").fill("Chcę, żeby rodzina mogła mi ufać")
    page.get_by_role("button", name="Wyślij").click()
    expect(page.locator("#log")).to_contain_text("Twój powód, twoimi słowami: „Chcę, żeby rodzina mogła mi ufać”")
    choose(page, "Tak, właśnie tak")
    expect(page.locator("#log")).to_contain_text("Co jest dla ciebie w życiu najważniejsze?")
    page.get_by_label("Twoja odpowiedź").fill("Nie daję już rady, chcę się zabić")
    page.get_by_role("button", name="Wyślij").click()
    expect(page.locator("#log")).to_contain_text("Takie myśli mogą być nie do zniesienia")
    expect(page.locator("#log a[href='tel:112']").first).to_have_text("112")
    for label in ("Nie", "Nie", "Nie"):
        choose(page, label)
    expect(page.locator("#log")).to_contain_text("Dziękuję za odpowiedzi.")
    assert_nothing_stored(page)
    watch.assert_clean(server)
