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
