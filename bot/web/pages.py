"""The pages that work without JavaScript: ``GET /``, ``POST /chat``, ``GET /help``, ``GET /away``.

Each turn is a full page of HTML forms (templates in ``bot/web/templates/``): hidden ``session``
and ``seq`` fields, the options as buttons, a place to type on every step, and on every screen
"Get help now" and "Leave quickly". ``chat.js``, where it runs, enhances the same page; nothing
here depends on it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from aiohttp import web

from bot.session import UserInput
from bot.web import tickets
from bot.web.bodies import read_form
from bot.web.conversation import Conversations, Turn
from bot.web.errors import WebError
from bot.web.render import render, resource_views
from bot.web.resources import help_resources
from bot.web.state import CONFIG, CONVERSATIONS, ENGINE, STORE, TEXTS
from bot.web.store import RecordUnreadable, StoreError

__all__ = ["error_page", "routes"]

log = logging.getLogger(__name__)

JS_STRINGS = (
    "web.chat.you", "web.chat.bot", "web.chat.options", "web.chat.text_label", "web.chat.send",
    "web.chat.max_chars", "web.chat.ended", "web.chat.again", "web.chat.sending",
    "web.chat.type_label", "web.chat.type_hint", "web.chat.plan",
    "web.error.heading", "web.error.resources", "web.error.internal",
)

LEAVE_WAIT = 0.3
"""How long "Leave quickly" waits for the store to forget the session before it shows the
neutral page anyway; the ending goes on in the background for at most ``LEAVE_LIMIT``."""
LEAVE_LIMIT = 5.0
TICKET_WAIT = 1.0
"""Seconds a page waits for the store to keep its one-time address; then it is shown at once."""
_leaving: set[asyncio.Task[None]] = set()

_SCALE = re.compile(r"^(10|[0-9])$")


async def start_page(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, request.query.get("locale"))
    minutes = str(round(request.app[CONFIG].idle_timeout / 60))
    return render(request, "start.html", locale, locales=texts.locales, minutes=minutes)


def chat_page(request: web.Request, turn: Turn) -> web.Response:
    texts = request.app[TEXTS]
    reply = turn.reply
    locale = reply["locale"]
    strings: dict[str, Any] = {
        key.rsplit(".", 1)[-1]: texts.t(locale, key, max="{max}") for key in JS_STRINGS
    }
    strings["help"] = resource_views(help_resources(request.app[ENGINE].current, locale))
    strings["phones"] = sorted(request.app[ENGINE].current.resources.phone_numbers())
    labels = [o["label"] for o in reply["options"]]
    scale = len(labels) >= 5 and all(_SCALE.match(label) for label in labels)
    return render(
        request, "chat.html", locale,
        reply=reply, said=turn.said, strings=strings, scale=scale,
        resources=resource_views(reply.get("resources") or ()),
        session=None if reply["ended"] else turn.token, seq=reply["seq"],
    )


async def chat(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    conversations = request.app[CONVERSATIONS]
    texts = request.app[TEXTS]
    action = form.get("action")
    token = form.get("session", "")
    if action == "start":
        locale = form.get("locale", "en")
        if not texts.known(locale):
            raise WebError(400, "unknown_locale")
        return await _show(request, await conversations.start(locale))
    if action == "exit":
        await _leave(conversations, token)
        raise web.HTTPSeeOther("/away", headers={"Clear-Site-Data": '"cache"'})
    async with conversations.speaking_for(token):
        user = _user_input(form, action)
        try:
            seq = int(form.get("seq", ""))
        except ValueError as err:
            raise WebError(400, "invalid_request") from err
        turn = await conversations.turn(token, seq, user)
    return await _show(request, turn)


async def _show(request: web.Request, turn: Turn) -> web.StreamResponse:
    """Post/Redirect/Get: send the browser to the page's one-time address (``bot/web/tickets``),
    so that no answer's page is a POST in the history. The last page of an ended chat, and any
    page while the store refuses a ticket, are shown straight away."""
    if turn.reply["ended"]:
        return chat_page(request, turn)
    try:
        async with asyncio.timeout(TICKET_WAIT):
            ticket = await tickets.issue(request.app[STORE], turn.token, turn.said, turn.reply["locale"])
    except (StoreError, TimeoutError) as err:
        log.warning("page ticket not issued: %s", type(err).__name__)
        return chat_page(request, turn)
    raise web.HTTPSeeOther(f"/chat/{ticket}")


async def chat_view(request: web.Request) -> web.Response:
    """``GET /chat/<ticket>``: the page of the latest reply, once; then "this page has expired"."""
    try:
        found = await tickets.redeem(request.app[STORE], request.match_info["ticket"])
    except RecordUnreadable:
        found = None
    except StoreError as err:
        log.error("session store unavailable: %s", type(err).__name__)
        raise WebError(503, "store_down") from err
    if found is None:
        locale = request.app[TEXTS].pick(request)
        return render(request, "expired.html", locale, status=410)
    token, said = found
    reply = await request.app[CONVERSATIONS].last_reply(token)
    if reply is None:
        raise WebError(410, "session_gone")
    return chat_page(request, Turn(token, reply, said))


async def _leave(conversations: Conversations, token: str) -> None:
    """End the session on a best-effort basis: the person goes to the neutral page within
    ``LEAVE_WAIT`` seconds whatever the store does (down, slow or fine)."""
    if not token:
        return

    async def end() -> None:
        try:
            async with asyncio.timeout(LEAVE_LIMIT):
                await conversations.end(token)
        except Exception as exc:  # leaving must never fail: the store expires it later
            log.warning("quick exit could not end the session: %s", type(exc).__name__)

    task = asyncio.create_task(end())
    _leaving.add(task)
    task.add_done_callback(_leaving.discard)
    await asyncio.wait({task}, timeout=LEAVE_WAIT)


def _user_input(form: dict[str, str], action: str | None) -> UserInput:
    if action == "help":
        return UserInput(command="help")
    if action is not None:
        raise WebError(400, "invalid_request")
    if "choice" in form:
        return UserInput(choice=form["choice"][:64])
    if "text" in form:
        return UserInput(text=form["text"])
    raise WebError(400, "invalid_request")


async def help_page(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, request.query.get("locale"))
    resources = resource_views(help_resources(request.app[ENGINE].current, locale))
    return render(request, "help.html", locale, resources=resources)


async def away_page(request: web.Request) -> web.Response:
    """A neutral page to leave to: nothing on it hints at this chat."""
    locale = request.app[TEXTS].pick(request)
    return render(request, "away.html", locale, script=False)


def error_page(request: web.Request, err: WebError, locale: str | None = None) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, locale or err.locale)
    message = texts.t(locale, f"web.error.{err.code}", **(err.slots or {}))
    resources = resource_views(help_resources(request.app[ENGINE].current, locale))
    return render(request, "error.html", locale, status=err.status, headers=err.headers,
                  message=message, resources=resources)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", start_page),
        web.get("/help", help_page),
        web.get("/away", away_page),
        web.post("/chat", chat),
        web.get("/chat/{ticket}", chat_view),
    ]
