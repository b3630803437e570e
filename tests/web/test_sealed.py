"""The store holds only ciphertext (P6): a dump of it, without the tokens, tells nothing of what
anyone chose or typed; a record that does not open with its token (tampered, moved to another
session, seq rewritten) is a clear 410 with the crisis resources."""

from __future__ import annotations

from typing import Any

import pytest

from bot.session import Session
from bot.web import tokens
from bot.web.records import Record, seal, unseal
from bot.web.store import RecordUnreadable, Sealed
from tests.web.conftest import CANARY
from tests.web.helpers import TO_MENU, TO_REASON, start, turn


async def _dump(store: Any) -> bytes:
    """Every byte the store holds: keys, fields and values."""
    if hasattr(store, "client"):
        out = []
        for key in await store.client.keys("*"):
            out.append(key)
            kind = await store.client.type(key)
            if kind == b"hash":
                for field, value in (await store.client.hgetall(key)).items():
                    out += [field, value]
            elif kind == b"zset":
                out += [m for m, _ in await store.client.zrange(key, 0, -1, withscores=True)]
        return b"\n".join(out)
    return b"\n".join(k.encode() + b"\n" + str(v[1].seq).encode() + b"\n" + v[1].blob
                      for k, v in store._data.items())


async def test_a_dump_of_the_store_tells_nothing_of_the_conversation(
    client: Any, store: Any
) -> None:
    r = await start(client, "es")
    for choice in (*TO_MENU, *TO_REASON):
        r = await turn(client, r, choice=choice)
    r = await turn(client, r, text=f"Quiero que mi hija confíe en mí {CANARY}")
    dump = await _dump(store)
    assert dump, "the session is live"
    # (a two-letter needle such as es would turn up by chance in random ciphertext)
    for needle in (CANARY, "confíe", "why_change", "ask_reason", '"s"', "locale", '"es"',
                   r["session"], r["messages"][0]["text"][:20]):
        assert needle.encode() not in dump, needle
    assert tokens.digest(r["session"]).encode() in dump  # keyed by the digest only


@pytest.mark.parametrize("how", ["a changed byte", "another session's record", "a rewritten seq"])
async def test_a_record_that_does_not_open_is_a_410_with_help(
    client: Any, store: Any, how: str
) -> None:
    a = await turn(client, await start(client), choice="continue")
    b = await turn(client, await start(client), choice="continue")
    key_a, key_b = tokens.digest(a["session"]), tokens.digest(b["session"])
    sealed = await store.load(key_a)
    if how == "a changed byte":
        blob = bytearray(sealed.blob)
        blob[-1] ^= 1
        forged = Sealed(sealed.seq, bytes(blob))
    elif how == "another session's record":
        forged = await store.load(key_b)
        assert forged is not None and forged.seq == 1
    else:
        forged = Sealed(sealed.seq + 1, sealed.blob)
    await store.delete(key_a)
    assert await store.create(key_a, forged)
    resp = await client.post("/api/v1/turn", json={"session": a["session"], "seq": forged.seq,
                                                   "choice": "understood"})
    assert resp.status == 410
    data = await resp.json()
    assert data["error"]["code"] == "session_gone" and data["help"]


def test_only_the_token_opens_a_record() -> None:
    token, other = tokens.new_token("en"), tokens.new_token("en")
    record = Record(Session("en", "v1", "why_change", "ask_reason", seq=3),
                    {"seq": 3, "messages": [{"key": "k", "text": CANARY}]})
    sealed = seal(token, record)
    assert CANARY.encode() not in sealed.blob
    assert unseal(token, sealed).reply == record.reply
    assert seal(token, record).blob != sealed.blob, "a fresh nonce each time"
    with pytest.raises(RecordUnreadable):
        unseal(other, sealed)


def _session() -> Session:
    return Session("es", "v1", "why_change", "ask_reason", stack=[("welcome", "privacy")],
                   slots={"reason": CANARY}, seq=4, started=1.5, touched=2.25, risk={"suicide": 2})


def test_a_record_keeps_what_the_session_and_reply_held() -> None:
    import json

    from bot.web.records import RecordKey, session_dict

    session = _session()
    assert json.dumps(session_dict(session)) == json.dumps(session.to_dict())
    reply = {"seq": 4, "messages": [{"key": "k", "text": "línea\nnueva \u2028 \"x\""}], "options": []}
    box = RecordKey(tokens.new_token("es"))
    opened = box.unseal(box.seal(Record(session, reply)))
    assert opened.session == session and opened.reply == reply
    # made from the API's JSON alone, the same record
    again = box.unseal(box.seal(Record(session, reply_json=json.dumps(reply).encode())))
    assert again.session == session and again.reply == reply


def test_a_record_in_the_first_format_still_opens() -> None:
    import json
    import os

    from bot.web.records import RecordKey

    session, reply = _session(), {"seq": 4, "messages": []}
    box = RecordKey(tokens.new_token("en"))
    plain = json.dumps({"s": session.to_dict(), "r": reply}, separators=(",", ":")).encode()
    nonce = os.urandom(12)
    blob = nonce + box._aead.encrypt(nonce, plain, box._aad(4))
    opened = box.unseal(Sealed(4, blob))
    assert opened.session == session and opened.reply == reply


def test_the_api_body_is_what_json_dumps_writes() -> None:
    import json

    from bot.web.conversation import Turn

    token = tokens.new_token("es")
    reply = {"seq": 2, "locale": "es", "messages": [{"key": "k", "text": "¿Qué tal? \u2028"}],
             "options": [{"id": "a", "label": "Sí"}], "ended": False, "screened": []}
    expected = json.dumps({"session": token, **reply}).encode()
    assert Turn(token, reply).body() == expected
    assert Turn(token, reply_json=json.dumps(reply).encode()).body() == expected
    assert Turn(token, reply_json=json.dumps(reply).encode()).reply == reply


def test_the_record_key_is_hkdf_sha256_of_the_token() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from bot.web.records import _INFO, hkdf_sha256

    for _ in range(20):
        secret = tokens.new_token("en").encode("ascii")
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
        assert hkdf_sha256(secret) == expected
