"""Conversations over the session store: start, turn (idempotent by ``seq``), end.

Shared by the JSON API and the HTML pages, which differ only in how they read input and show
the reply. A turn's ``seq`` is the seq of the reply being answered: the current one runs the
turn; the one before it is a repeat (a double submit, a retried request) and gets the same reply
again; any other is stale (409). Typed words that come late (a repeat, a stale turn, or the one
of two requests at once that is stored second) are not an answer, but are still screened: if
they open a crisis path, a check-in or help where the conversation now stands, they run as its
next turn (``Conversations._late``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.engine import MAX_INPUT_CHARS, Engine, Event, active_flows
from bot.errors import InputError, SessionError
from bot.plan import Plan, build_plan
from bot.session import Reply, Session, UserInput
from bot.web import tokens
from bot.web.errors import WebError
from bot.web.records import Record, RecordKey, ReplyData, reply_json
from bot.web.resources import view_dict
from bot.web.store import RecordUnreadable, Sealed, SessionStore, StoreBusy, StoreError

__all__ = ["Conversations", "Turn", "public_reply"]

log = logging.getLogger(__name__)

INLINE_TEXT_CHARS = 300
"""Typed turns up to this long run on the event loop: a whole turn with screening costs about
0.5 ms on an everyday message and at most about 2-3 ms on 300 characters of junk (unknown
words cost the most), less than the hop to a thread and back, which queues on the GIL under
load. Longer ones (up to ``MAX_INPUT_CHARS``, about 10-13 ms) run in the one-thread executor,
so no message stalls the loop for longer than a short one can (``bench/web_load.py``)."""


class Turn(ReplyData):
    """A reply to send: the token, the reply (a dict, and the JSON the API sends, each made from
    the other only when first asked for), and what the user chose or typed (``said``)."""

    __slots__ = ("_chose", "_said", "token")

    def __init__(
        self, token: str, reply: dict[str, Any] | None = None, said: str | None = None, *,
        reply_json: bytes | None = None, chose: tuple[Record, str] | None = None,
    ) -> None:
        super().__init__(reply, reply_json)
        self.token = token
        self._said = said
        self._chose = chose
        """(the record answered, the option id chosen): ``said`` is its label, looked up only
        if asked for (the pages show it; the API does not)."""

    @property
    def said(self) -> str | None:
        """What the user chose or typed, as shown back to them (None on a repeat)."""
        if self._chose is not None:
            record, choice = self._chose
            self._chose = None
            self._said = _label(record, choice)
        return self._said

    def body(self) -> bytes:
        """The API's JSON: ``{"session": token, **reply}``, as ``json.dumps`` writes it."""
        return b'{"session": ' + json.dumps(self.token).encode("ascii") + b", " + self.reply_json[1:]


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
    """Start writes nothing: the welcome is the same for everyone, so a flood of starts fills
    no store and locks nobody out. The first answer (seq 0, within ``fresh_for`` seconds of
    the start its token carries) creates the session, under the cap on live sessions, which so
    protects conversations in progress."""

    def __init__(
        self, engine: Engine, store: SessionStore, *, fresh_for: float = 10 * 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.store = store
        self.fresh_for = fresh_for
        self.clock = clock
        self._typed = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening")
        """Long typed turns run here (see ``INLINE_TEXT_CHARS``): screening one must not stall
        the event loop."""

    async def start(self, locale: str) -> Turn:
        if locale not in self.engine.current.catalogs:
            raise WebError(400, "unknown_locale")
        _, reply = self.engine.start(locale, count=False)  # a start stores nothing, counts nothing
        log.debug("start seq=%d", reply.seq)  # never a flow or state name (P7)
        return Turn(tokens.new_token(locale, self.clock()), public_reply(reply))

    async def turn(self, token: str, seq: int, user: UserInput) -> Turn:
        box = self._box(token)  # the record key, derived once for the turn
        key = box.digest
        stored = await self._load(box)
        fresh = stored is None
        record = self._welcome(token, seq) if stored is None else stored
        locale = record.session.locale
        current = record.seq
        if user.text is not None and len(user.text) > MAX_INPUT_CHARS:
            raise WebError(422, "text_too_long", locale=locale, slots={"max": str(MAX_INPUT_CHARS)})
        if seq != current:
            return await self._late(box, token, record, user, repeat=seq == current - 1)
        session = record.session
        reply = await self._run(key, session, user)
        body = public_reply(reply)
        body_json = reply_json(body)  # once: for the record and for the response
        if reply.ended:
            won = fresh or await self._guard(self.store.end(key, expect_seq=current))
        elif fresh:
            sealed = box.seal(Record(session, body, reply_json=body_json))
            won = await self._create(key, sealed, locale)
        else:
            won = await self._save(box, session, body, body_json, expect_seq=current)
        if not won:
            # another request answered the same reply first: give its reply, as a repeat would
            # (and if that request ended the conversation, the session is gone: 410)
            again = await self._load(box)
            if again is None:
                raise WebError(410, "session_gone", locale=locale)
            return await self._late(box, token, again, user, repeat=again.seq == current + 1)
        log.debug("turn seq=%d", reply.seq)
        if user.choice is not None:
            return Turn(token, body, reply_json=body_json, chose=(record, user.choice))
        return Turn(token, body, user.text, reply_json=body_json)

    async def _late(self, box: RecordKey, token: str, record: Record, user: UserInput, *,
                    repeat: bool, tries: int = 2) -> Turn:
        """A turn that does not answer the reply now current: a repeat of the last answer (a
        double submit, a retry, or another tab's) gets that answer's reply again, any older one
        a 409. Its typed words are not an answer to anything now, but they are still heard: if
        they open a crisis path, a check-in or help where the conversation stands (two tabs,
        "I took the pills" sent from the one left behind), they run as its next turn (S1). Words
        that change nothing there, such as a repeat of the turn that already opened the path,
        or that would only answer the question now asked (a double submit of words that opened
        a check-in, read at the check-in as "not sure"), keep the repeat's reply. Words that lose
        the race to be stored twice get a 409, with help."""
        if user.text is not None and not record.session.ended and tries > 0:
            session = record.session
            was, expect = active_flows(session), session.seq
            held: list[Event] = []
            reply = await self._run(box.digest, session, user, held)
            if not reply.ended and self.engine.opened_help(was, session, reply):
                body = public_reply(reply)
                body_json = reply_json(body)
                if await self._save(box, session, body, body_json, expect_seq=expect):
                    self.engine.report(held)
                    log.debug("late turn seq=%d", reply.seq)
                    return Turn(token, body, user.text, reply_json=body_json)
                again = await self._load(box)  # lost again: once more, on the newest
                if again is None:
                    raise WebError(410, "session_gone", locale=session.locale)
                return await self._late(box, token, again, user, repeat=False, tries=tries - 1)
        if repeat:
            return Turn(token, reply_json=record.reply_json)
        raise WebError(409, "stale_seq", locale=record.session.locale)

    async def _run(self, key: str, session: Session, user: UserInput, held: list[Event] | None = None) -> Reply:
        """The engine's turn on ``session`` (mutated; ``held`` as in :meth:`Engine.turn`); a long
        typed one off the event loop."""
        locale = session.locale
        try:
            if user.text is not None and len(user.text) > INLINE_TEXT_CHARS:
                run = functools.partial(self.engine.turn, session, user, held=held)
                return await asyncio.get_running_loop().run_in_executor(self._typed, run)
            return self.engine.turn(session, user, held=held)
        except SessionError as err:
            await self._guard(self.store.delete(key))
            raise WebError(410, "session_gone", locale=locale) from err
        except InputError as err:
            raise WebError(400, "invalid_request", locale=locale) from err

    async def _save(self, box: RecordKey, session: Session, body: dict[str, Any], body_json: bytes, *,
                    expect_seq: int) -> bool:
        """Seal the session and its reply and store them if the stored record is still at
        ``expect_seq`` (compare-and-set); False if another request stored first."""
        sealed = box.seal(Record(session, body, reply_json=body_json))
        return bool(await self._guard(self.store.save(box.digest, sealed, expect_seq=expect_seq)))

    async def end(self, token: str) -> None:
        """Forget the session; ending one that is already gone (or never answered) is not an
        error. The pages and chat.js call this for the quick exit, which is counted (only as
        a day total)."""
        self.engine.event("quick_exit")
        if tokens.well_formed(token):
            await self._guard(self.store.delete(tokens.digest(token)))

    async def last_reply(self, token: str) -> dict[str, Any] | None:
        """The reply last sent in a live conversation (to show its page again): the welcome for
        a start nobody has answered yet (a start stores nothing), None once it is gone."""
        record = await self._load(self._box(token))
        if record is not None:
            return record.reply
        try:
            return self._welcome(token, 0, count=False).reply
        except WebError:
            return None

    async def plan(self, token: str) -> Plan:
        """The plan of a live conversation, built now from its answers; nothing is kept."""
        record = await self._load(self._box(token))
        if record is None:
            raise WebError(410, "session_gone", locale=await self.locale_of(token, store=False))
        session = record.session
        fs = self.engine.versions.get(session.version, self.engine.current)
        return build_plan(fs.catalogs[session.locale], session.locale, session.slots)

    @contextlib.asynccontextmanager
    async def speaking_for(self, token: object) -> AsyncIterator[None]:
        """A :class:`WebError` raised inside, for a request that names ``token`` (whatever else
        is wrong with it), is told in that session's language, with its help: a broken form or
        body in a Spanish chat gets a Spanish error."""
        try:
            yield
        except WebError as err:
            if err.locale is None and isinstance(token, str) and token:
                err.locale = await self.locale_of(token, store=err.status != 503)
            raise

    async def locale_of(self, token: str, *, store: bool = True) -> str | None:
        """The session's language: from its record, or (without one, or with ``store`` False,
        when the store is down) the language its token was started in."""
        given = tokens.issued(token)
        if given is None or not store:
            return None if given is None else given.locale
        try:
            record = await self._load(RecordKey(token))
        except WebError:
            record = None
        return given.locale if record is None else record.session.locale

    def _welcome(self, token: str, seq: int, *, count: bool = True) -> Record:
        """The session as ``start`` left it, for the first answer; 410 if the token's welcome
        is no longer fresh (or this is not an answer to it)."""
        given = tokens.issued(token)
        if given is None or seq != 0 or given.locale not in self.engine.current.catalogs:
            raise WebError(410, "session_gone")
        age = self.clock() - given.at
        if not -60 <= age <= self.fresh_for:
            raise WebError(410, "session_gone", locale=given.locale)
        session, reply = self.engine.start(given.locale, count=count)  # counted: a first answer
        return Record(session, public_reply(reply))

    async def _create(self, key: str, sealed: Sealed, locale: str) -> bool:
        try:
            return bool(await self._guard(self.store.create(key, sealed)))
        except StoreBusy as err:
            log.warning("busy: the cap on live sessions is reached")
            raise WebError(503, "busy", locale=locale, headers={"Retry-After": "120"}) from err

    @staticmethod
    def _box(token: str) -> RecordKey:
        if not tokens.well_formed(token):
            raise WebError(410, "session_gone")
        return RecordKey(token)

    async def _load(self, box: RecordKey) -> Record | None:
        sealed = await self._guard(self.store.load(box.digest))
        if sealed is None:
            return None
        try:
            return box.unseal(sealed)
        except RecordUnreadable as err:
            log.warning("a session record did not open with its token; refused")
            raise WebError(410, "session_gone") from err

    @staticmethod
    async def _guard(awaitable: Any) -> Any:
        try:
            return await awaitable
        except StoreBusy:
            raise
        except StoreError as err:
            log.error("session store unavailable: %s", err)
            raise WebError(503, "store_down") from err


def _label(record: Record, choice: str) -> str | None:
    """The label of the option ``choice`` in the reply ``record`` holds."""
    for opt in record.reply.get("options", ()):
        if opt["id"] == choice:
            return str(opt["label"])
    return None
