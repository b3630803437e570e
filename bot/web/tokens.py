"""Session tokens: 256 random bits, carried only in request bodies, never stored as given.

Stores are keyed by a digest of the token, so a lookup compares digests, never the token itself
(no timing signal about a valid token), and a store's contents cannot be turned back into tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

__all__ = ["TOKEN_BYTES", "digest", "new_token", "same", "well_formed"]

TOKEN_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    return bool(_SHAPE.match(token))


def digest(token: str) -> str:
    """The store key of ``token``: SHA-256, hex (one-way for a 256-bit random token)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))
