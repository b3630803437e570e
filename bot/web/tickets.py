"""Page tickets: Post/Redirect/Get for the pages that work without JavaScript.

Without JavaScript every answer is a form POST. A browser never shows a POST's page again from
memory when the page may not be stored (``Cache-Control: no-store``), so Back would land on a
browser error ("Confirm form resubmission", ``ERR_CACHE_MISS``). Instead, ``POST /chat`` answers
``303 See Other`` to ``GET /chat/<ticket>``, and that page is shown once:

- a ticket is 256 random bits, good for one GET, and is *not* the session token: the store keeps
  it only as a digest, with the token and the words the person sent sealed under a one-time key
  derived from the ticket (SHAKE-256 keystream), so the store cannot read them back;
- the GET takes the ticket out of the store before it answers, so Back, Forward or a reload of
  an old address finds nothing and gets a short readable page ("this page has expired").

The session token stays in hidden form fields only (P2): the ticket in the address opens one
page once, a moment after the person's own answer, and nothing after that.
"""

from __future__ import annotations

import base64
import hashlib
import json

from bot.session import Session
from bot.web import tokens
from bot.web.store import Record, SessionStore

__all__ = ["issue", "redeem"]

PREFIX = "page-"
"""Store keys of tickets, apart from session digests (which are hex)."""


def _pad(ticket: str, size: int) -> bytes:
    return hashlib.shake_256(b"redirection-bot page ticket\0" + ticket.encode("ascii")).digest(size)


def _seal(ticket: str, data: dict[str, str | None]) -> str:
    plain = json.dumps(data, separators=(",", ":")).encode("utf-8")
    sealed = bytes(a ^ b for a, b in zip(plain, _pad(ticket, len(plain)), strict=True))
    return base64.b64encode(sealed).decode("ascii")


def _open(ticket: str, sealed: str) -> dict[str, str | None]:
    raw = base64.b64decode(sealed)
    plain = bytes(a ^ b for a, b in zip(raw, _pad(ticket, len(raw)), strict=True))
    data: dict[str, str | None] = json.loads(plain)
    return data


async def issue(store: SessionStore, token: str, said: str | None, locale: str) -> str:
    """A new ticket for the page of session ``token``; raises ``StoreBusy``/``StoreError``."""
    ticket = tokens.new_token()
    carrier = Session(locale=locale, version="", flow="", state="")
    record = Record(carrier, {"seq": 0, "page": _seal(ticket, {"token": token, "said": said})})
    await store.create(PREFIX + tokens.digest(ticket), record)
    return ticket


async def redeem(store: SessionStore, ticket: str) -> tuple[str, str | None] | None:
    """``(token, said)`` for a ticket not used before, or None; the ticket is used up."""
    if not tokens.well_formed(ticket):
        return None
    key = PREFIX + tokens.digest(ticket)
    record = await store.load(key)
    if record is None:
        return None
    await store.delete(key)
    data = _open(ticket, str(record.reply["page"]))
    token = data.get("token")
    if not token:
        return None
    return token, data.get("said")
