"""Conversations over the session store: start, turn (idempotent by ``seq``), end.

Shared by the JSON API and the HTML pages, which differ only in how they read input and show
the reply. A turn's ``seq`` is the seq of the reply being answered: the current one runs the
turn; the one before it is a repeat (a double submit, a retried request) and gets the same reply
again; any other is stale (409).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.engine import MAX_INPUT_CHARS, Engine
from bot.errors import InputError, SessionError
from bot.plan import Plan, build_plan
from bot.session import Reply, UserInput
from bot.web import tokens
from bot.web.errors import WebError
from bot.web.resources import view_dict
from bot.web.store import Record, SessionStore, StoreBusy, StoreError

__all__ = ["Conversations", "Turn", "public_reply"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Turn:
    token: str
    reply: dict[str, Any]
    said: str | None = None
    """What the user chose or typed, as shown back to them (None on a repeat)."""


def public_reply(reply: Reply) -> dict[str, Any]:
    """The JSON shape of a reply (without the token)."""
    return {
        "seq": reply.seq,
        "locale": reply.locale,
        "messages": [{"key": m.key, "text": m.text} for m in reply.messages],
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
        "input": reply.input,
        "ended": reply.ended,
        "flow": reply.flow,
        "state": reply.state,
        "screened": list(reply.screened),
        "max_text": reply.max_text,
        "resources": [view_dict(r) for r in reply.resources],
        "plan": reply.plan,
    }


class Conversations:
    def __init__(self, engine: Engine, store: SessionStore) -> None:
        self.engine = engine
        self.store = store

    async def start(self, locale: str) -> Turn:
        if locale not in self.engine.current.catalogs:
            raise WebError(400, "unknown_locale")
        session, reply = self.engine.start(locale)
        token = tokens.new_token()
        body = public_reply(reply)
        try:
            await self._guard(self.store.create(tokens.digest(token), Record(session, body)))
        except StoreBusy as err:
            log.warning("busy: the cap on live sessions is reached")
            raise WebError(503, "busy", locale=locale, headers={"Retry-After": "120"}) from err
        log.debug("start flow=%s state=%s", reply.flow, reply.state)
        return Turn(token, body)

    async def turn(self, token: str, seq: int, user: UserInput) -> Turn:
        key = self._key(token)
        record = await self._load(key)
        locale = record.session.locale
        current = record.seq
        if seq == current - 1:
            return Turn(token, record.reply)
        if seq != current:
            raise WebError(409, "stale_seq", locale=locale)
        if user.text is not None and len(user.text) > MAX_INPUT_CHARS:
            raise WebError(422, "text_too_long", locale=locale, slots={"max": str(MAX_INPUT_CHARS)})
        said = self._said(record, user)
        session = record.session
        try:
            reply = self.engine.turn(session, user)
        except SessionError as err:
            await self._guard(self.store.delete(key))
            raise WebError(410, "session_gone", locale=locale) from err
        except InputError as err:
            raise WebError(400, "invalid_request", locale=locale) from err
        body = public_reply(reply)
        if reply.ended:
            await self._guard(self.store.delete(key))
        elif not await self._guard(self.store.save(key, Record(session, body), expect_seq=current)):
            # another request answered the same reply first: give its reply, as a repeat would
            again = await self._load(key)
            if again.seq != current + 1:
                raise WebError(409, "stale_seq", locale=locale)
            return Turn(token, again.reply)
        log.debug("turn flow=%s state=%s", reply.flow, reply.state)
        return Turn(token, body, said)

    async def end(self, token: str) -> None:
        """Forget the session (the quick exit: pages and chat.js call this); ending one that is
        already gone is not an error."""
        self.engine.event("quick_exit")
        if tokens.well_formed(token):
            await self._guard(self.store.delete(tokens.digest(token)))

    async def plan(self, token: str) -> Plan:
        """The plan of a live conversation, built now from its answers; nothing is kept."""
        record = await self._load(self._key(token))
        session = record.session
        fs = self.engine.versions.get(session.version, self.engine.current)
        return build_plan(fs.catalogs[session.locale], session.locale, session.slots)

    async def locale_of(self, token: str) -> str | None:
        if not tokens.well_formed(token):
            return None
        record = await self._guard(self.store.load(tokens.digest(token)))
        return None if record is None else record.session.locale

    @staticmethod
    def _key(token: str) -> str:
        if not tokens.well_formed(token):
            raise WebError(410, "session_gone")
        return tokens.digest(token)

    async def _load(self, key: str) -> Record:
        record: Record | None = await self._guard(self.store.load(key))
        if record is None:
            raise WebError(410, "session_gone")
        return record

    @staticmethod
    async def _guard(awaitable: Any) -> Any:
        try:
            return await awaitable
        except StoreBusy:
            raise
        except StoreError as err:
            log.error("session store unavailable: %s", err)
            raise WebError(503, "store_down") from err

    @staticmethod
    def _said(record: Record, user: UserInput) -> str | None:
        if user.text is not None:
            return user.text
        if user.choice is not None:
            for opt in record.reply.get("options", ()):
                if opt["id"] == user.choice:
                    return str(opt["label"])
        return None
