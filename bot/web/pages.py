"""The pages that work without JavaScript: ``GET /``, ``POST /chat``, ``GET /help``, ``GET /away``.

Each turn is a full page of HTML forms: hidden ``session`` and ``seq`` fields, the options as
buttons, a text box, and on every screen "Get help now" and "Leave quickly". ``chat.js``, where it
runs, enhances the same page; nothing here depends on it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from bot.session import UserInput
from bot.web.bodies import read_form
from bot.web.conversation import Turn
from bot.web.errors import WebError
from bot.web.html import document, esc, hidden, post_button
from bot.web.resources import help_resources
from bot.web.state import CONFIG, CONVERSATIONS, ENGINE, TEXTS
from bot.web.texts import Texts

__all__ = ["error_page", "routes"]

log = logging.getLogger(__name__)

HTML = "text/html"
JS_STRINGS = (
    "web.chat.you", "web.chat.bot", "web.chat.options", "web.chat.text_label", "web.chat.send",
    "web.chat.max_chars", "web.chat.ended", "web.chat.again", "web.chat.sending",
    "web.error.heading", "web.error.resources", "web.error.internal",
)


def _page(body: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=body, status=status, content_type=HTML, charset="utf-8",
                        headers=headers)


def _header(texts: Texts, locale: str, session: str | None = None, seq: int | None = None) -> str:
    """The bar on every screen: the name, "Get help now" and "Leave quickly"."""
    t = texts.t
    if session is not None and seq is not None:
        help_control = post_button(
            t(locale, "web.help_now"), {"session": session, "seq": seq, "action": "help"},
            cls="control help", data="data-help",
        )
        leave = post_button(
            t(locale, "web.leave_quickly"), {"session": session, "action": "exit"},
            cls="control leave", data="data-leave",
        )
    else:
        help_control = (f'<a class="control help button" href="/help?locale={esc(locale)}">'
                        f"{esc(t(locale, 'web.help_now'))}</a>")
        leave = (f'<a class="control leave button" href="/away" data-leave>'
                 f"{esc(t(locale, 'web.leave_quickly'))}</a>")
    return (
        f'<header class="bar"><p class="brand">{esc(t(locale, "web.title"))}</p>'
        f'<nav class="controls" aria-label="{esc(t(locale, "web.controls"))}">'
        f"{help_control}{leave}</nav></header>"
    )


def _resources(request: web.Request, locale: str) -> str:
    items = "".join(
        f"<li>{esc(r['text'])}</li>" for r in help_resources(request.app[ENGINE].current, locale)
    )
    return f'<ul class="resources">{items}</ul>'


async def start_page(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, request.query.get("locale"))
    t = texts.t
    minutes = str(round(request.app[CONFIG].idle_timeout / 60))
    radios = "".join(
        f'<div class="radio"><input type="radio" name="locale" id="locale-{esc(code)}" '
        f'value="{esc(code)}"{" checked" if code == locale else ""}>'
        f'<label for="locale-{esc(code)}" lang="{esc(code)}">{esc(name)}</label></div>'
        for code, name in texts.locales
    )
    main = (
        f'<h1>{esc(t(locale, "web.start.heading"))}</h1>'
        f'<p>{esc(t(locale, "web.start.what"))}</p>'
        f'<h2>{esc(t(locale, "web.start.stored_heading"))}</h2>'
        f'<p>{esc(t(locale, "web.start.stored"))}</p>'
        f'<p>{esc(t(locale, "web.start.session", minutes=minutes))}</p>'
        f'<p>{esc(t(locale, "web.start.logs"))}</p>'
        f'<h2>{esc(t(locale, "web.start.leave_heading"))}</h2>'
        f'<p>{esc(t(locale, "web.start.leave"))}</p>'
        f'<form method="post" action="/chat" class="start">{hidden("action", "start")}'
        f'<fieldset><legend>{esc(t(locale, "web.start.language"))}</legend>{radios}</fieldset>'
        f'<button type="submit" class="primary">{esc(t(locale, "web.start.begin"))}</button>'
        "</form>"
    )
    return _page(document(lang=locale, title=t(locale, "web.title"),
                          header=_header(texts, locale), main=main))


def chat_page(request: web.Request, turn: Turn) -> str:
    texts = request.app[TEXTS]
    reply = turn.reply
    locale = reply["locale"]
    t = texts.t
    session, seq = turn.token, reply["seq"]
    you, bot = esc(t(locale, "web.chat.you")), esc(t(locale, "web.chat.bot"))
    items = []
    if turn.said is not None:
        items.append(f'<li class="msg you"><span class="who">{you}: </span>'
                     f'<span class="text">{esc(turn.said)}</span></li>')
    items += [
        f'<li class="msg bot"><span class="who">{bot}: </span>'
        f'<span class="text">{esc(m["text"])}</span></li>'
        for m in reply["messages"]
    ]
    parts = [
        f'<h1 class="visually-hidden">{esc(t(locale, "web.title"))}</h1>',
        f'<div id="log" class="log" role="log" aria-live="polite" '
        f'aria-label="{esc(t(locale, "web.chat.log"))}"><ol>{"".join(items)}</ol></div>',
        '<div id="error" class="error" role="alert"></div>',
    ]
    keep = hidden("session", session) + hidden("seq", seq)
    if reply["ended"]:
        parts.append(
            f'<div id="ended" class="ended"><p>{esc(t(locale, "web.chat.ended"))}</p>'
            + post_button(t(locale, "web.chat.again"), {"action": "start", "locale": locale},
                          cls="again")
            + "</div>"
        )
    else:
        if reply["options"]:
            buttons = "".join(
                f'<button type="submit" name="choice" value="{esc(o["id"])}">'
                f'{esc(o["label"])}</button>'
                for o in reply["options"]
            )
            parts.append(
                f'<form method="post" action="/chat" id="options" class="options">{keep}'
                f'<fieldset><legend>{esc(t(locale, "web.chat.options"))}</legend>{buttons}'
                "</fieldset></form>"
            )
        if reply["input"] in ("text", "choice_or_text"):
            limit = reply["max_text"]
            parts.append(
                f'<form method="post" action="/chat" id="text-form" class="text">{keep}'
                f'<label for="text">{esc(t(locale, "web.chat.text_label"))}</label>'
                f'<textarea id="text" name="text" rows="3" maxlength="{esc(limit)}" required '
                f'aria-describedby="text-hint"></textarea>'
                f'<p id="text-hint" class="hint">'
                f'{esc(t(locale, "web.chat.max_chars", max=str(limit)))}</p>'
                f'<button type="submit">{esc(t(locale, "web.chat.send"))}</button></form>'
            )
    strings: dict[str, Any] = {
        key.rsplit(".", 1)[-1]: t(locale, key, max="{max}") for key in JS_STRINGS
    }
    strings["help"] = [r["text"] for r in help_resources(request.app[ENGINE].current, locale)]
    attrs = (f' data-chat data-locale="{esc(locale)}" '
             f'data-strings="{esc(json.dumps(strings, ensure_ascii=False))}"')
    header = _header(texts, locale, None if reply["ended"] else session, seq)
    return document(lang=locale, title=t(locale, "web.title"), header=header,
                    main="".join(parts), main_attrs=attrs)


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
        return _page(chat_page(request, await conversations.start(locale)))
    if action == "exit":
        if token:
            await _forget_quickly(conversations.end(token))
        raise web.HTTPSeeOther("/away", headers={"Clear-Site-Data": '"cache"'})
    user = _user_input(form, action)
    try:
        seq = int(form.get("seq", ""))
    except ValueError as err:
        raise WebError(400, "invalid_request") from err
    try:
        turn = await conversations.turn(token, seq, user)
    except WebError as err:
        if err.locale is None:
            err.locale = await conversations.locale_of(token, store=err.status != 503)
        raise
    return _page(chat_page(request, turn))


LEAVE_WAIT = 0.5
"""Seconds "Leave quickly" waits for the store before leaving anyway (the delete goes on)."""
_LEAVING: set[asyncio.Task[None]] = set()


async def _forget_quickly(ending: Coroutine[Any, Any, None]) -> None:
    """Delete the session, but never hold up leaving: a slow or failed store still sends the
    person to the neutral page at once (the delete finishes, or the session expires)."""
    task = asyncio.ensure_future(ending)
    _LEAVING.add(task)
    task.add_done_callback(_left)
    await asyncio.wait({task}, timeout=LEAVE_WAIT)


def _left(task: asyncio.Task[None]) -> None:
    _LEAVING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("leave quickly: the session could not be deleted now (%s); it will expire",
                    type(task.exception()).__name__)


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
    t = texts.t
    main = (
        f'<h1>{esc(t(locale, "web.help.heading"))}</h1>{_resources(request, locale)}'
        f'<p><a href="/?locale={esc(locale)}">{esc(t(locale, "web.back_to_start"))}</a></p>'
    )
    return _page(document(lang=locale, title=t(locale, "web.help.heading"),
                          header=_header(texts, locale), main=main))


async def away_page(request: web.Request) -> web.Response:
    """A neutral page to leave to: nothing on it hints at this chat."""
    texts = request.app[TEXTS]
    locale = texts.pick(request)
    t = texts.t
    main = (
        f'<h1>{esc(t(locale, "web.away.heading"))}</h1>'
        f'<p>{esc(t(locale, "web.away.light"))}</p><p>{esc(t(locale, "web.away.water"))}</p>'
        f'<p>{esc(t(locale, "web.away.dust"))}</p>'
    )
    return _page(document(lang=locale, title=t(locale, "web.away.title"), header="",
                          main=main, script=False))


def error_page(request: web.Request, err: WebError, locale: str | None = None) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, locale or err.locale)
    t = texts.t
    slots = err.slots or {}
    main = (
        f'<h1>{esc(t(locale, "web.error.heading"))}</h1>'
        f'<p class="error-message">{esc(t(locale, f"web.error.{err.code}", **slots))}</p>'
        f'<h2>{esc(t(locale, "web.error.resources"))}</h2>{_resources(request, locale)}'
        + post_button(t(locale, "web.chat.again"), {"action": "start", "locale": locale},
                      cls="again")
        + f'<p><a href="/?locale={esc(locale)}">{esc(t(locale, "web.back_to_start"))}</a></p>'
    )
    return _page(document(lang=locale, title=t(locale, "web.error.heading"),
                          header=_header(texts, locale), main=main),
                 status=err.status, headers=err.headers)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", start_page),
        web.post("/chat", chat),
        web.get("/help", help_page),
        web.get("/away", away_page),
    ]


