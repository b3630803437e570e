"""How long the templates take to render the pages, and how big the pages are.

    .venv/bin/python bench/web_pages.py [--n 2000]

Renders the chat page of the first reply, the help reply (many ``tel:`` links) and the help page
in process (no server, no network) ``--n`` times each and prints microseconds per page (median of
5 rounds) and the page size in bytes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from aiohttp.test_utils import make_mocked_request
from aiohttp.web import Response

from bot.engine import Engine, FlowSet
from bot.paths import REPO_ROOT
from bot.session import UserInput
from bot.web import WebConfig, create_app
from bot.web.conversation import Turn, public_reply
from bot.web.pages import chat_page
from bot.web.render import render, resource_views
from bot.web.resources import help_resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    engine = Engine(FlowSet.from_paths(REPO_ROOT / "flows", REPO_ROOT / "locale"))
    app = create_app(engine, WebConfig())
    request = make_mocked_request("POST", "/chat", app=app)
    session, first = engine.start("en")
    helped = engine.turn(session, UserInput(command="help"))
    token = "t" * 43
    resources = resource_views(help_resources(engine.current, "en"))
    pages: dict[str, Callable[[], Response]] = {
        "chat, first reply": lambda: chat_page(request, Turn(token, public_reply(first))),
        "chat, help reply": lambda: chat_page(request, Turn(token, public_reply(helped), "help")),
        "help page": lambda: render(request, "help.html", "en", resources=resources),
    }
    print(f"{'page':<20} {'us/page':>8} {'bytes':>7}")
    for name, make in pages.items():
        rounds = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(args.n):
                make()
            rounds.append((time.perf_counter() - t0) / args.n * 1e6)
        size = len((make().text or "").encode("utf-8"))
        print(f"{name:<20} {statistics.median(rounds):>8.0f} {size:>7}")


if __name__ == "__main__":
    main()
