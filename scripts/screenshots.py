"""Pictures of the web chat for review: the start page, a module step (the 0-10 scale), a crisis
reply, the help page and the widget; on a phone (390 x 844) and a desktop (1280 x 800); in
English and Spanish; in light and dark mode. 40 PNG files, named
``<page>-<phone|desktop>-<en|es>-<light|dark>.png``.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--phone-only]

Runs ``redirection-bot serve`` (memory store) and a host page for the widget on free local
ports, and Debian's chromium through Playwright; stops both when done. No network beyond
127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
CRISIS = {"en": "I dont want to live anymore", "es": "ya no quiero vivir"}
START = {"en": "Start the chat", "es": "Empezar el chat"}
TO_SCALE = ("continue", "understood", "adult", "safe", "menu", "why_change", "unsure")
TO_TEXT = ("r0", "children")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chat_server(frame_host: str) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--frame-ancestors", frame_host],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/favicon.ico", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def host_site(port: int, chat: str) -> Iterator[dict[str, str]]:
    """One host page per language, each embedding the widget with one script tag."""
    pages = {
        f"/{lang}": (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Host site</title><script src="{chat}/widget.js" data-locale="{lang}" defer>'
            "</script></head><body style=\"font-family: sans-serif; margin: 2rem\">"
            "<h1>An organisation's site</h1><p>Its own content, with the chat one tap away.</p>"
            "</body></html>"
        ).encode()
        for lang in ("en", "es")
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield {lang: f"http://127.0.0.1:{port}/{lang}" for lang in ("en", "es")}
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def pick(page: Page, option_id: str) -> None:
    count = page.locator("#log li").count()
    page.locator(f"#options button[value='{option_id}']").click()
    expect(page.locator("#log li")).not_to_have_count(count)


def settle(page: Page) -> None:
    """Let focus scrolling end (reduced motion is on, so there is no animation to wait for)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shoot(browser: Browser, chat: str, hosts: dict[str, str], out: Path, size: str, lang: str,
          scheme: str) -> list[Path]:
    context = browser.new_context(viewport=SIZES[size], color_scheme=scheme,  # type: ignore[arg-type]
                                  reduced_motion="reduce", locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    saved = []

    def save(name: str) -> None:
        settle(page)
        path = out / f"{name}-{size}-{lang}-{scheme}.png"
        page.screenshot(path=str(path))
        saved.append(path)

    page.goto(f"{chat}/?locale={lang}")
    save("start")
    page.get_by_role("button", name=START[lang]).click()
    expect(page.locator("#log")).to_be_visible()
    for option in TO_SCALE:
        pick(page, option)
    save("module-step")
    for option in TO_TEXT:
        pick(page, option)
    page.locator("#text").fill(CRISIS[lang])
    page.locator("#text-form button").click()
    for option in ("no", "no", "no"):
        pick(page, option)
    page.locator("#log li").last.scroll_into_view_if_needed()
    save("crisis-reply")
    page.goto(f"{chat}/help?locale={lang}")
    save("help")
    page.goto(hosts[lang])
    page.locator("button[data-redirection-bot=launcher]").click()
    expect(page.locator("[data-redirection-bot=panel]")).to_have_attribute("data-state", "ready")
    page.frame_locator("iframe").get_by_role("button", name=START[lang]).click()
    expect(page.frame_locator("iframe").locator("#log")).to_be_visible()
    save("widget")
    context.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--phone-only", action="store_true", help="skip the desktop pictures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    host_port = free_port()
    with chat_server(f"http://127.0.0.1:{host_port}") as chat, host_site(host_port, chat) as hosts, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        started = time.monotonic()
        count = 0
        for size in ("phone",) if args.phone_only else ("phone", "desktop"):
            for lang in ("en", "es"):
                for scheme in ("light", "dark"):
                    count += len(shoot(browser, chat, hosts, args.out, size, lang, scheme))
        browser.close()
    print(f"{count} screenshots in {args.out} ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
