"""Session records as the store keeps them: sealed with a key only the person's token gives (P6).

    sealed = seal(token, Record(session, reply))   # what the store holds: seq + ciphertext
    record = unseal(token, sealed)                 # RecordUnreadable if wrong or tampered

    box = RecordKey(token)                         # one turn: the key derived once
    record = box.unseal(sealed); ...; sealed = box.seal(Record(session, reply, reply_json=body))

The key is HKDF-SHA256 of the token (256 random bits, which only the client holds); the record is
AES-256-GCM with a fresh 96-bit nonce, bound to the store key (the token's digest) and the seq as
associated data, so a record moved to another session, a seq rewritten, or a byte changed fails
to open. The store keeps the seq in clear for its compare-and-set, and nothing else readable: a
dump of it without the tokens tells nothing of what anyone chose or typed.

The plaintext is the session as compact JSON, a newline, and the reply as the JSON the API sends
(JSON without indentation never holds a raw newline). The reply's JSON is made once per turn and
serves both the record and the response body; it is parsed back only when something needs it
(a repeated request, the pages), not on every turn. Records written before this format
(``{"s": session, "r": reply}``) still open.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.session import Session
from bot.web import tokens
from bot.web.store import RecordUnreadable, Sealed

__all__ = ["Record", "RecordKey", "ReplyData", "hkdf_sha256", "reply_json", "seal", "session_dict", "unseal"]

_INFO = b"redirection-bot session record v1"
_NONCE = 12
_FIELDS = tuple(f.name for f in dataclasses.fields(Session))
_OLD = b'{"s":'
"""How a record in the first format (one JSON object) begins; the session JSON never does."""


def hkdf_sha256(secret: bytes, info: bytes = _INFO) -> bytes:
    """HKDF-SHA256 (RFC 5869) of ``secret`` without salt, 32 bytes: one HMAC to extract, one
    block to expand. The same bytes as ``cryptography``'s ``HKDF(SHA256(), 32, None, info)``
    (a test compares them), in two C calls instead of that class's checks."""
    prk = hmac.digest(bytes(32), secret, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def session_dict(session: Session) -> dict[str, Any]:
    """``Session.to_dict`` for JSON at once: the same keys and values, without the deep copy
    ``dataclasses.asdict`` makes (the dict is dumped straight away and dropped)."""
    return {name: getattr(session, name) for name in _FIELDS}


def reply_json(reply: dict[str, Any]) -> bytes:
    """A reply as the API sends it (``json.dumps`` defaults, as ``web.json_response``)."""
    return json.dumps(reply).encode("utf-8")


class ReplyData:
    """A reply as the dict, its JSON, or both: either is made from the other when first asked
    for, so that a turn dumps its reply once (for the record and the response body)."""

    __slots__ = ("_reply", "_reply_json")

    def __init__(self, reply: dict[str, Any] | None = None, reply_json: bytes | None = None) -> None:
        if reply is None and reply_json is None:
            raise TypeError(f"{type(self).__name__} takes a reply, its JSON, or both")
        self._reply = reply
        self._reply_json = reply_json

    @property
    def reply(self) -> dict[str, Any]:
        if self._reply is None:
            assert self._reply_json is not None
            self._reply = json.loads(self._reply_json)
        return self._reply

    @property
    def reply_json(self) -> bytes:
        if self._reply_json is None:
            assert self._reply is not None
            self._reply_json = reply_json(self._reply)
        return self._reply_json


class Record(ReplyData):
    """One live session and the reply last sent in it (the plaintext; never stored as such)."""

    __slots__ = ("session",)

    def __init__(self, session: Session, reply: dict[str, Any] | None = None, *,
                 reply_json: bytes | None = None) -> None:
        super().__init__(reply, reply_json)
        self.session = session

    @property
    def seq(self) -> int:
        return self.session.seq

    def dumps(self) -> bytes:
        session = json.dumps(session_dict(self.session), separators=(",", ":"))
        return session.encode("utf-8") + b"\n" + self.reply_json

    @classmethod
    def loads(cls, data: bytes) -> Record:
        if data.startswith(_OLD):
            raw = json.loads(data)
            return cls(Session.from_dict(raw["s"]), raw["r"])
        session, sep, reply = data.partition(b"\n")
        if not sep:
            raise ValueError("a record without its reply")
        return cls(Session.from_dict(json.loads(session)), reply_json=reply)


class RecordKey:
    """The sealing key of one token, derived once (HKDF-SHA256), and its store key (digest)."""

    __slots__ = ("_aead", "digest")

    def __init__(self, token: str) -> None:
        self._aead = AESGCM(hkdf_sha256(token.encode("ascii")))
        self.digest = tokens.digest(token)

    def _aad(self, seq: int) -> bytes:
        return f"{self.digest}:{seq}".encode("ascii")

    def seal(self, record: Record) -> Sealed:
        nonce = os.urandom(_NONCE)
        seq = record.seq
        return Sealed(seq, nonce + self._aead.encrypt(nonce, record.dumps(), self._aad(seq)))

    def unseal(self, sealed: Sealed) -> Record:
        """The record, or ``RecordUnreadable`` (another token, a changed byte, a rewritten seq)."""
        nonce, ciphertext = sealed.blob[:_NONCE], sealed.blob[_NONCE:]
        try:
            plain = self._aead.decrypt(nonce, ciphertext, self._aad(sealed.seq))
        except (InvalidTag, ValueError) as err:
            raise RecordUnreadable("a session record did not authenticate") from err
        record = Record.loads(plain)
        if record.seq != sealed.seq:
            raise RecordUnreadable("a session record's seq does not match its contents")
        return record


def seal(token: str, record: Record) -> Sealed:
    return RecordKey(token).seal(record)


def unseal(token: str, sealed: Sealed) -> Record:
    """The record, or ``RecordUnreadable`` (another token, a changed byte, a rewritten seq)."""
    return RecordKey(token).unseal(sealed)
