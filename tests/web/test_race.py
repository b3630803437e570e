"""Turns are atomic in both stores: twenty answers to the same reply at once (ten "Understood",
ten "end"), a hundred times, and each time exactly one of them decides what happened. An ending
turn is compare-and-set like any other (before, it deleted without checking ``seq``, and a
conversation could be both continued and ended)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.web.helpers import start, turn

ROUNDS = 100


async def _answer(client: Any, reply: dict[str, Any], what: dict[str, str]
                  ) -> tuple[int, dict[str, Any]]:
    body = {"session": reply["session"], "seq": reply["seq"], **what}
    resp = await client.post("/api/v1/turn", json=body)
    return resp.status, await resp.json()


async def test_twenty_mixed_turns_at_once_have_one_outcome(client: Any, store: Any) -> None:
    from bot.web import tokens

    outcomes = {"continued": 0, "ended": 0}
    for _ in range(ROUNDS):
        first = await turn(client, await start(client), choice="continue")
        answers = await asyncio.gather(*(
            _answer(client, first, what)
            for what in [{"choice": "understood"}, {"command": "end"}] * 10))
        statuses = {status for status, _ in answers}
        assert statuses <= {200, 410}, answers
        ok = [body for status, body in answers if status == 200]
        assert ok, "at least the winner is answered"
        kept = await store.load(tokens.digest(first["session"]))
        if kept is None:  # "end" won: every answer given says the conversation ended
            outcomes["ended"] += 1
            assert all(body["ended"] for body in ok), "ended, yet a turn was answered as continued"
            assert all(body["help"] for status, body in answers if status == 410)
        else:  # "Understood" won: the session moved on once, and nobody was told it ended
            outcomes["continued"] += 1
            assert kept.seq == 2
            assert not any(body["ended"] for body in ok), "continued, yet a turn said it ended"
            assert all(body == ok[0] for body in ok), "every answer is the winner's reply"
    assert sum(outcomes.values()) == ROUNDS


CRISIS = "I'm going to kill myself tonight"
"""Words the shipped screener is sure of (a phrase rule): the suicide path interrupts."""


def _flow_kept(kept: Any, token: str) -> str:
    from bot.web.records import RecordKey

    return str(RecordKey(token).unseal(kept).session.flow)


async def test_a_crisis_typed_in_the_request_that_loses_the_race_still_gets_help(
    client: Any, store: Any
) -> None:
    """Two tabs (or two API clients) answer the same reply at once, one with "Understood", one
    with a crisis. Before, the loser was given the winner's reply: when "Understood" won, the
    crisis was never read back and no help was shown. Now, whichever is stored first, the
    crisis's own response is the suicide path with its help, and the conversation is in it."""
    from bot.web import tokens

    won = {"everyday": 0, "crisis": 0}
    for _ in range(ROUNDS // 2):
        first = await turn(client, await start(client), choice="continue")
        (s1, everyday), (s2, crisis) = await asyncio.gather(
            _answer(client, first, {"text": "Understood"}), _answer(client, first, {"text": CRISIS}))
        assert (s1, s2) == (200, 200), (everyday, crisis)
        assert crisis["flow"] == "crisis_suicide" and crisis["resources"], crisis
        kept = await store.load(tokens.digest(first["session"]))
        assert _flow_kept(kept, first["session"]) == "crisis_suicide"
        won["crisis" if everyday == crisis else "everyday"] += 1
    assert sum(won.values()) == ROUNDS // 2, won


async def test_a_crisis_sent_from_the_tab_left_behind_gets_help(client: Any, store: Any) -> None:
    """One tab has answered; the other, still showing the reply before, sends a crisis: as a
    repeat of the last answer (its seq) or from further back. Both open the suicide path; only
    words that change nothing where the conversation stands get the repeat's reply."""
    from bot.web import tokens

    r1 = await turn(client, await start(client), choice="continue")
    r2 = await turn(client, r1, text="Understood")
    assert r2["flow"] != "crisis_suicide"
    late = await turn(client, r1, text=CRISIS)  # the tab left behind: r1's seq again
    assert late["flow"] == "crisis_suicide" and late["resources"]
    assert late["seq"] == r2["seq"] + 1
    assert _flow_kept(await store.load(tokens.digest(r1["session"])), r1["session"]) == "crisis_suicide"

    r1 = await turn(client, await start(client), choice="continue")
    r2 = await turn(client, r1, choice="understood")
    r3 = await turn(client, r2, choice="adult")
    older = await turn(client, r1, text=CRISIS)  # two replies back: a 409 before
    assert older["flow"] == "crisis_suicide" and older["seq"] == r3["seq"] + 1
    assert (await turn(client, r1, status=409, text="Understood"))["error"]["code"] == "stale_seq"


async def test_a_repeated_crisis_or_everyday_text_keeps_the_first_reply(client: Any) -> None:
    """A double submit or a retry of typed words is still a repeat: the same reply, not a turn
    more (the crisis it opened is not opened again)."""
    r1 = await turn(client, await start(client), choice="continue")
    crisis = await turn(client, r1, text=CRISIS)
    assert crisis["flow"] == "crisis_suicide"
    assert await turn(client, r1, text=CRISIS) == crisis
    r1 = await turn(client, await start(client), choice="continue")
    everyday = await turn(client, r1, text="Understood")
    assert await turn(client, r1, text="Understood") == everyday
    assert await turn(client, r1, text="ok, thanks") == everyday  # changes nothing there


async def test_late_words_screening_is_unsure_of_ask_the_check_in(
    aiohttp_client: Any, flowset: Any, store: Any
) -> None:
    """A check-in opens help too: late words the screener is unsure of ask it, as they would
    have on time (a fixed screen, so that no retraining moves the case)."""
    from bot.engine import Engine
    from bot.screening import Screening
    from bot.web import WebConfig, create_app
    from tests.web.conftest import make_client

    def screen(text: str, locale: str) -> Screening:
        if "kill myself" in text.lower():
            return Screening(sure=("suicide",))
        return Screening(unsure=("distress",), scores={"distress": 0.5}) if "tired" in text.lower() else Screening()

    client = await make_client(aiohttp_client, create_app(Engine(flowset, screen=screen), WebConfig(), store=store))
    r1 = await turn(client, await start(client), choice="continue")
    everyday = await turn(client, r1, text="Understood")
    assert await turn(client, r1, text="ok, thanks") == everyday
    asked = await turn(client, r1, text="I Am So Tired")
    assert asked["flow"] == "check_in_distress" and asked["seq"] == everyday["seq"] + 1
    again = await turn(client, everyday, text="I Am So Tired")  # a double submit of it
    assert again == asked, "read at the check-in as 'not sure', it would skip the question"
    worse = await turn(client, everyday, text="I'm going to kill myself tonight")  # sure, at the check-in
    assert worse["flow"] == "crisis_suicide" and worse["seq"] == asked["seq"] + 1
