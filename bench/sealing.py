"""What sealing session records costs per turn (P6): derive the key, open the stored record,
seal the new one; against the plain JSON round trip it replaces.

    .venv/bin/python -m bench.sealing [--turns 20000]
"""

from __future__ import annotations

import argparse
import time

from bot.session import Session
from bot.web import tokens
from bot.web.records import Record, seal, unseal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=20_000)
    args = parser.parse_args()
    token = tokens.new_token("en")
    reply = {"seq": 5, "locale": "en", "messages": [{"key": f"k{i}", "text": "x" * 200}
                                                    for i in range(4)],
             "options": [{"id": f"o{i}", "label": "y" * 40} for i in range(4)]}
    record = Record(Session("en", "v1", "why_change", "ask_reason", seq=5), reply)
    sealed = seal(token, record)
    began = time.perf_counter()
    for _ in range(args.turns):
        Record.loads(record.dumps())
    plain = (time.perf_counter() - began) / args.turns
    began = time.perf_counter()
    for _ in range(args.turns):
        unseal(token, sealed)
        seal(token, record)
    sealed_cost = (time.perf_counter() - began) / args.turns
    print(f"record: {len(record.dumps())} bytes plain, {len(sealed.blob)} sealed")
    print(f"plain JSON round trip: {plain * 1e6:.1f} us per turn")
    print(f"open + seal (HKDF-SHA256 x2, AES-256-GCM): {sealed_cost * 1e6:.1f} us per turn "
          f"(+{(sealed_cost - plain) * 1e6:.1f} us)")


if __name__ == "__main__":
    main()
