"""Where a typed web turn's time goes: microseconds per part of the server path, in-process.

    .venv/bin/python -m bench.typed_turn [--repeat 3000]

A JSON turn as ``bot/web/api.py`` and ``bot/web/conversation.py`` run it, taken apart: reading
the body, validating it, opening the session (store, HKDF, AES-GCM), the engine (each step of its
typed path, then the whole ``Engine.turn``), the reply as a dict, its JSON, sealing and saving
the record, and the response. Two everyday messages (300 and 40 characters, that screening lets
through) typed where the load benchmark types them (a choice state: the bot says "not
understood"), and a button turn beside them. aiohttp's own work (HTTP parsing, writing to the
socket) is not in here: ``bench/web_load.py`` gives the whole server's CPU time per turn.
Medians of ``--repeat`` runs of each part in CPU time, on one core; prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot import catalog
from bot import engine as engine_module
from bot.bootstrap import load_engine
from bot.catalog import clean_text
from bot.engine import Engine
from bot.paths import REPO_ROOT
from bot.session import Session, UserInput
from bot.web import tokens
from bot.web.api import TurnBody
from bot.web.conversation import Turn, public_reply
from bot.web.records import Record, RecordKey, reply_json
from bot.web.store.memory import MemoryStore

LONG = (
    "we went to the lake on sunday and the kids threw bread at the ducks. my sister made "
    "sandwiches and we sat on the grass for hours. work has been busy this week but the new "
    "manager seems fair. i still need to fix the bike and call the bank about the card before "
    "friday, and the dentist wants me back next month."
)[:300]
SHORT = "work was busy today, going for a walk now"


CLOCK = time.thread_time_ns
"""This thread's CPU time: what other work on a shared machine moves least (a busy machine
still slows each part through the caches it shares)."""


def _median_ns(fn: Callable[[], object], repeat: int) -> float:
    clock = CLOCK
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def median_us(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU microseconds of ``fn()``, less the clock's own cost."""
    return max(0.0, _median_ns(fn, repeat) - _median_ns(lambda: None, repeat)) / 1000


def normalise_calls(engine: Engine, session: Session, user: UserInput) -> int:
    """How many times one turn folds the text (``bot.catalog.normalise``)."""
    calls = 0
    real = catalog.normalise

    def counted(text: str) -> str:
        nonlocal calls
        calls += 1
        return real(text)

    where = (session.seq, session.flow, session.state, session.stack)
    catalog.normalise = engine_module.normalise = counted  # type: ignore[assignment]
    try:
        engine.turn(session, user)
    finally:
        catalog.normalise = engine_module.normalise = real  # type: ignore[assignment]
        session.seq, session.flow, session.state, session.stack = where
    return calls


def engine_parts(engine: Engine, session: Session, raw: str, repeat: int) -> dict[str, float]:
    """The engine's typed path (no crisis, no lapse, no command: the text is "not understood"
    in a choice state): the whole turn, and the parts that cost by the text's length."""
    assert engine.screen is not None
    text = clean_text(raw)
    screen, lapse, locale = engine.screen, engine.lapse, session.locale
    user = UserInput(text=raw)
    where = (session.seq, session.flow, session.state, session.stack)

    def one_turn() -> object:
        session.seq, session.flow, session.state, session.stack = where
        return engine.turn(session, user)

    out = {
        "engine.turn (whole)": median_us(one_turn, repeat),
        "  clean_text": median_us(lambda: clean_text(raw), repeat),
        "  normalise (one call)": median_us(lambda: catalog.normalise(text), repeat),
        "  screen (both stages)": median_us(lambda: screen(text, locale), repeat),
        "  lapse finder": median_us(lambda: lapse(text, locale) if lapse else None, repeat),
    }
    calls = normalise_calls(engine, session, user)
    out[f"  normalise x {calls} (calls in one turn)"] = out["  normalise (one call)"] * calls
    out["  the rest (whole - clean - normalise x n - screen - lapse)"] = out["engine.turn (whole)"] - sum(
        out[k] for k in ("  clean_text", f"  normalise x {calls} (calls in one turn)",
                         "  screen (both stages)", "  lapse finder"))
    return out


