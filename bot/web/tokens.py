"""Session tokens: 256 random bits, then the language and the time the conversation started,
carried only in request bodies, never stored as given.

    token = new_token("es")   # "<43 random url-safe characters>.es.<start time, hex seconds>"

``start`` writes nothing to the store (the welcome is the same for everyone): the first answer
creates the session, and needs only the token to know its language and whether the welcome is
still fresh. The language and time tell nothing a server would not see anyway; the random part
is what makes a token unguessable and keys the sealed record (``bot.web.records``).

Stores are keyed by a digest of the token, so a lookup compares digests, never the token itself
(no timing signal about a valid token), and a store's contents cannot be turned back into tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

__all__ = ["TOKEN_BYTES", "Issued", "digest", "issued", "new_token", "same", "well_formed"]

TOKEN_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}\.([a-z]{2,3}(?:-[A-Za-z0-9]{1,4})?)\.([0-9a-f]{1,10})$")


@dataclass(frozen=True, slots=True)
class Issued:
    locale: str
    at: int
    """Unix time (seconds) of ``start``."""


def new_token(locale: str, now: float | None = None) -> str:
    at = int(time.time() if now is None else now)
    return f"{secrets.token_urlsafe(TOKEN_BYTES)}.{locale}.{at:x}"


def issued(token: str) -> Issued | None:
    """The language and start time a well-formed token carries; None for any other string."""
    m = _SHAPE.match(token)
    return None if m is None else Issued(m.group(1), int(m.group(2), 16))


def well_formed(token: str) -> bool:
    return bool(_SHAPE.match(token))


def digest(token: str) -> str:
    """The store key of ``token``: SHA-256, hex (one-way for a 256-bit random token)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))
