"""What sealing session records costs per turn (P6): derive the key (once a turn), open the
stored record, seal the new one; against the plain JSON round trip it replaces.

    .venv/bin/python -m bench.sealing [--turns 20000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bot.session import Session
from bot.web import tokens
from bot.web.records import Record, RecordKey, reply_json, seal, unseal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=20_000)
    args = parser.parse_args()
    token = tokens.new_token("en")
    reply = {"seq": 5, "locale": "en", "messages": [{"key": f"k{i}", "text": "x" * 200}
                                                    for i in range(4)],
             "options": [{"id": f"o{i}", "label": "y" * 40} for i in range(4)]}
    session = Session("en", "v1", "why_change", "ask_reason", seq=5)
    record = Record(session, reply)
    sealed = seal(token, record)

    def timed(turn: Callable[[], object]) -> float:
        began = time.perf_counter()
        for _ in range(args.turns):
            turn()
        return (time.perf_counter() - began) / int(args.turns) * 1e6

    plain = timed(lambda: Record.loads(Record(session, reply).dumps()).reply)

    def per_call() -> None:  # a key derived for each of the two steps
        unseal(token, sealed)
        seal(token, Record(session, reply))

    def per_turn() -> None:  # as a web turn does it: one key; the reply dumped once, not parsed
        box = RecordKey(token)
        box.unseal(sealed)
        box.seal(Record(session, reply, reply_json=reply_json(reply)))

    print(f"record: {len(record.dumps())} bytes plain, {len(sealed.blob)} sealed")
    print(f"plain JSON round trip: {plain:.1f} us per turn")
    for name, turn in (("open + seal, a key derived per step (HKDF-SHA256 x2)", per_call),
                       ("open + seal, one key a turn (HKDF-SHA256 x1)", per_turn)):
        cost = timed(turn)
        print(f"{name}: {cost:.1f} us per turn (+{cost - plain:.1f} us)")


if __name__ == "__main__":
    main()
