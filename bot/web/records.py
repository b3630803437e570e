"""Session records as the store keeps them: sealed with a key only the person's token gives (P6).

    sealed = seal(token, Record(session, reply))   # what the store holds: seq + ciphertext
    record = unseal(token, sealed)                 # RecordUnreadable if wrong or tampered

The key is HKDF-SHA256 of the token (256 random bits, which only the client holds); the record is
AES-256-GCM with a fresh 96-bit nonce, bound to the store key (the token's digest) and the seq as
associated data, so a record moved to another session, a seq rewritten, or a byte changed fails
to open. The store keeps the seq in clear for its compare-and-set, and nothing else readable: a
dump of it without the tokens tells nothing of what anyone chose or typed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.session import Session
from bot.web import tokens
from bot.web.store import RecordUnreadable, Sealed

__all__ = ["Record", "seal", "unseal"]

_INFO = b"redirection-bot session record v1"
_NONCE = 12


@dataclass(slots=True)
class Record:
    """One live session and the reply last sent in it (the plaintext; never stored as such)."""

    session: Session
    reply: dict[str, Any]

    @property
    def seq(self) -> int:
        return self.session.seq

    def dumps(self) -> bytes:
        return json.dumps({"s": self.session.to_dict(), "r": self.reply},
                          separators=(",", ":")).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes) -> Record:
        raw = json.loads(data)
        return cls(Session.from_dict(raw["s"]), raw["r"])


def _key(token: str) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return AESGCM(hkdf.derive(token.encode("ascii")))


def _aad(token: str, seq: int) -> bytes:
    return f"{tokens.digest(token)}:{seq}".encode("ascii")


def seal(token: str, record: Record) -> Sealed:
    nonce = os.urandom(_NONCE)
    blob = nonce + _key(token).encrypt(nonce, record.dumps(), _aad(token, record.seq))
    return Sealed(record.seq, blob)


def unseal(token: str, sealed: Sealed) -> Record:
    """The record, or ``RecordUnreadable`` (another token, a changed byte, a rewritten seq)."""
    nonce, ciphertext = sealed.blob[:_NONCE], sealed.blob[_NONCE:]
    try:
        plain = _key(token).decrypt(nonce, ciphertext, _aad(token, sealed.seq))
    except (InvalidTag, ValueError) as err:
        raise RecordUnreadable("a session record did not authenticate") from err
    record = Record.loads(plain)
    if record.seq != sealed.seq:
        raise RecordUnreadable("a session record's seq does not match its contents")
    return record