async def web_parts(engine: Engine, user: UserInput, repeat: int) -> dict[str, float]:
    """The server's part of a turn around the engine, on the memory store."""
    store = MemoryStore(idle_timeout=3600, max_sessions=10)
    token = tokens.new_token("en")
    session, reply = engine.start("en", count=False)
    engine.turn(session, UserInput(choice="continue"))
    box = RecordKey(token)
    body = public_reply(reply)
    await store.create(box.digest, box.seal(Record(session, body)))
    raw = json.dumps({"session": token, "seq": session.seq, **{
        k: v for k, v in (("choice", user.choice), ("text", user.text)) if v is not None}}).encode()
    data = json.loads(raw)
    model = TurnBody.model_validate(data)
    where = (session.seq, session.flow, session.state, session.stack)
    reply_obj = engine.turn(session, user)
    session.seq, session.flow, session.state, session.stack = where
    body = public_reply(reply_obj)
    body_json = reply_json(body)
    sealed = box.seal(Record(session, body, reply_json=body_json))
    loop_store: dict[str, float] = {}

    async def timed_async(name: str, make: Callable[[], Any]) -> None:
        clock = CLOCK
        times = []
        for _ in range(repeat):
            t0 = clock()
            await make()
            times.append(clock() - t0)
        loop_store[name] = statistics.median(times) / 1000

    out = {
        "request parse (json.loads)": median_us(lambda: json.loads(raw.decode("utf-8")), repeat),
        "validation (TurnBody)": median_us(lambda: TurnBody.model_validate(data).user_input(), repeat),
        "session open: RecordKey (HKDF, digest)": median_us(lambda: RecordKey(token), repeat),
    }
    await timed_async("session open: store.load", lambda: store.load(box.digest))
    out["session open: store.load"] = loop_store["session open: store.load"]
    out["session open: unseal (AES-GCM, JSON)"] = median_us(lambda: box.unseal(sealed), repeat)
    where = (session.seq, session.flow, session.state, session.stack)

    def one_turn() -> object:  # the same turn again, from the same place
        session.seq, session.flow, session.state, stack = where
        session.stack = list(stack) if stack else None
        return engine.turn(session, model.user_input())

    out["engine.turn (whole)"] = median_us(one_turn, repeat)
    out["render (public_reply)"] = median_us(lambda: public_reply(reply_obj), repeat)
    out["JSON (reply_json)"] = median_us(lambda: reply_json(body), repeat)
    out["seal (Record, AES-GCM)"] = median_us(lambda: box.seal(Record(session, body, reply_json=body_json)),
                                              repeat)
    await timed_async("store.save", lambda: store.save(box.digest, sealed, expect_seq=sealed.seq))
    out["store.save"] = loop_store["store.save"]
    out["response (Turn.body, web.Response)"] = median_us(
        lambda: web.Response(body=Turn(token, body, user.text, reply_json=body_json).body(), status=200,
                             content_type="application/json", charset="utf-8"), repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3000)
    args = parser.parse_args()
    engine = load_engine(REPO_ROOT)
    engine.events = None
    session, _ = engine.start("en", count=False)
    engine.turn(session, UserInput(choice="continue"))  # where bench/web_load.py types
    print(f"typed in {session.flow}.{session.state}; medians of {args.repeat} runs, microseconds")
    cases = {"300 chars": LONG, "40 chars": SHORT}
    gc.disable()
    try:
        for name, text in cases.items():
            assert not engine.screen or not engine.screen(text, "en"), "a text screening would flag"
            print(f"\n== typed, {name} ({len(text)}): engine parts")
            parts = engine_parts(engine, session, text, args.repeat)
            for part, us in parts.items():
                print(f"  {part:<40} {us:8.1f}")
            web_ = asyncio.run(web_parts(engine, UserInput(text=text), args.repeat))
            print(f"== typed, {name}: server path")
            for part, us in web_.items():
                print(f"  {part:<40} {us:8.1f}")
            print(f"  {'sum of the server path':<40} {sum(web_.values()):8.1f}")
        web_ = asyncio.run(web_parts(engine, UserInput(choice="help"), args.repeat))
        print("\n== button (help): server path")
        for part, us in web_.items():
            print(f"  {part:<40} {us:8.1f}")
        print(f"  {'sum of the server path':<40} {sum(web_.values()):8.1f}")
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
