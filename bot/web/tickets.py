"""Page tickets: Post/Redirect/Get for the pages that work without JavaScript.

Without JavaScript every answer is a form POST. A browser never shows a POST's page again from
memory when the page may not be stored (``Cache-Control: no-store``), so Back would land on a
browser error ("Confirm form resubmission", ``ERR_CACHE_MISS``). Instead, ``POST /chat`` answers
``303 See Other`` to ``GET /chat/<ticket>``, and that page is shown once:

- a ticket is 256 random bits, good for one GET, and is *not* the session token: the store keeps
  it only as a digest, with the token and the words the person sent sealed under a key derived
  from the ticket (``bot.web.records``, as session records are), so the store cannot read them;
- the GET takes the ticket out of the store before it answers, so Back, Forward or a reload of
  an old address finds nothing and gets a short readable page ("this page has expired").

The session token stays in hidden form fields only (P2): the ticket in the address opens one
page once, a moment after the person's own answer, and nothing after that.
"""

from __future__ import annotations

import re
import secrets

from bot.session import Session
from bot.web import tokens
from bot.web.records import Record, seal, unseal
from bot.web.store import SessionStore

__all__ = ["issue", "redeem"]

_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
PREFIX = "page-"
"""Store keys of tickets, apart from session digests (which are hex)."""


async def issue(store: SessionStore, token: str, said: str | None, locale: str) -> str:
    """A new ticket for the page of session ``token``; raises ``StoreBusy``/``StoreError``."""
    ticket = secrets.token_urlsafe(tokens.TOKEN_BYTES)
    carrier = Session(locale=locale, version="", flow="", state="")
    await store.create(PREFIX + tokens.digest(ticket), seal(ticket, Record(carrier, {"token": token, "said": said})))
    return ticket


async def redeem(store: SessionStore, ticket: str) -> tuple[str, str | None] | None:
    """``(token, said)`` for a ticket not used before, or None; the ticket is used up.
    ``RecordUnreadable`` if what the store holds under it does not open with it."""
    if not _SHAPE.match(ticket):
        return None
    key = PREFIX + tokens.digest(ticket)
    sealed = await store.load(key)
    if sealed is None:
        return None
    await store.delete(key)
    data = unseal(ticket, sealed).reply
    token = data.get("token")
    if not isinstance(token, str) or not token:
        return None
    said = data.get("said")
    return token, said if isinstance(said, str) else None
